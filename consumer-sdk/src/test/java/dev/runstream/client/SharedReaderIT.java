package dev.runstream.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.cluster.TopicSpec;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.RunStep;
import dev.runstream.producer.TokenUsage;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.StepType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Live tailing through the shared per-partition readers, with events published by the real {@link
 * AgentEventPublisher}: many subscribers, slow subscribers and both overflow policies.
 */
class SharedReaderIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perClass();

  private static AgentEventPublisher publisher;

  @BeforeAll
  static void publisher() {
    publisher = TopologyTestbed.publisher(CLUSTER.cluster());
  }

  @AfterAll
  static void closePublisher() {
    publisher.close();
  }

  private static RunstreamClient client() {
    return RunstreamClient.create(ClusterEvents.config(CLUSTER.cluster()).build());
  }

  private static List<Long> range(long from, long toExclusive) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i < toExclusive; i++) {
      out.add(i);
    }
    return out;
  }

  /** Publishes one LLM step of {@code deltas} text deltas and the finish; returns the last seq. */
  private static long finishRun(AgentRun run, int deltas) throws Exception {
    RunStep step = run.startStep("llm", StepType.LLM);
    for (int i = 0; i < deltas; i++) {
      step.textDelta("w" + i + " ");
    }
    step.finish("{}", "gpt-4o-mini", TokenUsage.of(10, deltas));
    return run.finish("done").get(30, TimeUnit.SECONDS).sequence();
  }

  @Test
  void shouldDeliverOnlyWhatIsPublishedAfterOpeningWhenTailing() throws Exception {
    AgentRun run = publisher.startRun("tail-agent", "hi");
    RunStep step = run.startStep("llm", StepType.LLM);
    step.textDelta("before ").get(30, TimeUnit.SECONDS);

    try (RunstreamClient client = client();
        WorkflowStream tail = client.tail(run.workflowId())) {
      tail.opened().get(20, TimeUnit.SECONDS);
      CompletableFuture<List<String>> chunks =
          CompletableFuture.supplyAsync(() -> tail.textChunks().toList());
      step.textDelta("after ");
      step.textDelta("opening");
      step.finish("{}", "gpt-4o-mini", TokenUsage.of(1, 2));
      run.finish("done");
      assertThat(chunks.get(30, TimeUnit.SECONDS)).containsExactly("after ", "opening");
    }
  }

  @Test
  void shouldServeAThousandSubscribersFromOneConsumerPerPartitionWhenTailingConcurrently()
      throws Exception {
    int workflows = 100;
    int subscribersPerWorkflow = 10;
    int deltas = 20;
    List<AgentRun> runs = new ArrayList<>();
    for (int i = 0; i < workflows; i++) {
      runs.add(publisher.startRun("load-agent", "run " + i));
    }
    publisher.flush();

    ExecutorService iterating = Executors.newFixedThreadPool(20);
    try (RunstreamClient client = client()) {
      List<WorkflowStream> streams = new ArrayList<>();
      List<CompletableFuture<List<Long>>> received = new ArrayList<>();
      for (int i = 0; i < workflows * subscribersPerWorkflow; i++) {
        WorkflowStream stream = client.tail(runs.get(i % workflows).workflowId());
        streams.add(stream);
        if (i % 50 == 0) {
          // A few blocking iterators among the push subscribers.
          received.add(
              CompletableFuture.supplyAsync(
                  () -> {
                    List<Long> seqs = new ArrayList<>();
                    stream.forEach(e -> seqs.add(e.getSequence()));
                    return seqs;
                  },
                  iterating));
        } else {
          List<Long> seqs = Collections.synchronizedList(new ArrayList<>());
          received.add(stream.forEachAsync(e -> seqs.add(e.getSequence())).thenApply(v -> seqs));
        }
      }
      CompletableFuture.allOf(
              streams.stream().map(WorkflowStream::opened).toArray(CompletableFuture[]::new))
          .get(60, TimeUnit.SECONDS);
      assertThat(client.stats().openStreams()).isEqualTo(workflows * subscribersPerWorkflow);

      ExecutorService workers = Executors.newFixedThreadPool(8);
      List<CompletableFuture<Long>> lastSequences = new ArrayList<>();
      for (AgentRun run : runs) {
        lastSequences.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return finishRun(run, deltas);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                },
                workers));
      }
      for (int i = 0; i < received.size(); i++) {
        long last = lastSequences.get(i % workflows).get(60, TimeUnit.SECONDS);
        assertThat(received.get(i).get(60, TimeUnit.SECONDS))
            .as("subscriber %d", i)
            .isEqualTo(range(1, last + 1));
      }
      workers.shutdown();

      ClientStats stats = client.stats();
      assertThat(stats.liveReaders()).isLessThanOrEqualTo(TopicSpec.DEFAULT_PARTITIONS);
      assertThat(stats.recordsDecoded())
          .as("each record is decoded once for all its subscribers")
          .isLessThanOrEqualTo((long) workflows * (deltas + 4));
      assertThat(stats.overflows()).isZero();
      assertThat(stats.openStreams()).isZero();
    } finally {
      iterating.shutdownNow();
    }
  }

  @Test
  void shouldDetachOnlyTheSlowSubscriberAndLetItResumeWhenItFallsBehind() throws Exception {
    AgentRun run = publisher.startRun("slow-agent", "go");
    run.startStep("llm", StepType.LLM).textDelta("x").get(30, TimeUnit.SECONDS);

    try (RunstreamClient client = client()) {
      WorkflowStream slow =
          client.tail(run.workflowId(), StreamOptions.newBuilder().bufferSize(8).build());
      WorkflowStream fast = client.tail(run.workflowId());
      slow.opened().get(20, TimeUnit.SECONDS);
      fast.opened().get(20, TimeUnit.SECONDS);
      List<Long> fastSeen = Collections.synchronizedList(new ArrayList<>());
      CompletableFuture<Void> fastDone = fast.forEachAsync(e -> fastSeen.add(e.getSequence()));

      RunStep step = run.step("llm");
      for (int i = 0; i < 100; i++) {
        step.textDelta("d" + i);
      }
      step.finish("{}");
      long last = run.finish("done").get(30, TimeUnit.SECONDS).sequence();
      fastDone.get(30, TimeUnit.SECONDS);
      assertThat(fastSeen).isEqualTo(range(3, last + 1));

      List<Long> slowSeen = new ArrayList<>();
      assertThatThrownBy(() -> slow.forEach(e -> slowSeen.add(e.getSequence())))
          .isInstanceOfSatisfying(
              SubscriberOverflowException.class, e -> assertThat(e.lastSequence()).isEqualTo(10));
      assertThat(slowSeen).isEqualTo(range(3, 11));
      assertThat(slow.lastSequence()).isEqualTo(10);

      List<Long> rest = new ArrayList<>();
      client.resume(run.workflowId(), slow.lastSequence()).forEach(e -> rest.add(e.getSequence()));
      assertThat(rest).isEqualTo(range(11, last + 1));
      assertThat(client.stats().overflows()).isEqualTo(1);
    }
  }

  @Test
  void shouldReReadWithoutLossOrDuplicatesWhenASlowSubscriberOverflowsUnderTheResumePolicy()
      throws Exception {
    AgentRun run = publisher.startRun("bursty-agent", "go");
    run.startStep("llm", StepType.LLM).textDelta("x").get(30, TimeUnit.SECONDS);

    try (RunstreamClient client = client();
        WorkflowStream stream =
            client.tail(
                run.workflowId(),
                StreamOptions.newBuilder()
                    .bufferSize(4)
                    .overflowPolicy(OverflowPolicy.RESUME)
                    .build())) {
      stream.opened().get(20, TimeUnit.SECONDS);
      CompletableFuture<List<Long>> seen =
          CompletableFuture.supplyAsync(
              () -> {
                List<Long> seqs = new ArrayList<>();
                for (AgentEvent e : stream) {
                  seqs.add(e.getSequence());
                  if (seqs.size() % 10 == 0) {
                    sleep(50);
                  }
                }
                return seqs;
              });
      RunStep step = run.step("llm");
      for (int i = 0; i < 300; i++) {
        step.textDelta("d" + i);
      }
      step.finish("{}");
      long last = run.finish("done").get(30, TimeUnit.SECONDS).sequence();
      assertThat(seen.get(60, TimeUnit.SECONDS)).isEqualTo(range(3, last + 1));
      assertThat(client.stats().overflows()).isPositive();
    }
  }

  @Test
  void shouldTimeOutATailWhenNoEventArrivesWithinTheIdleTimeout() throws Exception {
    AgentRun run = publisher.startRun("idle-agent", "go");
    publisher.flush();
    try (RunstreamClient client = client();
        WorkflowStream tail =
            client.tail(
                run.workflowId(),
                StreamOptions.newBuilder().idleTimeout(Duration.ofMillis(500)).build())) {
      assertThatThrownBy(() -> tail.iterator().hasNext())
          .isInstanceOfSatisfying(
              StreamTimeoutException.class,
              e -> {
                assertThat(e.isRetriable()).isTrue();
                assertThat(e.lastSequence()).isEqualTo(-1);
              });
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
