package dev.runstream.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runstream.client.internal.Partitioning;
import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.cluster.TopicSpec;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.PublishedEvent;
import dev.runstream.producer.RunOptions;
import dev.runstream.producer.RunStep;
import dev.runstream.producer.TokenUsage;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.EventType;
import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.StepType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client with the real topology's materialized view: indexed replay, text and result of
 * finished runs without reading events, events aged out of retention, running runs.
 */
class ViewIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perClass();

  @TempDir static Path stateDir;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static TopologyTestbed bed;
  private static AgentEventPublisher publisher;
  private static URI view;

  @BeforeAll
  static void start() {
    bed = new TopologyTestbed(CLUSTER.cluster(), stateDir, "sdk-view-it-");
    publisher = bed.publisher;
    view = bed.view;
  }

  @AfterAll
  static void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  private static RunstreamClient client() {
    return bed.client();
  }

  /** Waits until the view of {@code workflowId} satisfies {@code ready}. */
  private static JsonNode awaitView(String workflowId, Predicate<JsonNode> ready) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(view.resolve("/workflows/" + workflowId)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        last = JSON.readTree(r.body());
        if (ready.test(last)) {
          return last;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the view of " + workflowId + " did not get ready: " + last);
  }

  private static JsonNode awaitFinished(String workflowId) throws Exception {
    return awaitView(workflowId, v -> !"RUNNING".equals(v.path("status").asText()));
  }

  /** A finished run published through the real publisher: returns its text. */
  private static String publishRun(AgentRun run, int deltas) throws Exception {
    StringBuilder text = new StringBuilder();
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    for (int i = 0; i < deltas; i++) {
      String chunk = "word" + i + " ";
      llm.textDelta(chunk);
      text.append(chunk);
    }
    llm.toolCall("call_1", "get_weather", "{\"city\":\"Tokyo\"}");
    llm.finish(null, "gpt-4o-mini", TokenUsage.of(100, deltas));
    run.startToolStep("tool_1", "call_1").finish("{\"sky\":\"sunny\"}");
    run.finish("It is sunny.").get(30, TimeUnit.SECONDS);
    return text.toString();
  }

  private static List<Long> sequences(Iterable<AgentEvent> stream) {
    List<Long> out = new ArrayList<>();
    stream.forEach(e -> out.add(e.getSequence()));
    return out;
  }

  @Test
  void shouldReplayFromTheViewsIndexWithoutReadingTheRecordsBeforeItWhenTheViewKnowsTheRun()
      throws Exception {
    String workflowId = "indexed-" + UUID.randomUUID();
    int partition = Partitioning.partitionFor(workflowId, TopicSpec.DEFAULT_PARTITIONS);
    try (ClusterEvents events = new ClusterEvents(CLUSTER.cluster())) {
      List<AgentEvent> filler = new ArrayList<>();
      while (filler.size() < 3_000) {
        String other = "filler-" + UUID.randomUUID();
        if (Partitioning.partitionFor(other, TopicSpec.DEFAULT_PARTITIONS) == partition) {
          filler.addAll(TestEvents.run(other, 20));
        }
      }
      events.sendAll(filler);
    }
    AgentRun run =
        publisher.startRun(
            RunOptions.newBuilder()
                .agentId("indexed-agent")
                .input("go")
                .workflowId(workflowId)
                .build());
    String text = publishRun(run, 30);
    JsonNode v = awaitFinished(run.workflowId());
    assertThat(v.path("first_event_partition").asInt()).isEqualTo(partition);

    try (RunstreamClient client = client()) {
      List<AgentEvent> got = new ArrayList<>();
      client.replay(run.workflowId()).forEach(got::add);
      assertThat(got).extracting(AgentEvent::getSequence).isEqualTo(range(0, got.size()));
      assertThat(got.get(got.size() - 1).getSequence()).isEqualTo(v.path("last_sequence").asLong());
      assertThat(EventType.of(got.get(got.size() - 1))).isEqualTo(EventType.AGENT_FINISH);
      assertThat(client.replay(run.workflowId()).textChunks().toList())
          .containsExactlyElementsOf(splitWords(text));
      ClientStats stats = client.stats();
      assertThat(stats.viewAnswers()).isEqualTo(2);
      assertThat(stats.catchUpRecordsRead())
          .as("records read from the index on, not the 3,000 before it")
          .isLessThan(2L * got.size() + 100);
    }
  }

  private static List<String> splitWords(String text) {
    List<String> out = new ArrayList<>();
    for (String w : text.split(" ")) {
      out.add(w + " ");
    }
    return out;
  }

  private static List<Long> range(long from, long toExclusive) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i < toExclusive; i++) {
      out.add(i);
    }
    return out;
  }

  @Test
  void shouldAnswerTextAndResultFromTheViewWithoutReadingEventsWhenTheRunFinished()
      throws Exception {
    AgentRun run = publisher.startRun("result-agent", "weather?");
    String text = publishRun(run, 12);
    awaitFinished(run.workflowId());

    try (RunstreamClient client = client()) {
      RunResult r = client.result(run.workflowId()).get(30, TimeUnit.SECONDS);
      assertThat(r.source()).isEqualTo(RunResult.Source.VIEW);
      assertThat(r.status()).isEqualTo(RunStatus.FINISHED);
      assertThat(r.result()).isEqualTo("It is sunny.");
      assertThat(r.text()).isEqualTo(text);
      assertThat(r.totalSteps()).isEqualTo(2);
      assertThat(r.usage().getTotalTokens()).isEqualTo(112);
      assertThat(r.usage().getCostUsd()).isPositive();
      assertThat(r.toolResults())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.getToolName()).isEqualTo("get_weather");
                assertThat(t.getOutput()).isEqualTo("{\"sky\":\"sunny\"}");
              });
      assertThat(client.text(run.workflowId()).get(30, TimeUnit.SECONDS)).isEqualTo(text);

      RunResult fromEvents =
          RunstreamClient.create(ClusterEvents.config(CLUSTER.cluster()).build())
              .result(run.workflowId())
              .get(30, TimeUnit.SECONDS);
      assertThat(fromEvents.source()).isEqualTo(RunResult.Source.EVENTS);
      assertThat(fromEvents.text()).isEqualTo(r.text());
      assertThat(fromEvents.result()).isEqualTo(r.result());
      assertThat(fromEvents.toolResults()).isEqualTo(r.toolResults());

      ClientStats stats = client.stats();
      assertThat(stats.catchUpRecordsRead()).isZero();
      assertThat(stats.liveReaders()).isZero();
      assertThat(stats.recordsDecoded()).isZero();
    }
  }

  @Test
  void shouldAnswerReplayWithEventsExpiredButTextAndResultFromTheViewWhenTheEventsAgedOut()
      throws Exception {
    AgentRun run = publisher.startRun("expired-agent", "old question");
    String text = publishRun(run, 5);
    JsonNode v = awaitFinished(run.workflowId());
    TopicPartition tp =
        new TopicPartition(TopicSpec.AGENT_EVENTS, v.path("first_event_partition").asInt());
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                CLUSTER.cluster().bootstrapServers()))) {
      long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
      admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(end))).all().get();
    }

    try (RunstreamClient client = client()) {
      WorkflowStream replay = client.replay(run.workflowId());
      assertThatThrownBy(() -> replay.iterator().hasNext())
          .isInstanceOfSatisfying(
              EventsExpiredException.class,
              e -> {
                assertThat(e.firstOffset()).isEqualTo(v.path("first_event_offset").asLong());
                assertThat(e.getMessage()).contains("text() and result() still answer");
              });
      assertThat(client.text(run.workflowId()).get(30, TimeUnit.SECONDS)).isEqualTo(text);
      assertThat(client.result(run.workflowId()).get(30, TimeUnit.SECONDS).source())
          .isEqualTo(RunResult.Source.VIEW);
    }
  }

  @Test
  void shouldCompleteTheTextOfARunningRunFromTheViewAndTheEventsAfterItWhenItFinishes()
      throws Exception {
    AgentRun run = publisher.startRun("running-agent", "go");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    StringBuilder text = new StringBuilder();
    PublishedEvent last = null;
    for (int i = 0; i < 10; i++) {
      last = llm.textDelta("a" + i + " ").get(30, TimeUnit.SECONDS);
      text.append("a").append(i).append(" ");
    }
    long lastSequence = last.sequence();
    awaitView(run.workflowId(), n -> n.path("last_sequence").asLong() >= lastSequence);

    try (RunstreamClient client = client()) {
      CompletableFuture<RunResult> result = client.result(run.workflowId());
      Thread.sleep(300);
      assertThat(result).isNotDone();
      for (int i = 0; i < 10; i++) {
        llm.textDelta("b" + i + " ");
        text.append("b").append(i).append(" ");
      }
      llm.finish(null, "gpt-4o-mini", TokenUsage.of(10, 20));
      run.finish("done");
      RunResult r = result.get(30, TimeUnit.SECONDS);
      assertThat(r.source()).isEqualTo(RunResult.Source.EVENTS);
      assertThat(r.text()).isEqualTo(text.toString());
      assertThat(r.result()).isEqualTo("done");
      assertThat(r.usage().getTotalTokens()).isEqualTo(30);
    }
  }

  @Test
  void shouldDropTheSupersededAttemptWhenAStepStartedBeforeTheSnapshotIsRetriedAfterIt()
      throws Exception {
    AgentRun run = publisher.startRun("retrying-agent", "go");
    RunStep intro = run.startStep("llm_1", StepType.LLM);
    intro.textDelta("Intro. ");
    intro.finish(null);
    RunStep first = run.startStep("llm_2", StepType.LLM);
    first.textDelta("FIRST ");
    long lastSequence = first.textDelta("ATTEMPT ").get(30, TimeUnit.SECONDS).sequence();
    awaitView(run.workflowId(), n -> n.path("last_sequence").asLong() >= lastSequence);

    try (RunstreamClient client = client();
        WorkflowStream tail = client.tail(run.workflowId())) {
      tail.opened().get(30, TimeUnit.SECONDS);
      CompletableFuture<List<TextChunk>> updates =
          CompletableFuture.supplyAsync(() -> tail.textUpdates().toList());
      CompletableFuture<RunResult> result = client.result(run.workflowId());
      Thread.sleep(300);
      assertThat(result).isNotDone();

      RunStep second = first.retry();
      second.textDelta("Second attempt. ");
      second.finish(null, "gpt-4o-mini", TokenUsage.of(10, 20));
      RunStep outro = run.startStep("llm_3", StepType.LLM);
      outro.textDelta("The end.");
      outro.finish(null);
      run.finish("done");

      RunResult r = result.get(30, TimeUnit.SECONDS);
      assertThat(r.text()).isEqualTo("Intro. Second attempt. The end.");
      assertThat(r.result()).isEqualTo("done");
      assertThat(updates.get(30, TimeUnit.SECONDS))
          .as("the tail started mid-step: the reset names the step, the text follows")
          .containsExactly(
              new TextChunk.Reset("llm_2", 2, lastSequence + 1, "", ""),
              new TextChunk.Delta("llm_2", 2, lastSequence + 2, "Second attempt. "),
              new TextChunk.Delta("llm_3", 1, lastSequence + 5, "The end."));
      assertThat(client.text(run.workflowId()).get(30, TimeUnit.SECONDS))
          .isEqualTo("Intro. Second attempt. The end.");
    }
    JsonNode finished = awaitFinished(run.workflowId());
    assertThat(finished.path("text").asText()).isEqualTo("Intro. Second attempt. The end.");
  }

  @Test
  void shouldRefuseACursorPastTheEndAndEndATailAtOnceWhenTheViewSaysTheRunFinished()
      throws Exception {
    AgentRun run = publisher.startRun("cursor-agent", "go");
    publishRun(run, 3);
    long last = awaitFinished(run.workflowId()).path("last_sequence").asLong();

    try (RunstreamClient client = client()) {
      WorkflowStream past = client.resume(run.workflowId(), last + 5);
      assertThatThrownBy(() -> past.iterator().hasNext())
          .isInstanceOf(InvalidCursorException.class)
          .hasMessageContaining("ended at sequence " + last);
      assertThat(sequences(client.resume(run.workflowId(), last))).isEmpty();
      assertThat(sequences(client.resume(run.workflowId(), last - 2)))
          .containsExactly(last - 1, last);
      assertThat(sequences(client.tail(run.workflowId()))).isEmpty();
    }
  }

  @Test
  void shouldReplayAChildRunWithoutARootHintWhenTheViewKnowsItsRoot() throws Exception {
    AgentRun parent = publisher.startRun("parent-agent", "delegate");
    AgentRun child = parent.startChildRun("child-agent", "sub-task");
    publishRun(child, 4);
    publishRun(parent, 2);
    awaitFinished(child.workflowId());
    awaitFinished(parent.workflowId());

    try (RunstreamClient client = client()) {
      List<AgentEvent> got = new ArrayList<>();
      client.replay(child.workflowId()).forEach(got::add);
      assertThat(got).allSatisfy(e -> assertThat(e.getWorkflowId()).isEqualTo(child.workflowId()));
      assertThat(got).extracting(AgentEvent::getSequence).isEqualTo(range(0, got.size()));
      assertThat(got.get(0).getParentWorkflowId()).isEqualTo(parent.workflowId());

      List<String> tree = new ArrayList<>();
      client
          .replay(parent.workflowId(), StreamOptions.newBuilder().includeChildren(true).build())
          .forEach(e -> tree.add(e.getWorkflowId()));
      assertThat(tree).contains(child.workflowId(), parent.workflowId());
      assertThat(tree).hasSize(got.size() + sequences(client.replay(parent.workflowId())).size());
    }
  }
}
