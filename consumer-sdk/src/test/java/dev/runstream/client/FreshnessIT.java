package dev.runstream.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.PublishedEvent;
import dev.runstream.producer.RunStep;
import dev.runstream.producer.TokenUsage;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.StepType;
import dev.runstream.schemas.TextDelta;
import dev.runstream.topology.TopologyConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot plus tail ({@link RunstreamClient#join}) and read-your-event views ({@link
 * RunstreamClient#view(String, ViewPosition)}) against the real topology on the local cluster.
 */
class FreshnessIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perClass();

  @TempDir static Path stateDir;

  private static TopologyTestbed bed;
  private static AgentEventPublisher publisher;
  private static RunstreamClient client;

  @BeforeAll
  static void start() {
    bed =
        new TopologyTestbed(
            CLUSTER.cluster(),
            stateDir,
            "sdk-freshness-it-",
            TopologyConfig.newBuilder()
                .set(TopologyConfig.QUERY_FRESHNESS_MAX_WAIT_MS_CONFIG, 1_000L));
    publisher = bed.publisher;
    client = bed.client();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (bed != null) {
      bed.close();
    }
  }

  private static PublishedEvent deltas(RunStep step, int from, int to, StringBuilder text)
      throws Exception {
    PublishedEvent last = null;
    for (int i = from; i < to; i++) {
      String chunk = "w" + i + " ";
      CompletableFuture<PublishedEvent> sent = step.textDelta(chunk);
      text.append(chunk);
      if (i == to - 1) {
        last = sent.get(30, TimeUnit.SECONDS);
      }
    }
    return last;
  }

  private static RunSnapshot awaitView(String id, long atLeastSequence) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        RunSnapshot s = client.view(id).get(10, TimeUnit.SECONDS);
        if (s.lastSequence() >= atLeastSequence) {
          return s;
        }
      } catch (ExecutionException e) {
        // not there yet
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the view of " + id + " did not reach " + atLeastSequence);
  }

  @Test
  void shouldDeliverTheSnapshotThenExactlyTheEventsAfterItWhenJoiningARunningRun()
      throws Exception {
    AgentRun run = publisher.startRun("join-agent", "write");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    StringBuilder text = new StringBuilder();
    deltas(llm, 0, 400, text);
    awaitView(run.workflowId(), 300);

    // More deltas and the end are published while the late joiner opens.
    CompletableFuture<Void> rest =
        CompletableFuture.runAsync(
            () -> {
              try {
                deltas(llm, 400, 700, text);
                llm.finish(null, "gpt-4o-mini", TokenUsage.of(10, 700));
                run.finish("done").get(30, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    try (WorkflowStream stream = client.join(run.workflowId())) {
      stream.opened().get(30, TimeUnit.SECONDS);
      RunSnapshot snapshot = stream.snapshot().orElseThrow();
      assertThat(snapshot.status()).isEqualTo(RunStatus.RUNNING);
      assertThat(snapshot.lastSequence()).isGreaterThanOrEqualTo(300);
      assertThat(snapshot.position()).isNotNull();
      List<Long> sequences = new ArrayList<>();
      StringBuilder tail = new StringBuilder();
      for (AgentEvent e : stream) {
        sequences.add(e.getSequence());
        if (e.getPayload() instanceof TextDelta d) {
          tail.append(d.getContent());
        }
      }
      rest.get(60, TimeUnit.SECONDS);
      long n = snapshot.lastSequence();
      // agent_start 0, step_start 1, deltas 2..701, step_finish 702, agent_finish 703.
      assertThat(sequences).first().isEqualTo(n + 1);
      assertThat(sequences).last().isEqualTo(703L);
      assertThat(sequences).hasSize((int) (703 - n));
      assertThat(snapshot.text() + tail).isEqualTo(text.toString());
    }
  }

  @Test
  void shouldGiveTheSnapshotTextAsTheFirstChunkThenTheRestWhenJoiningWithTextChunks()
      throws Exception {
    AgentRun run = publisher.startRun("join-chunks-agent", "write");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    StringBuilder text = new StringBuilder();
    deltas(llm, 0, 100, text);
    awaitView(run.workflowId(), 50);
    try (WorkflowStream stream = client.join(run.workflowId())) {
      CompletableFuture<String> all =
          CompletableFuture.supplyAsync(() -> stream.textChunks().collect(Collectors.joining()));
      stream.opened().get(30, TimeUnit.SECONDS);
      deltas(llm, 100, 150, text);
      llm.finish(null, "gpt-4o-mini", TokenUsage.of(10, 150));
      run.finish("done").get(30, TimeUnit.SECONDS);
      assertThat(all.get(60, TimeUnit.SECONDS)).isEqualTo(text.toString());
    }
    // Once finished, text() of a join is the whole text from the snapshot alone.
    awaitView(run.workflowId(), 153);
    try (WorkflowStream again = client.join(run.workflowId())) {
      assertThat(again.text().get(30, TimeUnit.SECONDS)).isEqualTo(text.toString());
    }
  }

  @Test
  void shouldCompleteTheWholeTextFromTheViewPlusTheTailWhenTextIsAskedOfARunningRun()
      throws Exception {
    AgentRun run = publisher.startRun("text-running-agent", "write");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    StringBuilder text = new StringBuilder();
    deltas(llm, 0, 200, text);
    awaitView(run.workflowId(), 150);
    CompletableFuture<String> whole = client.text(run.workflowId());
    deltas(llm, 200, 260, text);
    llm.finish(null, "gpt-4o-mini", TokenUsage.of(10, 260));
    run.finish("done").get(30, TimeUnit.SECONDS);
    assertThat(whole.get(60, TimeUnit.SECONDS)).isEqualTo(text.toString());
  }

  @Test
  void shouldGiveTheWholeTextAndNoEventsWhenJoiningAFinishedRun() throws Exception {
    AgentRun run = publisher.startRun("join-ended-agent", "write");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    StringBuilder text = new StringBuilder();
    deltas(llm, 0, 20, text);
    llm.finish(null, "gpt-4o-mini", TokenUsage.of(10, 20));
    PublishedEvent end = run.finish("done").get(30, TimeUnit.SECONDS);
    awaitView(run.workflowId(), end.sequence());
    try (WorkflowStream stream = client.join(run.workflowId())) {
      List<AgentEvent> events = new ArrayList<>();
      stream.forEach(events::add);
      assertThat(events).isEmpty();
      RunSnapshot snapshot = stream.snapshot().orElseThrow();
      assertThat(snapshot.status()).isEqualTo(RunStatus.FINISHED);
      assertThat(snapshot.text()).isEqualTo(text.toString());
      assertThat(snapshot.lastSequence()).isEqualTo(end.sequence());
    }
  }

  @Test
  void shouldReadYourEventWhenTheViewIsAskedAtLeastAsFreshAsItsPosition() throws Exception {
    AgentRun run = publisher.startRun("ryw-agent", "write");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    StringBuilder text = new StringBuilder();
    for (int round = 0; round < 5; round++) {
      PublishedEvent seen = deltas(llm, round * 10, round * 10 + 10, text);
      ViewPosition position = new ViewPosition(seen.partition(), seen.offset());
      RunSnapshot view = client.view(run.workflowId(), position).get(40, TimeUnit.SECONDS);
      assertThat(view.lastSequence()).isGreaterThanOrEqualTo(seen.sequence());
      assertThat(view.text()).startsWith(text.toString());
      assertThat(view.position().partition()).isEqualTo(seen.partition());
      assertThat(view.position().offset()).isGreaterThanOrEqualTo(seen.offset());
    }
    // The position of what a stream has read is such a token too.
    try (WorkflowStream stream = client.replay(run.workflowId())) {
      var it = stream.iterator();
      AgentEvent first = it.next();
      assertThat(first.getSequence()).isZero();
      ViewPosition read = stream.position().orElseThrow();
      RunSnapshot view = client.view(run.workflowId(), read).get(40, TimeUnit.SECONDS);
      assertThat(view.lastSequence()).isGreaterThanOrEqualTo(0);
    }
    llm.finish(null, "gpt-4o-mini", TokenUsage.of(1, 50));
    run.finish("done").get(30, TimeUnit.SECONDS);
  }

  @Test
  void shouldFailRetriablyNotFreshWhenTheViewCannotReachThePositionInTime() throws Exception {
    AgentRun run = publisher.startRun("stale-agent", "write");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    PublishedEvent seen = llm.textDelta("x").get(30, TimeUnit.SECONDS);
    ViewPosition future = new ViewPosition(seen.partition(), seen.offset() + 1_000_000);
    long begin = System.nanoTime();
    assertThatThrownBy(() -> client.view(run.workflowId(), future).get(40, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ViewNotFreshException.class)
        .hasMessageContaining("has not applied offset " + future.offset());
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
    assertThat(waitedMs).as("the server waited its bound of 1 s").isBetween(900L, 20_000L);
    assertThat(new ViewNotFreshException("x").isRetriable()).isTrue();
    llm.finish(null, "gpt-4o-mini", TokenUsage.of(1, 1));
    run.finish("done").get(30, TimeUnit.SECONDS);
  }

  @Test
  void shouldRefuseAMalformedPositionWhenParsingIt() {
    assertThat(ViewPosition.parse("3:1234")).isEqualTo(new ViewPosition(3, 1234));
    assertThatThrownBy(() -> ViewPosition.parse("3-1234"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partition:offset");
    assertThatThrownBy(() -> new ViewPosition(-1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
