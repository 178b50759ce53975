package dev.runstream.topology;

import static dev.runstream.topology.ItSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.RunStep;
import dev.runstream.producer.TokenUsage;
import dev.runstream.schemas.StepType;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Two instances of one application: every query answered by either, routed to the owner. */
class InteractiveQueryRoutingIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perClass();

  @TempDir static Path stateA;
  @TempDir static Path stateB;
  static TopologyApp a;
  static TopologyApp b;
  static final Map<String, String> texts = new HashMap<>();
  static final Map<String, String> rootOf = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    a =
        TopologyApp.start(
            ItSupport.topologyConfig(CLUSTER.cluster(), stateA, "routing-it").build());
    b =
        TopologyApp.start(
            ItSupport.topologyConfig(CLUSTER.cluster(), stateB, "routing-it").build());
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> running(a) && running(b) && partitions(a) > 0 && partitions(b) > 0);
    try (AgentEventPublisher publisher =
        AgentEventPublisher.create(ItSupport.publisherConfig(CLUSTER.cluster()).build())) {
      for (int i = 0; i < 24; i++) {
        AgentRun root = publisher.startRun("agent-" + (i % 3), "question " + i);
        RunStep step = root.startStep("llm", StepType.LLM);
        step.textDelta("answer ");
        step.textDelta("number " + i);
        step.finish(null, "model-" + (i % 2), TokenUsage.of(10, 1, new BigDecimal("0.001")));
        if (i % 4 == 0) {
          AgentRun child = root.startChildRun("helper", "sub " + i);
          child.startStep("c", StepType.LLM).textDelta("child of " + i);
          child.step("c").finish(null);
          child.finish("ok");
          texts.put(child.workflowId(), "child of " + i);
          rootOf.put(child.workflowId(), root.workflowId());
        }
        root.finish("done");
        texts.put(root.workflowId(), "answer number " + i);
        rootOf.put(root.workflowId(), root.workflowId());
      }
      publisher.flush();
    }
  }

  @AfterAll
  static void stop() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  static boolean running(TopologyApp app) {
    return app.streams().state() == KafkaStreams.State.RUNNING;
  }

  static long partitions(TopologyApp app) {
    return app.streams().metadataForLocalThreads().stream()
        .mapToLong(t -> t.activeTasks().size())
        .sum();
  }

  static long steps(JsonNode usage) {
    long steps = 0;
    for (JsonNode aggregate : usage.path("aggregates")) {
      steps += aggregate.path("steps").asLong();
    }
    return steps;
  }

  /** Waits until {@code instance} answers 200 for every published workflow. */
  private static void awaitEveryRunQueryableFrom(TopologyApp instance) {
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                texts.keySet().stream()
                    .allMatch(
                        id -> get(instance.httpAddress(), "workflows/" + id).status() == 200));
  }

  @Test
  void shouldAnswerEveryWorkflowFromEitherInstanceWhenRoutedToItsOwner() {
    awaitEveryRunQueryableFrom(a);
    Set<String> servers = new HashSet<>();
    int forwarded = 0;
    for (Map.Entry<String, String> e : texts.entrySet()) {
      String id = e.getKey();
      boolean isRoot = rootOf.get(id).equals(id);
      String path = "workflows/" + id + (isRoot ? "" : "?root=" + rootOf.get(id));
      for (TopologyApp entry : List.of(a, b)) {
        ItSupport.Reply reply = get(entry.httpAddress(), path);
        assertThat(reply.status()).as("%s via %s", id, entry.httpAddress()).isEqualTo(200);
        assertThat(reply.body().path("text").asText()).isEqualTo(e.getValue());
        assertThat(reply.body().path("status").asText()).isEqualTo("FINISHED");
        servers.add(reply.servedBy());
        if (!entry.httpAddress().toString().contains(reply.servedBy())) {
          forwarded++;
        }
      }
      // The owner is the same whichever instance was asked.
      assertThat(get(a.httpAddress(), path).servedBy())
          .isEqualTo(get(b.httpAddress(), path).servedBy());
    }
    assertThat(servers).as("both instances own partitions").hasSize(2);
    assertThat(forwarded).as("requests to the non-owner were forwarded").isPositive();
  }

  private static java.net.http.HttpResponse<String> raw(URI base, String pathAndQuery)
      throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(base.resolve(pathAndQuery)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldRouteReadYourEventQueriesByTheTokensPartitionWhenAskedAnyInstance() throws Exception {
    awaitEveryRunQueryableFrom(a);
    Set<String> servers = new HashSet<>();
    for (Map.Entry<String, String> e : texts.entrySet()) {
      String id = e.getKey();
      String root = rootOf.get(id);
      java.net.http.HttpResponse<String> plain =
          raw(a.httpAddress(), "workflows/" + id + "?root=" + root);
      String position = plain.headers().firstValue("X-Runstream-Position").orElseThrow();
      assertThat(position).matches("\\d+:\\d+");
      for (TopologyApp entry : List.of(a, b)) {
        // No root hint, children included: the token's partition says where the run lives.
        java.net.http.HttpResponse<String> fresh =
            raw(entry.httpAddress(), "workflows/" + id + "?at_least=" + position);
        assertThat(fresh.statusCode()).as("%s via %s", id, entry.httpAddress()).isEqualTo(200);
        assertThat(ItSupport.JSON.readTree(fresh.body()).path("text").asText())
            .isEqualTo(e.getValue());
        assertThat(fresh.headers().firstValue("X-Runstream-Position")).contains(position);
        servers.add(fresh.headers().firstValue(TopologyApp.SERVED_BY_HEADER).orElseThrow());
      }
    }
    assertThat(servers).as("answered by each partition's owner").hasSize(2);
  }

  @Test
  void shouldFindSubWorkflowWithoutRootHintWhenItLivesOnAnotherInstance() {
    awaitEveryRunQueryableFrom(b);
    for (String child : rootOf.keySet()) {
      if (rootOf.get(child).equals(child)) {
        continue;
      }
      for (TopologyApp entry : List.of(a, b)) {
        JsonNode body = get(entry.httpAddress(), "workflows/" + child).body();
        assertThat(body.path("text").asText()).isEqualTo(texts.get(child));
        assertThat(body.path("parent_workflow_id").asText()).isEqualTo(rootOf.get(child));
      }
    }
  }

  @Test
  void shouldListAndAggregateAcrossInstancesWhenAskedAnyOfThem() {
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                get(a.httpAddress(), "workflows?status=FINISHED&limit=1000")
                        .body()
                        .path("count")
                        .asInt()
                    >= texts.size());
    for (TopologyApp entry : List.of(a, b)) {
      JsonNode list = get(entry.httpAddress(), "workflows?status=FINISHED&limit=1000").body();
      assertThat(list.path("workflows").findValuesAsText("workflow_id"))
          .containsAll(texts.keySet());
      assertThat(list.has("unanswered_instances")).isFalse();
      assertThat(get(entry.httpAddress(), "workflows?status=FAILED").body().path("count").asInt())
          .isZero();
    }
    URI base = b.httpAddress();
    // Summed over windows: the runs may straddle an hour boundary.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> steps(get(base, "usage?dimension=MODEL&key=model-0").body()) == 12);
    for (TopologyApp entry : List.of(a, b)) {
      JsonNode model0 = get(entry.httpAddress(), "usage?dimension=MODEL&key=model-0").body();
      assertThat(steps(model0)).isEqualTo(12);
      BigDecimal cost = BigDecimal.ZERO;
      for (JsonNode aggregate : model0.path("aggregates")) {
        cost = cost.add(new BigDecimal(aggregate.path("usage").path("cost_usd").asText()));
      }
      assertThat(cost).isEqualByComparingTo("0.012");
      JsonNode agents = get(entry.httpAddress(), "usage?dimension=AGENT").body();
      assertThat(agents.path("aggregates").findValuesAsText("key"))
          .contains("agent-0", "agent-1", "agent-2");
    }
  }
}
