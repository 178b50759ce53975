package dev.runstream.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AttemptTextTest {

  @Test
  void shouldKeepOtherStepsTextWhenTheRetriedStepIsInterleavedWithThem() {
    AttemptText text = new AttemptText();
    text.stepStarted("a", 1);
    text.stepStarted("b", 1);
    text.delta("a", 1, "A1 ");
    text.delta("b", 1, "B1 ");
    text.delta("a", 1, "A2 ");
    text.delta("b", 1, "B2 ");

    AttemptText.Change change = text.stepStarted("b", 2);

    assertThat(change).isEqualTo(new AttemptText.Retried("B1 B2 "));
    assertThat(text.text()).isEqualTo("A1 A2 ");
    assertThat(text.delta("b", 2, "B3")).isInstanceOf(AttemptText.Appended.class);
    assertThat(text.delta("b", 1, "late")).isInstanceOf(AttemptText.Stale.class);
    assertThat(text.text()).isEqualTo("A1 A2 B3");
    assertThat(text.missedEarlierAttempts()).isFalse();
  }

  @Test
  void shouldTreatANewerAttemptsDeltaAsTheRetryWhenItsStepStartWasMissed() {
    AttemptText text = new AttemptText();
    text.stepStarted("s", 1);
    text.delta("s", 1, "old");

    assertThat(text.delta("s", 3, "new")).isEqualTo(new AttemptText.Retried("old"));
    assertThat(text.text()).isEqualTo("new");
  }

  @Test
  void shouldSupersedeTheEarlierAttemptWhenANewerAttemptFinishesWithoutAStepStart() {
    AttemptText text = new AttemptText();
    text.stepStarted("s", 1);
    text.delta("s", 1, "old");
    text.stepStarted("t", 1);
    text.delta("t", 1, "other");

    assertThat(text.stepEvent("t", 1)).isInstanceOf(AttemptText.None.class);
    assertThat(text.stepFinished("s", 2)).isEqualTo(new AttemptText.Retried("old"));
    assertThat(text.text()).isEqualTo("other");
  }

  @Test
  void shouldNotRetryAFinishedStepWhenAStepStartRepeatsIt() {
    AttemptText text = new AttemptText();
    text.stepStarted("s", 1);
    text.delta("s", 1, "kept");
    text.stepFinished("s", 1);

    assertThat(text.stepStarted("s", 2)).isInstanceOf(AttemptText.None.class);
    assertThat(text.text()).isEqualTo("kept");
  }

  @Test
  void shouldReportMissedEarlierAttemptsWhenARetryNamesAStepStartedBeforeTheSnapshot() {
    AttemptText text = new AttemptText("snapshot text with FIRST ATTEMPT");

    assertThat(text.stepStarted("llm_2", 2)).isEqualTo(new AttemptText.Retried(""));
    text.delta("llm_2", 2, " and more");

    assertThat(text.missedEarlierAttempts()).isTrue();
    assertThat(text.text()).isEqualTo("snapshot text with FIRST ATTEMPT and more");
  }

  @Test
  void shouldKeepNoTextWhenTrackingAttemptsOnly() {
    AttemptText attempts = AttemptText.attemptsOnly();
    attempts.stepStarted("s", 1);
    assertThat(attempts.delta("s", 1, "x")).isInstanceOf(AttemptText.Appended.class);
    assertThat(attempts.stepStarted("s", 2)).isEqualTo(new AttemptText.Retried(""));
    assertThat(attempts.delta("s", 1, "y")).isInstanceOf(AttemptText.Stale.class);
    assertThat(attempts.text()).isEmpty();
  }
}
