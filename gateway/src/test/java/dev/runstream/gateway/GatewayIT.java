package dev.runstream.gateway;

import static dev.runstream.gateway.GatewayTestbed.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.RunStep;
import dev.runstream.producer.TokenUsage;
import dev.runstream.schemas.StepType;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway on a real broker, registry and topology: SSE replay, resume with {@code
 * Last-Event-ID}, tail, children, JSON errors, release on disconnect, metrics, and the materialized
 * runs and usage.
 */
class GatewayIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perSuite();

  @TempDir static Path stateDir;

  private static GatewayTestbed bed;

  @BeforeAll
  static void start() {
    bed = new GatewayTestbed(CLUSTER.cluster(), stateDir, GatewayTestbed.fastSseConfig());
  }

  @AfterAll
  static void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  /** A finished run: agent_start, step_start, deltas, tool_call, step_finish, tool step, finish. */
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

  private static String events(String workflowId, String query) {
    return "/v1/workflows/" + workflowId + "/events" + (query.isEmpty() ? "" : "?" + query);
  }

  private static List<Long> ids(List<SseEvent> events) {
    return events.stream().map(e -> Long.parseLong(e.id())).toList();
  }

  @Test
  void shouldReplayEveryEventInOrderWhenReadingFromTheBeginning() throws Exception {
    AgentRun run = bed.publisher.startRun("replay-agent", "weather?");
    String text = publishRun(run, 5);

    try (SseReader sse = SseReader.open(bed.uri(events(run.workflowId(), "")), null)) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.contentType()).startsWith("text/event-stream");
      List<SseEvent> got = sse.readToEnd(WAIT);

      assertThat(ids(got)).containsExactlyElementsOf(LongStream.range(0, 12).boxed().toList());
      assertThat(got.get(0).name()).isEqualTo("agent_start");
      assertThat(got.get(11).name()).isEqualTo("agent_finish");
      assertThat(got.stream().map(SseEvent::name))
          .containsSubsequence("step_start", "text_delta", "tool_call", "step_finish");
      StringBuilder streamed = new StringBuilder();
      for (SseEvent e : got) {
        JsonNode data = GatewayTestbed.JSON.readTree(e.data());
        assertThat(data.path("sequence").asLong()).isEqualTo(Long.parseLong(e.id()));
        assertThat(data.path("event_type").asText()).isEqualTo(e.name());
        assertThat(data.path("workflow_id").asText()).isEqualTo(run.workflowId());
        if (e.name().equals("text_delta")) {
          streamed.append(data.path("data").path("content").asText());
        }
      }
      assertThat(streamed.toString()).isEqualTo(text);
      JsonNode finish = GatewayTestbed.JSON.readTree(got.get(11).data()).path("data");
      assertThat(finish.path("usage").path("total_tokens").asLong()).isEqualTo(105);
      assertThat(finish.path("usage").path("cost_usd").asText()).matches("\\d+\\.\\d+");
      assertThat(sse.retry()).isEqualTo("2000");
    }
  }

  @Test
  void shouldResumeExactlyAfterTheSequenceWhenLastEventIdIsGiven() throws Exception {
    AgentRun run = bed.publisher.startRun("resume-agent", "weather?");
    publishRun(run, 5);

    try (SseReader sse = SseReader.open(bed.uri(events(run.workflowId(), "")), "3")) {
      assertThat(ids(sse.readToEnd(WAIT)))
          .containsExactlyElementsOf(LongStream.range(4, 12).boxed().toList());
    }
    try (SseReader sse =
        SseReader.open(bed.uri(events(run.workflowId(), "last_event_id=9")), null)) {
      assertThat(ids(sse.readToEnd(WAIT))).containsExactly(10L, 11L);
    }
    // The header wins over the query fallback.
    try (SseReader sse =
        SseReader.open(bed.uri(events(run.workflowId(), "last_event_id=1")), "10")) {
      assertThat(ids(sse.readToEnd(WAIT))).containsExactly(11L);
    }
  }

  @Test
  void shouldAnswerNoContentWhenResumingAfterTheLastEventOfAFinishedRun() throws Exception {
    AgentRun run = bed.publisher.startRun("ended-agent", "weather?");
    publishRun(run, 2);
    JsonNode view = bed.awaitFinished(run.workflowId());
    String last = view.path("last_sequence").asText();

    try (SseReader sse = SseReader.open(bed.uri(events(run.workflowId(), "")), last)) {
      assertThat(sse.status()).isEqualTo(204);
    }
  }

  @Test
  void shouldTailOnlyTheEventsAfterTheRequestWhenFromIsNow() throws Exception {
    AgentRun run = bed.publisher.startRun("tail-agent", "weather?");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    llm.textDelta("before ").get(30, TimeUnit.SECONDS);
    bed.awaitRun(run.workflowId(), v -> v.path("last_sequence").asLong() >= 2);

    try (SseReader sse = SseReader.open(bed.uri(events(run.workflowId(), "from=now")), null)) {
      assertThat(sse.status()).isEqualTo(200);
      llm.textDelta("after ");
      llm.finish(null, "gpt-4o-mini", TokenUsage.of(10, 2));
      run.finish("done").get(30, TimeUnit.SECONDS);

      List<SseEvent> got = sse.readToEnd(WAIT);
      assertThat(ids(got)).containsExactly(3L, 4L, 5L);
      assertThat(got.get(0).data()).contains("\"content\":\"after \"");
      assertThat(got.get(2).name()).isEqualTo("agent_finish");
    }
  }

  @Test
  void shouldIncludeChildWorkflowEventsWhenChildrenIsTrue() throws Exception {
    AgentRun parent = bed.publisher.startRun("parent-agent", "delegate");
    AgentRun child = parent.startChildRun("child-agent", "sub-task");
    publishRun(child, 3);
    publishRun(parent, 2);

    try (SseReader own = SseReader.open(bed.uri(events(parent.workflowId(), "")), null);
        SseReader tree =
            SseReader.open(bed.uri(events(parent.workflowId(), "children=true")), null)) {
      List<SseEvent> ownEvents = own.readToEnd(WAIT);
      List<SseEvent> treeEvents = tree.readToEnd(WAIT);

      assertThat(ownEvents)
          .allSatisfy(e -> assertThat(e.data()).doesNotContain(child.workflowId()));
      List<SseEvent> childEvents =
          treeEvents.stream()
              .filter(e -> e.data().contains("\"workflow_id\":\"" + child.workflowId() + "\""))
              .toList();
      assertThat(childEvents).hasSize(10);
      assertThat(treeEvents).hasSize(ownEvents.size() + childEvents.size());
      // A child event carries the parent's cursor: resuming from it loses nothing of the parent.
      assertThat(childEvents).allSatisfy(e -> assertThat(Long.parseLong(e.id())).isNotNegative());
      assertThat(treeEvents.get(treeEvents.size() - 1).name()).isEqualTo("agent_finish");
    }
  }

  @Test
  void shouldAnswer4xxWithAJsonBodyWhenIdsCursorsOrParametersAreInvalid() throws Exception {
    String longId = "a".repeat(201);
    String badId = URLEncoder.encode("bad id!", StandardCharsets.UTF_8).replace("+", "%20");
    assertError(events(badId, ""), 400, "invalid_workflow_id");
    assertError(events(longId, ""), 400, "invalid_workflow_id");
    assertError("/v1/workflows/" + badId, 400, "invalid_workflow_id");
    assertError(events("wf-1", "last_event_id=abc"), 400, "invalid_cursor");
    assertError(events("wf-1", "last_event_id=-1"), 400, "invalid_cursor");
    assertError(events("wf-1", "from=yesterday"), 400, "invalid_parameter");
    assertError(events("wf-1", "children=maybe"), 400, "invalid_parameter");
    assertError("/v1/workflows?status=DONE", 400, "invalid_parameter");
    assertError("/v1/workflows?limit=0", 400, "invalid_parameter");
    assertError("/v1/workflows?limit=ten", 400, "invalid_parameter");
    assertError("/v1/usage?dimension=PLANET", 400, "invalid_parameter");
    assertError("/v1/usage?key=gpt-4o", 400, "invalid_parameter");
    assertError("/v1/usage?from=yesterday", 400, "invalid_parameter");
    assertError("/v1/nothing-here", 404, "not_found");

    String unknown = "unknown-" + UUID.randomUUID();
    assertError("/v1/workflows/" + unknown, 404, "not_found");
    assertError(events(unknown, ""), 404, "not_found");

    // A cursor past the end of a finished run.
    AgentRun run = bed.publisher.startRun("cursor-agent", "weather?");
    publishRun(run, 1);
    bed.awaitFinished(run.workflowId());
    HttpResponse<String> r =
        GatewayTestbed.HTTP.send(
            java.net.http.HttpRequest.newBuilder(bed.uri(events(run.workflowId(), "")))
                .header("Last-Event-ID", "500")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(GatewayTestbed.JSON.readTree(r.body()).path("error").asText())
        .isEqualTo("invalid_cursor");
  }

  private static void assertError(String pathAndQuery, int status, String code) throws Exception {
    HttpResponse<String> r = bed.get(pathAndQuery);
    assertThat(r.statusCode()).as(pathAndQuery).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse(""))
        .as(pathAndQuery)
        .startsWith("application/json");
    JsonNode body = GatewayTestbed.JSON.readTree(r.body());
    assertThat(body.path("error").asText()).as(pathAndQuery + " " + r.body()).isEqualTo(code);
    assertThat(body.path("message").asText()).as(pathAndQuery).isNotBlank();
  }

  @Test
  void shouldAnswer503WhenTheTopologyIsUnreachable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (Gateway down =
        Gateway.start(
            GatewayConfig.newBuilder()
                .bootstrapServers(CLUSTER.cluster().bootstrapServers())
                .schemaRegistryUrl(CLUSTER.cluster().schemaRegistryUrl())
                .queryUrl("http://127.0.0.1:" + closedPort)
                .httpHost("127.0.0.1")
                .httpPort(0)
                .build())) {
      for (String path : List.of("/v1/workflows/wf-1", "/v1/workflows", "/v1/usage", "/ready")) {
        HttpResponse<String> r =
            GatewayTestbed.HTTP.send(
                java.net.http.HttpRequest.newBuilder(down.address().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(503);
        if (!path.equals("/ready")) {
          assertThat(GatewayTestbed.JSON.readTree(r.body()).path("error").asText())
              .isEqualTo("topology_unavailable");
          assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        }
      }
      HttpResponse<String> health =
          GatewayTestbed.HTTP.send(
              java.net.http.HttpRequest.newBuilder(down.address().resolve("/health")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void shouldReleaseTheStreamWhenTheClientDisconnects() throws Exception {
    AgentRun run = bed.publisher.startRun("disconnect-agent", "weather?");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    llm.textDelta("hello ").get(30, TimeUnit.SECONDS);

    SseReader sse = SseReader.open(bed.uri(events(run.workflowId(), "")), null);
    assertThat(sse.next(WAIT)).isNotNull();
    assertThat(gauge("runstream_gateway_sse_connections")).isEqualTo(1.0);
    assertThat(gauge("runstream_client_streams_open")).isEqualTo(1.0);
    sse.close();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(gauge("runstream_gateway_sse_connections")).isEqualTo(0.0);
              assertThat(gauge("runstream_client_streams_open")).isEqualTo(0.0);
            });
    assertThat(bed.get("/metrics").body())
        .contains("runstream_gateway_sse_closed_total{application=\"runstream-gateway\"")
        .contains("reason=\"client_gone\"");
    llm.finish(null, "gpt-4o-mini", TokenUsage.of(1, 1));
    run.finish("bye");
  }

  @Test
  void shouldAnswer202AndEndTheRunCancelledWhenCancelIsPosted() throws Exception {
    AgentRun run = bed.publisher.startRun("cancel-agent", "a long task");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    llm.textDelta("working ").get(30, TimeUnit.SECONDS);
    bed.awaitRun(run.workflowId(), v -> "RUNNING".equals(v.path("status").asText()));

    try (SseReader sse = SseReader.open(bed.uri(events(run.workflowId(), "")), null)) {
      HttpResponse<String> accepted =
          bed.post(
              "/v1/workflows/" + run.workflowId() + "/cancel",
              "{\"reason\":\"user pressed stop\",\"requested_by\":\"alice\"}");
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
      JsonNode receipt = GatewayTestbed.JSON.readTree(accepted.body());
      assertThat(receipt.path("status").asText()).isEqualTo("cancel_requested");
      assertThat(receipt.path("workflow_id").asText()).isEqualTo(run.workflowId());
      assertThat(receipt.path("root_workflow_id").asText()).isEqualTo(run.workflowId());
      assertThat(receipt.path("source").asText()).isEqualTo("gateway");
      assertThat(receipt.path("request_id").asText()).isNotBlank();

      // The worker sees the request, stops and ends the run cancelled.
      var request = run.cancellation().get(30, TimeUnit.SECONDS);
      assertThat(request.requestId()).isEqualTo(receipt.path("request_id").asText());
      assertThat(request.reason()).isEqualTo("user pressed stop");
      run.cancel(null).get(30, TimeUnit.SECONDS);

      List<SseEvent> got = sse.readToEnd(WAIT);
      SseEvent last = got.get(got.size() - 1);
      assertThat(last.name()).isEqualTo("error");
      JsonNode data = GatewayTestbed.JSON.readTree(last.data()).path("data");
      assertThat(data.path("error_type").asText()).isEqualTo("cancelled");
      assertThat(data.path("cancellation").path("reason").asText()).isEqualTo("user pressed stop");
      assertThat(data.path("cancellation").path("requested_by").asText()).isEqualTo("alice");
    }
    JsonNode view = bed.awaitFinished(run.workflowId());
    assertThat(view.path("status").asText()).isEqualTo("CANCELLED");
    assertThat(view.path("cancellation").path("reason").asText()).isEqualTo("user pressed stop");

    HttpResponse<String> again = bed.post("/v1/workflows/" + run.workflowId() + "/cancel", "");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
    assertThat(GatewayTestbed.JSON.readTree(again.body()).path("error").asText())
        .isEqualTo("workflow_ended");
  }

  @Test
  void shouldAnswer4xxWhenCancellingAnUnknownIdOrWithABadBody() throws Exception {
    HttpResponse<String> unknown =
        bed.post("/v1/workflows/" + UUID.randomUUID() + "/cancel", "{\"reason\":\"x\"}");
    assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
    assertThat(GatewayTestbed.JSON.readTree(unknown.body()).path("error").asText())
        .isEqualTo("not_found");

    AgentRun run = bed.publisher.startRun("cancel-bad-body", "q");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    bed.awaitRun(run.workflowId(), v -> "RUNNING".equals(v.path("status").asText()));
    for (String body : List.of("not json", "[1]", "{\"reason\":42}")) {
      HttpResponse<String> bad = bed.post("/v1/workflows/" + run.workflowId() + "/cancel", body);
      assertThat(bad.statusCode()).as(body + " -> " + bad.body()).isEqualTo(400);
      assertThat(GatewayTestbed.JSON.readTree(bad.body()).path("error").asText())
          .isEqualTo("invalid_body");
    }
    HttpResponse<String> tooLong =
        bed.post(
            "/v1/workflows/" + run.workflowId() + "/cancel",
            "{\"reason\":\"" + "r".repeat(1_001) + "\"}");
    assertThat(tooLong.statusCode()).isEqualTo(400);
    HttpResponse<String> form =
        GatewayTestbed.HTTP.send(
            java.net.http.HttpRequest.newBuilder(
                    bed.uri("/v1/workflows/" + run.workflowId() + "/cancel"))
                .header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(form.statusCode()).as("a cross-origin simple request").isEqualTo(415);
    HttpResponse<String> badId = bed.post("/v1/workflows/" + "x".repeat(300) + "/cancel", "");
    assertThat(badId.statusCode()).isEqualTo(400);
    assertThat(run.isCancelRequested()).as("no bad request reached the worker").isFalse();
    llm.finish("done");
    run.finish("done");
  }

  @Test
  void shouldCancelNothingWhenAnSseConnectionIsClosedMidRun() throws Exception {
    AgentRun run = bed.publisher.startRun("close-tab-agent", "q");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    llm.textDelta("hello ").get(30, TimeUnit.SECONDS);
    SseReader sse = SseReader.open(bed.uri(events(run.workflowId(), "")), null);
    assertThat(sse.next(WAIT)).isNotNull();
    sse.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(gauge("runstream_gateway_sse_connections")).isEqualTo(0.0));
    Thread.sleep(1_000);
    assertThat(run.isCancelRequested()).isFalse();
    llm.textDelta("world").get(30, TimeUnit.SECONDS);
    llm.finish(null, "gpt-4o-mini", TokenUsage.of(1, 2));
    run.finish("hello world").get(30, TimeUnit.SECONDS);
    assertThat(bed.awaitFinished(run.workflowId()).path("status").asText()).isEqualTo("FINISHED");
  }

  private static double gauge(String name) throws Exception {
    for (String line : bed.get("/metrics").body().split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no metric " + name);
  }

  @Test
  void shouldExposePrometheusMetricsWithKafkaClientMetricsHealthAndReadiness() throws Exception {
    AgentRun run = bed.publisher.startRun("metrics-agent", "weather?");
    publishRun(run, 2);
    try (SseReader sse = SseReader.open(bed.uri(events(run.workflowId(), "")), null)) {
      assertThat(sse.readToEnd(WAIT)).isNotEmpty();
    }

    HttpResponse<String> metrics = bed.get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(metrics.body())
        .contains("kafka_consumer_fetch_manager_records_consumed_total")
        .contains("client_id=\"runstream-gateway-live-")
        .contains("kafka_admin_client_")
        .contains("http_server_requests_seconds_count")
        .contains("uri=\"/v1/workflows/{id}/events\"")
        .contains("runstream_gateway_sse_events_total")
        .contains("type=\"agent_finish\"")
        .contains("jvm_memory_used_bytes");

    HttpResponse<String> health = bed.get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              HttpResponse<String> ready = bed.get("/ready");
              assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
              assertThat(GatewayTestbed.JSON.readTree(ready.body()).path("status").asText())
                  .isEqualTo("UP");
            });

    HttpResponse<String> topologyMetrics =
        GatewayTestbed.HTTP.send(
            java.net.http.HttpRequest.newBuilder(bed.topology.httpAddress().resolve("/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(topologyMetrics.statusCode()).isEqualTo(200);
    assertThat(topologyMetrics.body()).contains("kafka_stream_");
    for (String path : List.of("/health", "/ready")) {
      HttpResponse<String> r =
          GatewayTestbed.HTTP.send(
              java.net.http.HttpRequest.newBuilder(bed.topology.httpAddress().resolve(path))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path).isEqualTo(200);
    }
  }

  @Test
  void shouldServeTheMaterializedRunTheRunListAndUsageWhenTheRunFinished() throws Exception {
    String agent = "usage-agent-" + UUID.randomUUID();
    AgentRun run = bed.publisher.startRun(agent, "weather?");
    String text = publishRun(run, 4);
    JsonNode view = bed.awaitFinished(run.workflowId());

    assertThat(view.path("status").asText()).isEqualTo("FINISHED");
    assertThat(view.path("text").asText()).isEqualTo(text);
    assertThat(view.path("usage").path("total_tokens").asLong()).isEqualTo(104);
    assertThat(view.path("steps")).hasSize(2);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode list =
                  GatewayTestbed.JSON.readTree(
                      bed.get("/v1/workflows?status=finished&limit=10000").body());
              assertThat(list.path("workflows").findValuesAsText("workflow_id"))
                  .contains(run.workflowId());
              assertThat(list.path("workflows"))
                  .allSatisfy(w -> assertThat(w.path("status").asText()).isEqualTo("FINISHED"));
            });

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              HttpResponse<String> r = bed.get("/v1/usage?dimension=AGENT&key=" + agent);
              assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
              JsonNode aggregates = GatewayTestbed.JSON.readTree(r.body()).path("aggregates");
              assertThat(aggregates).isNotEmpty();
              assertThat(aggregates.get(0).path("key").asText()).isEqualTo(agent);
              assertThat(aggregates.get(0).path("usage").path("total_tokens").asLong())
                  .isEqualTo(104);
            });
    JsonNode models = GatewayTestbed.JSON.readTree(bed.get("/v1/usage?dimension=model").body());
    assertThat(models.path("aggregates").findValuesAsText("key")).contains("gpt-4o-mini");
  }
}
