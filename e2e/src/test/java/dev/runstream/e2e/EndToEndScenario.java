package dev.runstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runstream.client.ClientConfig;
import dev.runstream.client.RunResult;
import dev.runstream.client.RunstreamClient;
import dev.runstream.client.WorkflowStream;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.DemoAgent;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.producer.RunPlan;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The end-to-end scenario, the same wherever the platform runs: agent runs are published through
 * the real {@link AgentEventPublisher}, the topology materializes them (checked through its HTTP
 * API), the {@link RunstreamClient} replays them with the text that was published, and a live run
 * is tailed while it is being published. {@code EmbeddedEndToEndIT} runs it on the local cluster
 * with an in-process topology, {@code ContainersEndToEndIT} on the Docker images of
 * docker-compose.yml.
 *
 * <p>Every step uses fresh workflow ids, so the steps can run in any order against the same
 * platform.
 */
public final class EndToEndScenario implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MATERIALIZE_TIMEOUT = Duration.ofSeconds(90);

  /**
   * Where the platform under test is.
   *
   * @param bootstrapServers Kafka bootstrap servers reachable from the test JVM
   * @param schemaRegistryUrl the registry's Confluent-API base URL
   * @param queryUrl base URL of one topology instance's HTTP API
   */
  public record Endpoints(String bootstrapServers, String schemaRegistryUrl, URI queryUrl) {
    /** Validates that nothing is null. */
    public Endpoints {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers");
      Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl");
      Objects.requireNonNull(queryUrl, "queryUrl");
    }
  }

  private final Endpoints endpoints;
  private final HttpClient http = HttpClient.newHttpClient();
  private final AgentEventPublisher publisher;

  /**
   * Connects a publisher to the platform.
   *
   * @param endpoints the platform
   */
  public EndToEndScenario(Endpoints endpoints) {
    this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
    this.publisher =
        AgentEventPublisher.create(
            PublisherConfig.newBuilder()
                .bootstrapServers(endpoints.bootstrapServers())
                .schemaRegistryUrl(endpoints.schemaRegistryUrl())
                .linger(Duration.ofMillis(1))
                .prices(DemoAgent.DEMO_PRICES)
                .build());
  }

  /**
   * The platform.
   *
   * @return the endpoints
   */
  public Endpoints endpoints() {
    return endpoints;
  }

  private RunstreamClient client() {
    return RunstreamClient.create(
        ClientConfig.newBuilder()
            .bootstrapServers(endpoints.bootstrapServers())
            .schemaRegistryUrl(endpoints.schemaRegistryUrl())
            .queryUrl(endpoints.queryUrl().toString())
            .brokerTimeout(Duration.ofSeconds(30))
            .build());
  }

  /**
   * Publishes runs with known text (one with a sub-agent), waits until the topology has
   * materialized them, then replays each with the client and compares events and text with what was
   * published; the result comes from the view.
   *
   * @return the workflow ids checked, in publish order
   * @throws Exception on failure
   */
  public List<String> publishMaterializeAndReplay() throws Exception {
    Map<String, String> published = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) {
      AgentRun run = publisher.startRun("e2e-agent", "question " + i);
      published.put(run.workflowId(), publishFinishedRun(run, 20 + i * 15, i == 1));
    }
    publisher.flush();

    for (Map.Entry<String, String> run : published.entrySet()) {
      JsonNode view = awaitView(run.getKey(), v -> "FINISHED".equals(v.path("status").asText()));
      assertThat(view.path("text").asText())
          .as("materialized text of %s", run.getKey())
          .isEqualTo(run.getValue());
    }

    try (RunstreamClient client = client()) {
      for (Map.Entry<String, String> run : published.entrySet()) {
        List<AgentEvent> events = new ArrayList<>();
        try (WorkflowStream replay = client.replay(run.getKey())) {
          replay.forEach(events::add);
        }
        assertThat(events)
            .extracting(AgentEvent::getSequence)
            .as("gapless sequences of %s", run.getKey())
            .isEqualTo(range(events.size()));
        assertThat(EventType.of(events.get(0))).isEqualTo(EventType.AGENT_START);
        assertThat(EventType.of(events.get(events.size() - 1))).isEqualTo(EventType.AGENT_FINISH);
        try (WorkflowStream replay = client.replay(run.getKey())) {
          assertThat(String.join("", replay.textChunks().toList()))
              .as("replayed text of %s", run.getKey())
              .isEqualTo(run.getValue());
        }
        RunResult result = client.result(run.getKey()).get(60, TimeUnit.SECONDS);
        assertThat(result.status()).isEqualTo(RunStatus.FINISHED);
        assertThat(result.text()).isEqualTo(run.getValue());
        assertThat(result.result()).isEqualTo("done");
      }
    }
    return List.copyOf(published.keySet());
  }

  /**
   * Opens a tail on a running workflow, then publishes the rest of it: the tail delivers exactly
   * the text published after it opened and ends with the run; the view then has the whole text.
   *
   * @return the materialized text of the run
   * @throws Exception on failure
   */
  public String tailLiveRun() throws Exception {
    AgentRun run = publisher.startRun("e2e-live-agent", "stream it");
    RunStep step = run.startStep("llm_1", StepType.LLM);
    step.textDelta("before ").get(30, TimeUnit.SECONDS);

    List<String> after = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      after.add("live" + i + " ");
    }
    try (RunstreamClient client = client();
        WorkflowStream tail = client.tail(run.workflowId())) {
      tail.opened().get(30, TimeUnit.SECONDS);
      CompletableFuture<List<String>> chunks =
          CompletableFuture.supplyAsync(() -> tail.textChunks().toList());
      for (String chunk : after) {
        step.textDelta(chunk);
        Thread.sleep(5);
      }
      step.finish(null, "gpt-4o-mini", TokenUsage.of(10, after.size()));
      run.finish("done").get(30, TimeUnit.SECONDS);
      assertThat(chunks.get(60, TimeUnit.SECONDS)).containsExactlyElementsOf(after);
    }
    JsonNode view = awaitView(run.workflowId(), v -> "FINISHED".equals(v.path("status").asText()));
    assertThat(view.path("text").asText()).isEqualTo("before " + String.join("", after));
    return view.path("text").asText();
  }

  /**
   * Plays runs of the simulated agents ({@link DemoAgent}: tools, sub-agents, failures), waits
   * until every one has ended in the view, and checks that the replayed text of each equals the
   * materialized text.
   *
   * @return the workflow ids of the simulated runs checked
   * @throws Exception on failure
   */
  public List<String> simulatedAgentsAreMaterialized() throws Exception {
    DemoAgent agent =
        new DemoAgent(
            DemoAgent.Options.newBuilder()
                .seed(ThreadLocalRandom.current().nextLong())
                .tokensPerSecond(0)
                .failureRate(0.2)
                .build());
    List<String> workflowIds = new ArrayList<>();
    for (RunPlan plan : agent.plans(0, 6)) {
      workflowIds.add(agent.play(publisher, plan).workflowId());
    }
    publisher.flush();

    try (RunstreamClient client = client()) {
      for (String id : workflowIds) {
        JsonNode view = awaitView(id, v -> !"RUNNING".equals(v.path("status").asText()));
        try (WorkflowStream replay = client.replay(id)) {
          assertThat(replay.text().get(60, TimeUnit.SECONDS))
              .as("replayed text of simulated run %s", id)
              .isEqualTo(view.path("text").asText());
        }
      }
    }
    return workflowIds;
  }

  /** Publishes a finished run; returns the text its LLM step streamed. */
  private static String publishFinishedRun(AgentRun run, int deltas, boolean withChild)
      throws Exception {
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
    if (withChild) {
      AgentRun child = run.startChildRun("e2e-sub-agent", "look it up");
      RunStep childStep = child.startStep("llm_1", StepType.LLM);
      childStep.textDelta("child text");
      childStep.finish(null, "gpt-4o-mini", TokenUsage.of(5, 1));
      child.finish("child done");
    }
    run.finish("done").get(30, TimeUnit.SECONDS);
    return text.toString();
  }

  /** Waits until the topology's view of {@code workflowId} satisfies {@code ready}. */
  private JsonNode awaitView(String workflowId, Predicate<JsonNode> ready) throws Exception {
    long deadline = System.nanoTime() + MATERIALIZE_TIMEOUT.toNanos();
    JsonNode last = null;
    int lastStatus = -1;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(endpoints.queryUrl().resolve("/workflows/" + workflowId))
                    .timeout(Duration.ofSeconds(10))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        lastStatus = r.statusCode();
        if (r.statusCode() == 200) {
          last = JSON.readTree(r.body());
          if (ready.test(last)) {
            return last;
          }
        }
      } catch (java.io.IOException e) {
        lastStatus = -1;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "the topology did not materialize "
            + workflowId
            + " within "
            + MATERIALIZE_TIMEOUT
            + " (last HTTP status "
            + lastStatus
            + "): "
            + last);
  }

  private static List<Long> range(int n) {
    List<Long> out = new ArrayList<>(n);
    for (long i = 0; i < n; i++) {
      out.add(i);
    }
    return out;
  }

  @Override
  public void close() {
    publisher.close();
  }
}
