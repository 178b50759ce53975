package dev.runstream.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceTrackerTest {
  private static final long WAIT = 1_000;

  /** Records what the tracker decided: "3" for a delivery, "gap 4-5" for a gap. */
  private static final class Recorder implements SequenceTracker.Sink<String> {
    final List<String> out = new ArrayList<>();

    @Override
    public void deliver(long sequence, String event) {
      out.add(event);
    }

    @Override
    public void gap(long from, long to) {
      out.add("gap " + from + "-" + to);
    }
  }

  private static void offer(SequenceTracker<String> t, Recorder r, long now, long... sequences) {
    for (long s : sequences) {
      t.offer(s, Long.toString(s), now, r);
    }
  }

  @Test
  void shouldDeliverInOrderWhenSequencesArriveInOrder() {
    var t = new SequenceTracker<String>(0, 10, WAIT);
    var r = new Recorder();
    offer(t, r, 0, 0, 1, 2, 3);
    assertThat(r.out).containsExactly("0", "1", "2", "3");
    assertThat(t.expected()).isEqualTo(4);
  }

  @Test
  void shouldDropDuplicatesWhenASequenceIsRepeated() {
    var t = new SequenceTracker<String>(0, 10, WAIT);
    var r = new Recorder();
    offer(t, r, 0, 0, 1, 1, 0, 2, 2);
    assertThat(r.out).containsExactly("0", "1", "2");
    assertThat(t.duplicates()).isEqualTo(3);
    assertThat(t.isDuplicate(1)).isTrue();
    assertThat(t.isDuplicate(3)).isFalse();
  }

  @Test
  void shouldReorderWhenEventsArriveOutOfOrderWithinTheWait() {
    var t = new SequenceTracker<String>(0, 10, WAIT);
    var r = new Recorder();
    offer(t, r, 0, 0, 2, 3, 1, 4);
    assertThat(r.out).containsExactly("0", "1", "2", "3", "4");
    assertThat(t.heldCount()).isZero();
  }

  @Test
  void shouldTreatAHeldSequenceAsDuplicateWhenItArrivesAgain() {
    var t = new SequenceTracker<String>(0, 10, WAIT);
    var r = new Recorder();
    offer(t, r, 0, 0, 2, 2);
    assertThat(t.isDuplicate(2)).isTrue();
    assertThat(t.duplicates()).isEqualTo(1);
    offer(t, r, 0, 1);
    assertThat(r.out).containsExactly("0", "1", "2");
  }

  @Test
  void shouldReportTheGapAndGoOnWhenTheMissingEventNeverArrives() {
    var t = new SequenceTracker<String>(0, 10, WAIT);
    var r = new Recorder();
    offer(t, r, 0, 0, 1, 4, 5);
    assertThat(r.out).containsExactly("0", "1");

    t.flushExpired(WAIT - 1, r);
    assertThat(r.out).containsExactly("0", "1");
    t.flushExpired(WAIT, r);
    assertThat(r.out).containsExactly("0", "1", "gap 2-3", "4", "5");

    offer(t, r, WAIT, 3, 6);
    assertThat(r.out).containsExactly("0", "1", "gap 2-3", "4", "5", "6");
  }

  @Test
  void shouldDeclareTheGapAtOnceWhenTooManyEventsAreHeld() {
    var t = new SequenceTracker<String>(0, 2, WAIT);
    var r = new Recorder();
    offer(t, r, 0, 0, 2, 3);
    assertThat(r.out).containsExactly("0");
    offer(t, r, 0, 4);
    assertThat(r.out).containsExactly("0", "gap 1-1", "2", "3", "4");
  }

  @Test
  void shouldDeclareGapsImmediatelyWhenTheWaitIsZero() {
    var t = new SequenceTracker<String>(0, 10, 0);
    var r = new Recorder();
    offer(t, r, 0, 0, 3);
    assertThat(r.out).containsExactly("0", "gap 1-2", "3");
  }

  @Test
  void shouldReportSeveralGapsInOrderWhenFlushedAtTheEnd() {
    var t = new SequenceTracker<String>(0, 10, WAIT);
    var r = new Recorder();
    offer(t, r, 0, 0, 3, 7);
    t.flushAll(r);
    assertThat(r.out).containsExactly("0", "gap 1-2", "3", "gap 4-6", "7");
  }

  @Test
  void shouldReportAGapFromTheCursorWhenTheFirstEventsAreMissing() {
    var t = new SequenceTracker<String>(0, 10, 0);
    var r = new Recorder();
    offer(t, r, 0, 5);
    assertThat(r.out).containsExactly("gap 0-4", "5");
  }

  @Test
  void shouldStartAtTheFirstSequenceSeenWhenUnanchored() {
    var t = new SequenceTracker<String>(-1, 10, 0);
    var r = new Recorder();
    assertThat(t.isDuplicate(0)).isFalse();
    offer(t, r, 0, 41, 42, 41, 43);
    assertThat(r.out).containsExactly("41", "42", "43");
  }

  @Test
  void shouldDropEverythingUpToTheCursorWhenResuming() {
    var t = new SequenceTracker<String>(6, 10, 0);
    var r = new Recorder();
    offer(t, r, 0, 0, 1, 2, 3, 4, 5, 6, 7);
    assertThat(r.out).containsExactly("6", "7");
  }

  @Test
  void shouldNotReportAGapWhenTheMissingSequenceWasSkippedAsPoison() {
    var t = new SequenceTracker<String>(0, 10, 0);
    var r = new Recorder();
    offer(t, r, 0, 0, 1);
    t.skip(2, 0, r);
    offer(t, r, 0, 3);
    assertThat(r.out).containsExactly("0", "1", "3");

    var held = new SequenceTracker<String>(0, 10, WAIT);
    var r2 = new Recorder();
    offer(held, r2, 0, 0);
    offer(held, r2, 0, 2);
    held.skip(1, 0, r2);
    assertThat(r2.out).containsExactly("0", "2");
  }

  @Test
  void shouldRefuseInvalidArgumentsWhenConstructedOrOffered() {
    assertThatThrownBy(() -> new SequenceTracker<String>(-2, 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SequenceTracker<String>(0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    var t = new SequenceTracker<String>(0, 1, 0);
    assertThatThrownBy(() -> t.offer(-1, "x", 0, new Recorder()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
