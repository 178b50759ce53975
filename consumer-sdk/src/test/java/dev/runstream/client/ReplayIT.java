package dev.runstream.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.client.internal.Partitioning;
import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.cluster.TopicSpec;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.RunStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replay, resume, children, text and result on the real broker and registry, with the view
 * unavailable: the start of a workflow is found by the bounded time search.
 */
class ReplayIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perClass();

  private static ClusterEvents events;

  @BeforeAll
  static void publisher() {
    events = new ClusterEvents(CLUSTER.cluster());
  }

  @AfterAll
  static void closePublisher() {
    events.close();
  }

  private static RunstreamClient client() {
    return RunstreamClient.create(ClusterEvents.config(CLUSTER.cluster()).build());
  }

  private static String id(String name) {
    return name + "-" + UUID.randomUUID();
  }

  private static List<Long> sequences(Iterable<AgentEvent> stream) {
    List<Long> out = new ArrayList<>();
    stream.forEach(e -> out.add(e.getSequence()));
    return out;
  }

  private static List<Long> range(long from, long toExclusive) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i < toExclusive; i++) {
      out.add(i);
    }
    return out;
  }

  /** Events of {@code count} other workflows that land on the partition of {@code root}. */
  private static List<AgentEvent> neighbours(String root, int count) {
    int partition = Partitioning.partitionFor(root, TopicSpec.DEFAULT_PARTITIONS);
    List<AgentEvent> out = new ArrayList<>();
    while (out.size() < count) {
      String other = "neighbour-" + UUID.randomUUID();
      if (Partitioning.partitionFor(other, TopicSpec.DEFAULT_PARTITIONS) == partition) {
        out.addAll(TestEvents.run(other, 5));
      }
    }
    return out;
  }

  @Test
  void shouldReplayEveryEventOnceInOrderWhenTheWorkflowHasFinished() throws Exception {
    String wf = id("finished");
    TestEvents run =
        TestEvents.root(wf)
            .start()
            .llmStep("llm_1", "It is ", "sunny ", "in Tokyo.")
            .toolStep("call_1", "get_weather", "{\"city\":\"Tokyo\"}", "{\"sky\":\"sunny\"}")
            .finish("It is sunny in Tokyo.", 2, List.of());
    events.sendAll(neighbours(wf, 50));
    List<AgentEvent> interleaved = new ArrayList<>(run.events());
    interleaved.addAll(3, neighbours(wf, 20));
    events.sendAll(interleaved);
    events.sendAll(neighbours(wf, 50));

    try (RunstreamClient client = client();
        WorkflowStream stream = client.replay(wf)) {
      List<AgentEvent> got = new ArrayList<>();
      stream.forEach(got::add);
      assertThat(got).containsExactlyElementsOf(run.events());
      assertThat(stream.isDone()).isTrue();
      assertThat(stream.lastSequence()).isEqualTo(run.events().size() - 1);
      assertThat(client.stats().recordsDecoded()).isEqualTo(run.events().size());
    }
  }

  @Test
  void shouldFindTheStartByTimeWithoutReadingOlderRecordsWhenTheViewIsUnavailable()
      throws Exception {
    String wf = id("by-time");
    List<AgentEvent> old = neighbours(wf, 2_000);
    events.sendAll(old);
    // Far enough apart that the search's first windows (2 s, then 4 s) cannot reach the old
    // records, even if the replay starts a few seconds after the workflow was published.
    Thread.sleep(5_000);
    List<AgentEvent> run = TestEvents.run(wf, 10);
    events.sendAll(run);

    try (RunstreamClient client =
            RunstreamClient.create(
                ClusterEvents.config(CLUSTER.cluster())
                    .set(ClientConfig.REPLAY_LOOKBACK_INITIAL_MS_CONFIG, 2_000)
                    .build());
        WorkflowStream stream = client.replay(wf)) {
      assertThat(sequences(stream)).isEqualTo(range(0, run.size()));
      assertThat(client.stats().catchUpRecordsRead())
          .as("records read by the search and the catch-up")
          .isLessThan(old.size() / 2);
    }
  }

  @Test
  void shouldFollowARunningWorkflowLiveAfterCatchingUpWhenReplayed() throws Exception {
    String wf = id("running");
    List<AgentEvent> run = TestEvents.run(wf, 200);
    events.sendAll(run.subList(0, 100));

    try (RunstreamClient client = client();
        WorkflowStream stream = client.replay(wf)) {
      CompletableFuture<List<Long>> got = CompletableFuture.supplyAsync(() -> sequences(stream));
      stream.opened().get(20, TimeUnit.SECONDS);
      for (AgentEvent e : run.subList(100, run.size())) {
        events.sendAsync(e);
      }
      events.flush();
      assertThat(got.get(30, TimeUnit.SECONDS)).isEqualTo(range(0, run.size()));
      assertThat(client.stats().liveReaders()).isEqualTo(1);
    }
  }

  @Test
  void shouldDeliverOnlyTheEventsAfterTheCursorWhenResumed() throws Exception {
    String wf = id("resume");
    List<AgentEvent> run = TestEvents.run(wf, 10);
    events.sendAll(run);
    long last = run.size() - 1;

    try (RunstreamClient client = client()) {
      try (WorkflowStream stream = client.resume(wf, 5)) {
        assertThat(sequences(stream)).isEqualTo(range(6, run.size()));
      }
      try (WorkflowStream stream = client.resume(wf, -1)) {
        assertThat(sequences(stream)).isEqualTo(range(0, run.size()));
      }
      try (WorkflowStream stream = client.resume(wf, last)) {
        assertThat(sequences(stream)).isEmpty();
      }
      try (WorkflowStream stream = client.resume(wf, last + 10)) {
        assertThatThrownBy(() -> stream.iterator().hasNext())
            .isInstanceOf(InvalidCursorException.class)
            .hasMessageContaining("ended at sequence " + last);
      }
    }
  }

  @Test
  void shouldResumeARunningWorkflowFromTheCursorThenLiveWhenItGoesOn() throws Exception {
    String wf = id("resume-live");
    List<AgentEvent> run = TestEvents.run(wf, 50);
    events.sendAll(run.subList(0, 20));

    try (RunstreamClient client = client();
        WorkflowStream stream = client.resume(wf, 14)) {
      CompletableFuture<List<Long>> got = CompletableFuture.supplyAsync(() -> sequences(stream));
      stream.opened().get(20, TimeUnit.SECONDS);
      events.sendAll(run.subList(20, run.size()));
      assertThat(got.get(30, TimeUnit.SECONDS)).isEqualTo(range(15, run.size()));
    }
  }

  @Test
  void shouldIncludeChildWorkflowsOnlyWhenAsked() throws Exception {
    String root = id("tree");
    String child = root + "/child";
    String grandChild = child + "/grandchild";
    TestEvents r = TestEvents.root(root).start();
    TestEvents c = TestEvents.child(root, root, child).start().llmStep("c", "child text");
    TestEvents g = TestEvents.child(root, child, grandChild).start().llmStep("g", "deep");
    c.finish("child done", 1, List.of());
    g.finish("gc done", 1, List.of());
    r.llmStep("r", "root ", "text").finish("root done", 1, List.of());
    List<AgentEvent> published = new ArrayList<>();
    published.addAll(r.events().subList(0, 1));
    published.addAll(c.events().subList(0, 2));
    published.addAll(g.events());
    published.addAll(c.events().subList(2, c.events().size()));
    published.addAll(r.events().subList(1, r.events().size()));
    events.sendAll(published);

    try (RunstreamClient client = client()) {
      List<AgentEvent> rootOnly = new ArrayList<>();
      client.replay(root).forEach(rootOnly::add);
      assertThat(rootOnly).containsExactlyElementsOf(r.events());

      List<AgentEvent> tree = new ArrayList<>();
      client
          .replay(root, StreamOptions.newBuilder().includeChildren(true).build())
          .forEach(tree::add);
      assertThat(tree).containsExactlyElementsOf(published);

      List<AgentEvent> subTree = new ArrayList<>();
      client
          .replay(
              child, StreamOptions.newBuilder().includeChildren(true).rootWorkflowId(root).build())
          .forEach(subTree::add);
      List<AgentEvent> expected = new ArrayList<>();
      expected.addAll(c.events().subList(0, 2));
      expected.addAll(g.events());
      expected.addAll(c.events().subList(2, c.events().size()));
      assertThat(subTree).containsExactlyElementsOf(expected);

      assertThat(
              client
                  .replay(root, StreamOptions.newBuilder().includeChildren(true).build())
                  .textChunks()
                  .toList())
          .containsExactly("root ", "text");
    }
  }

  @Test
  void shouldReportAPoisonRecordWithItsOffsetAndFinishTheStreamWhenOneSitsInTheMiddle()
      throws Exception {
    String wf = id("poison");
    List<AgentEvent> run = TestEvents.run(wf, 10);
    events.sendAll(run.subList(0, 5));
    RecordMetadata notAvro =
        events.sendPoison(wf, wf, 5, "not avro at all".getBytes(StandardCharsets.UTF_8));
    RecordMetadata unknownSchema =
        events.sendPoison(wf, wf, 6, new byte[] {0, 0x7f, 0, 0, 1, 2, 3});
    events.sendAll(run.subList(7, run.size()));

    List<SkippedRecordException> skipped = new CopyOnWriteArrayList<>();
    List<GapDetectedException> gaps = new CopyOnWriteArrayList<>();
    try (RunstreamClient client = client();
        WorkflowStream stream =
            client.replay(
                wf,
                StreamOptions.newBuilder()
                    .onSkippedRecord(skipped::add)
                    .onGap(gaps::add)
                    .timeout(Duration.ofSeconds(60))
                    .build())) {
      List<Long> got = sequences(stream);
      List<Long> expected = range(0, run.size());
      expected.removeAll(List.of(5L, 6L));
      assertThat(got).isEqualTo(expected);
    }
    assertThat(gaps).isEmpty();
    assertThat(skipped)
        .extracting(SkippedRecordException::partition, SkippedRecordException::offset)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(notAvro.partition(), notAvro.offset()),
            org.assertj.core.groups.Tuple.tuple(unknownSchema.partition(), unknownSchema.offset()));
    assertThat(skipped.get(0).getCause())
        .isInstanceOf(dev.runstream.schemas.MalformedRecordException.class);
    assertThat(skipped.get(1).getCause())
        .isInstanceOf(dev.runstream.schemas.UnknownSchemaException.class);
  }

  @Test
  void shouldWaitForAWorkflowThatStartsLaterAndFailAsUnknownWhenOneNeverDoes() throws Exception {
    String late = id("late");
    List<AgentEvent> run = TestEvents.run(late, 3);
    try (RunstreamClient client = client()) {
      WorkflowStream stream =
          client.replay(
              late, StreamOptions.newBuilder().startTimeout(Duration.ofSeconds(30)).build());
      CompletableFuture<List<Long>> got = CompletableFuture.supplyAsync(() -> sequences(stream));
      stream.opened().get(20, TimeUnit.SECONDS);
      events.sendAll(run);
      assertThat(got.get(30, TimeUnit.SECONDS)).isEqualTo(range(0, run.size()));

      String never = id("never");
      long start = System.nanoTime();
      WorkflowStream missing =
          client.replay(
              never, StreamOptions.newBuilder().startTimeout(Duration.ofSeconds(1)).build());
      assertThatThrownBy(() -> missing.iterator().hasNext())
          .isInstanceOf(UnknownWorkflowException.class)
          .hasMessageContaining(never)
          .hasMessageContaining("the view is unavailable");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
      assertThatThrownBy(
              () ->
                  client
                      .result(never, StreamOptions.newBuilder().startTimeout(Duration.ZERO).build())
                      .get(15, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(UnknownWorkflowException.class);
    }
  }

  @Test
  void shouldAnswerEventsExpiredWhenTheFirstEventsAreNoLongerOnTheTopic() throws Exception {
    String wf = id("expired");
    List<AgentEvent> run = TestEvents.run(wf, 5);
    List<RecordMetadata> sent = events.sendAll(run);
    TopicPartition tp = new TopicPartition(TopicSpec.AGENT_EVENTS, sent.get(0).partition());
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                CLUSTER.cluster().bootstrapServers()))) {
      admin
          .deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(sent.get(3).offset())))
          .all()
          .get(20, TimeUnit.SECONDS);
    }
    try (RunstreamClient client = client();
        WorkflowStream stream = client.replay(wf)) {
      assertThatThrownBy(() -> stream.iterator().hasNext())
          .isInstanceOfSatisfying(
              EventsExpiredException.class,
              e -> {
                assertThat(e.partition()).isEqualTo(tp.partition());
                assertThat(e.logStartOffset()).isEqualTo(sent.get(3).offset());
                assertThat(e.isRetriable()).isFalse();
              });
    }
  }

  @Test
  void shouldReturnTheTextAndResultFromTheEventsWhenTheViewIsDisabled() throws Exception {
    String wf = id("text");
    TestEvents run =
        TestEvents.root(wf)
            .start()
            .llmStep("llm_1", "Hello", ", ", "world")
            .toolStep("call_1", "search", "{\"q\":\"x\"}", "{\"hits\":3}")
            .finish("Hello, world", 2, List.of());
    events.sendAll(run.events());
    String failed = id("failed");
    events.sendAll(
        TestEvents.root(failed).start().llmStep("l", "half").fail("provider down").events());

    try (RunstreamClient client = client()) {
      assertThat(client.text(wf).get(30, TimeUnit.SECONDS)).isEqualTo("Hello, world");
      RunResult r = client.result(wf).get(30, TimeUnit.SECONDS);
      assertThat(r.source()).isEqualTo(RunResult.Source.EVENTS);
      assertThat(r.status()).isEqualTo(RunStatus.FINISHED);
      assertThat(r.result()).isEqualTo("Hello, world");
      assertThat(r.totalSteps()).isEqualTo(2);
      assertThat(r.usage().getTotalTokens()).isEqualTo(120);
      assertThat(r.toolResults())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.getToolName()).isEqualTo("search");
                assertThat(t.getOutput()).isEqualTo("{\"hits\":3}");
              });

      RunResult f = client.result(failed).get(30, TimeUnit.SECONDS);
      assertThat(f.isFailed()).isTrue();
      assertThat(f.text()).isEqualTo("half");
      assertThat(f.error())
          .hasValueSatisfying(e -> assertThat(e.getMessage()).isEqualTo("provider down"));
    }
  }
}
