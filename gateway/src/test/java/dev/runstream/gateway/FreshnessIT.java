package dev.runstream.gateway;

import static dev.runstream.gateway.GatewayTestbed.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.PublishedEvent;
import dev.runstream.producer.RunStep;
import dev.runstream.producer.TokenUsage;
import dev.runstream.schemas.StepType;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot plus tail over SSE ({@code from=snapshot}) and read-your-event queries ({@code
 * at_least}) through the gateway and the topology's query service, on the real local cluster.
 */
class FreshnessIT {
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

  private static String events(String workflowId, String query) {
    return "/v1/workflows/" + workflowId + "/events?" + query;
  }

  @Test
  void shouldSendOneSnapshotThenExactlyTheEventsAfterItWhenFromIsSnapshot() throws Exception {
    AgentRun run = bed.publisher.startRun("sse-join-agent", "write");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    StringBuilder text = new StringBuilder();
    deltas(llm, 0, 300, text);
    bed.awaitRun(run.workflowId(), v -> v.path("last_sequence").asLong() >= 200);

    try (SseReader sse = SseReader.open(bed.uri(events(run.workflowId(), "from=snapshot")), null)) {
      CompletableFuture<Void> rest =
          CompletableFuture.runAsync(
              () -> {
                try {
                  deltas(llm, 300, 500, text);
                  llm.finish(null, "gpt-4o-mini", TokenUsage.of(10, 500));
                  run.finish("done").get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      List<SseEvent> all = sse.readToEnd(WAIT);
      rest.get(60, TimeUnit.SECONDS);
      assertThat(sse.status()).isEqualTo(200);
      SseEvent first = all.get(0);
      assertThat(first.name()).isEqualTo("snapshot");
      JsonNode snapshot = GatewayTestbed.JSON.readTree(first.data());
      long n = snapshot.path("last_sequence").asLong();
      assertThat(n).isGreaterThanOrEqualTo(200);
      assertThat(first.id()).isEqualTo(Long.toString(n));
      assertThat(snapshot.path("status").asText()).isEqualTo("RUNNING");
      assertThat(snapshot.path("position").asText()).matches("\\d+:\\d+");
      List<Long> ids = new ArrayList<>();
      StringBuilder tail = new StringBuilder();
      for (SseEvent e : all.subList(1, all.size())) {
        assertThat(e.name()).isNotEqualTo("snapshot");
        ids.add(Long.parseLong(e.id()));
        if (e.name().equals("text_delta")) {
          tail.append(GatewayTestbed.JSON.readTree(e.data()).path("data").path("content").asText());
        }
      }
      // agent_start 0, step_start 1, deltas 2..501, step_finish 502, agent_finish 503.
      assertThat(ids).first().isEqualTo(n + 1);
      assertThat(ids).last().isEqualTo(503L);
      assertThat(ids).hasSize((int) (503 - n));
      assertThat(snapshot.path("text").asText() + tail).isEqualTo(text.toString());
    }
  }

  @Test
  void shouldSendOnlyTheSnapshotWhenJoiningAFinishedRun() throws Exception {
    AgentRun run = bed.publisher.startRun("sse-join-ended-agent", "write");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    StringBuilder text = new StringBuilder();
    deltas(llm, 0, 10, text);
    llm.finish(null, "gpt-4o-mini", TokenUsage.of(10, 10));
    run.finish("done").get(30, TimeUnit.SECONDS);
    bed.awaitFinished(run.workflowId());
    try (SseReader sse = SseReader.open(bed.uri(events(run.workflowId(), "from=snapshot")), null)) {
      List<SseEvent> all = sse.readToEnd(WAIT);
      assertThat(all).hasSize(1);
      JsonNode snapshot = GatewayTestbed.JSON.readTree(all.get(0).data());
      assertThat(snapshot.path("status").asText()).isEqualTo("FINISHED");
      assertThat(snapshot.path("text").asText()).isEqualTo(text.toString());
      assertThat(all.get(0).id()).isEqualTo("13");
    }
  }

  @Test
  void shouldRefuseAnUnknownStartWith400WhenFromIsNotASupportedValue() throws Exception {
    HttpResponse<String> r = bed.get(events("some-run", "from=middle"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("beginning, now or snapshot");
  }

  @Test
  void shouldAnswerAtLeastAsFreshAsTheEventWhenAtLeastIsGiven() throws Exception {
    AgentRun run = bed.publisher.startRun("ryw-gateway-agent", "write");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    StringBuilder text = new StringBuilder();
    for (int round = 0; round < 5; round++) {
      PublishedEvent seen = deltas(llm, round * 20, round * 20 + 20, text);
      String token = seen.partition() + ":" + seen.offset();
      HttpResponse<String> r = bed.get("/v1/workflows/" + run.workflowId() + "?at_least=" + token);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode view = GatewayTestbed.JSON.readTree(r.body());
      assertThat(view.path("last_sequence").asLong()).isGreaterThanOrEqualTo(seen.sequence());
      assertThat(view.path("text").asText()).isEqualTo(text.toString());

      // The topology's own answer names the position it reflects, in the token's format.
      HttpResponse<String> direct =
          GatewayTestbed.HTTP.send(
              HttpRequest.newBuilder(
                      bed.topology
                          .httpAddress()
                          .resolve("/workflows/" + run.workflowId() + "?at_least=" + token))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(direct.statusCode()).isEqualTo(200);
      String position = direct.headers().firstValue("X-Runstream-Position").orElseThrow();
      assertThat(position).startsWith(seen.partition() + ":");
      assertThat(Long.parseLong(position.substring(position.indexOf(':') + 1)))
          .isGreaterThanOrEqualTo(seen.offset());
    }
    llm.finish(null, "gpt-4o-mini", TokenUsage.of(1, 100));
    run.finish("done").get(30, TimeUnit.SECONDS);
  }

  @Test
  void shouldAnswer503WithRetryAfterWhenTheViewCannotCatchUpInTime() throws Exception {
    AgentRun run = bed.publisher.startRun("stale-gateway-agent", "write");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    PublishedEvent seen = llm.textDelta("x").get(30, TimeUnit.SECONDS);
    String token = seen.partition() + ":" + (seen.offset() + 1_000_000);
    long begin = System.nanoTime();
    HttpResponse<String> r = bed.get("/v1/workflows/" + run.workflowId() + "?at_least=" + token);
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).contains("1");
    JsonNode body = GatewayTestbed.JSON.readTree(r.body());
    assertThat(body.path("error").asText()).isEqualTo("view_not_fresh");
    assertThat(body.path("message").asText())
        .contains("has not applied offset " + (seen.offset() + 1_000_000));
    // The topology's default bound is 5 s (topology.query.freshness.max.wait.ms).
    assertThat(waitedMs).isBetween(4_500L, 30_000L);
    llm.finish(null, "gpt-4o-mini", TokenUsage.of(1, 1));
    run.finish("done").get(30, TimeUnit.SECONDS);
  }

  @Test
  void shouldRefuseAMalformedPositionWith400WhenAtLeastIsNotPartitionColonOffset()
      throws Exception {
    for (String bad : List.of("abc", "1:-2", "1:", ":5", "1:2:3", "99999999999:1")) {
      HttpResponse<String> r = bed.get("/v1/workflows/some-run?at_least=" + bad);
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(GatewayTestbed.JSON.readTree(r.body()).path("error").asText())
          .isEqualTo("invalid_parameter");
    }
    HttpResponse<String> direct =
        GatewayTestbed.HTTP.send(
            HttpRequest.newBuilder(
                    bed.topology.httpAddress().resolve("/workflows/some-run?at_least=x:1"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(direct.statusCode()).isEqualTo(400);
    assertThat(direct.body()).contains("partition:offset");
    HttpResponse<String> noSuchPartition =
        GatewayTestbed.HTTP.send(
            HttpRequest.newBuilder(
                    bed.topology.httpAddress().resolve("/workflows/some-run?at_least=4000:1"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(noSuchPartition.statusCode()).isEqualTo(400);
    assertThat(noSuchPartition.body()).contains("which has partitions");
  }
}
