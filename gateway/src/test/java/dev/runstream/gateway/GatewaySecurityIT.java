package dev.runstream.gateway;

import static dev.runstream.gateway.GatewayTestbed.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.runstream.client.ClientConfig;
import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.RunOptions;
import dev.runstream.producer.RunStep;
import dev.runstream.producer.TokenUsage;
import dev.runstream.schemas.StepType;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway in secure mode on a real broker, registry and topology: the gateway of tenant {@code
 * acme} answers 401 without a valid credential of acme (API key or JWT, header or {@code
 * access_token}), 404 for globex's workflows exactly as for unknown ones, bounds oversize input,
 * and answers CORS preflights for the allowed origin only.
 */
class GatewaySecurityIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perSuite();

  @TempDir static Path stateDir;

  static final String ACME_KEY = "acme-" + UUID.randomUUID();
  static final String GLOBEX_KEY = "globex-" + UUID.randomUUID();
  static final String SECRET = "it-secret-" + UUID.randomUUID();
  static final String ISSUER = "https://login.example";
  static final String AUDIENCE = "runstream";
  static final String ORIGIN = "https://app.example";

  private static GatewayTestbed bed;

  @BeforeAll
  static void start() {
    bed =
        new GatewayTestbed(
            CLUSTER.cluster(),
            stateDir,
            GatewayTestbed.fastSseConfig()
                .authRequired(true)
                .tenant("acme")
                // A shared events topic: tenant.id would default it to acme.agent-events. The
                // gateway's tenant check is then the only guard, which is what this test checks.
                .set(ClientConfig.TOPIC_CONFIG, "agent-events")
                .set(ClientConfig.CONTROL_TOPIC_CONFIG, "agent-control")
                .apiKeys("acme:" + sha256(ACME_KEY), "globex:" + sha256(GLOBEX_KEY))
                .jwtHmacSecret(SECRET)
                .set(GatewayConfig.JWT_ISSUER_CONFIG, ISSUER)
                .set(GatewayConfig.JWT_AUDIENCE_CONFIG, AUDIENCE)
                .corsAllowedOrigins(ORIGIN));
  }

  @AfterAll
  static void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  @BeforeEach
  void asAcme() {
    bed.credential = ACME_KEY;
  }

  static String sha256(String key) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A JWT signed with {@code secret}, for {@code tenant}, expiring at {@code expiry}. */
  static String jwt(String secret, String tenant, Instant expiry) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader(JWSAlgorithm.HS256),
            new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject("it")
                .claim("tenant", tenant)
                .expirationTime(Date.from(expiry))
                .build());
    jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }

  static String acmeJwt() throws Exception {
    return jwt(SECRET, "acme", Instant.now().plusSeconds(300));
  }

  /** A finished run of {@code tenant} (null for none): start, 3 deltas, finish. */
  static AgentRun publishRun(String tenant, String workflowId) throws Exception {
    AgentRun run =
        bed.publisher.startRun(
            RunOptions.newBuilder()
                .agentId("secure-agent")
                .input("secret prompt")
                .tenantId(tenant)
                .workflowId(workflowId)
                .build());
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    for (int i = 0; i < 3; i++) {
      llm.textDelta(tenant + "-word" + i + " ");
    }
    llm.finish(null, "gpt-4o-mini", TokenUsage.of(10, 3));
    run.finish("done").get(30, TimeUnit.SECONDS);
    return run;
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return GatewayTestbed.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> getWith(String pathAndQuery, String authorization)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(bed.uri(pathAndQuery)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return send(request);
  }

  private static JsonNode assertJsonError(HttpResponse<String> r, int status, String code)
      throws Exception {
    assertThat(r.statusCode()).as(r.uri() + " " + r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    JsonNode body = GatewayTestbed.JSON.readTree(r.body());
    assertThat(body.path("error").asText()).as(r.body()).isEqualTo(code);
    assertThat(body.path("message").asText()).isNotBlank();
    return body;
  }

  private static void assert401(HttpResponse<String> r, String code) throws Exception {
    assertJsonError(r, 401, code);
    assertThat(r.headers().firstValue("WWW-Authenticate").orElse(""))
        .as(r.uri().toString())
        .startsWith("Bearer");
  }

  private static String events(String workflowId, String query) {
    return "/v1/workflows/" + workflowId + "/events" + (query.isEmpty() ? "" : "?" + query);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void shouldAnswer401WhenCredentialsAreMissingInvalidExpiredOrAnotherTenants() throws Exception {
    for (String path :
        List.of("/v1/workflows", "/v1/usage", "/v1/workflows/wf-1", events("wf-1", ""))) {
      assert401(getWith(path, null), "unauthorized");
      assert401(getWith(path, "Bearer wrong-key"), "invalid_token");
    }
    assert401(getWith("/v1/workflows", "Basic " + ACME_KEY), "unauthorized");
    assert401(getWith("/v1/workflows", "Bearer "), "unauthorized");
    assert401(getWith("/v1/workflows", "Bearer " + GLOBEX_KEY), "invalid_token");
    assert401(
        getWith("/v1/workflows", "Bearer " + jwt(SECRET, "acme", Instant.now().minusSeconds(600))),
        "invalid_token");
    assert401(
        getWith(
            "/v1/workflows",
            "Bearer "
                + jwt(
                    "another-secret-" + UUID.randomUUID(), "acme", Instant.now().plusSeconds(300))),
        "invalid_token");
    assert401(
        getWith("/v1/workflows", "Bearer " + jwt(SECRET, "globex", Instant.now().plusSeconds(300))),
        "invalid_token");
    assert401(getWith("/v1/workflows?access_token=wrong-key", null), "invalid_token");
    assert401(getWith("/v1/nothing-here", null), "unauthorized");
    // A 401 names no tenant, key or hash.
    String body = getWith("/v1/workflows", "Bearer " + GLOBEX_KEY).body();
    assertThat(body).doesNotContain("globex", "acme", GLOBEX_KEY, sha256(GLOBEX_KEY));

    // Health, readiness, metrics and the UI's static files stay open.
    assertThat(getWith("/health", null).statusCode()).isEqualTo(200);
    assertThat(getWith("/ready", null).statusCode()).isIn(200, 503);
    HttpResponse<String> metrics = getWith("/metrics", null);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("runstream_gateway").doesNotContain(ACME_KEY);
    assertThat(getWith("/", null).body()).contains("<html");
    assertThat(getWith("/common.js", null).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldAnswer200WhenTheTenantsApiKeyOrJwtIsSentInTheHeaderOrAsAccessToken() throws Exception {
    AgentRun run = publishRun("acme", null);
    bed.awaitFinished(run.workflowId());
    String path = "/v1/workflows/" + run.workflowId();

    HttpResponse<String> byKey = getWith(path, "Bearer " + ACME_KEY);
    assertThat(byKey.statusCode()).isEqualTo(200);
    assertThat(GatewayTestbed.JSON.readTree(byKey.body()).path("text").asText())
        .isEqualTo("acme-word0 acme-word1 acme-word2 ");
    String token = acmeJwt();
    HttpResponse<String> byJwt = getWith(path, "bearer " + token);
    assertThat(byJwt.statusCode()).isEqualTo(200);
    assertThat(byJwt.body()).isEqualTo(byKey.body());
    assertThat(getWith("/v1/workflows?access_token=" + encode(token), null).statusCode())
        .isEqualTo(200);
    assertThat(getWith("/v1/usage?access_token=" + encode(ACME_KEY), null).statusCode())
        .isEqualTo(200);

    // SSE: the key in the header, and a JWT as access_token as an EventSource sends it.
    try (SseReader sse = SseReader.open(bed.uri(events(run.workflowId(), "")), null, ACME_KEY)) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.readToEnd(WAIT)).hasSize(7);
    }
    try (SseReader sse =
        SseReader.open(
            bed.uri(events(run.workflowId(), "access_token=" + encode(token))), "2", null)) {
      assertThat(sse.status()).isEqualTo(200);
      List<SseEvent> got = sse.readToEnd(WAIT);
      assertThat(got.get(0).id()).isEqualTo("3");
      assertThat(got.get(got.size() - 1).name()).isEqualTo("agent_finish");
    }
  }

  @Test
  void shouldRequireTheTenantsCredentialAndHideOtherTenantsRunsWhenCancelling() throws Exception {
    AgentRun own =
        bed.publisher.startRun(
            RunOptions.newBuilder().agentId("secure-agent").input("q").tenantId("acme").build());
    AgentRun foreign =
        bed.publisher.startRun(
            RunOptions.newBuilder().agentId("secure-agent").input("q").tenantId("globex").build());
    bed.awaitRun(own.workflowId(), v -> "RUNNING".equals(v.path("status").asText()));
    JsonNode foreignRun = null;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (foreignRun == null && System.nanoTime() < deadline) {
      HttpResponse<String> r = bed.topologyRun(foreign.workflowId());
      if (r.statusCode() == 200) {
        foreignRun = GatewayTestbed.JSON.readTree(r.body());
      } else {
        Thread.sleep(100);
      }
    }
    assertThat(foreignRun).isNotNull();

    bed.credential = null;
    assert401(bed.post("/v1/workflows/" + own.workflowId() + "/cancel", "{}"), "unauthorized");
    bed.credential = GLOBEX_KEY;
    assert401(bed.post("/v1/workflows/" + own.workflowId() + "/cancel", "{}"), "invalid_token");
    bed.credential = ACME_KEY;

    String unknown = UUID.randomUUID().toString();
    HttpResponse<String> foreignCancel =
        bed.post("/v1/workflows/" + foreign.workflowId() + "/cancel", "{\"reason\":\"x\"}");
    HttpResponse<String> unknownCancel =
        bed.post("/v1/workflows/" + unknown + "/cancel", "{\"reason\":\"x\"}");
    assertJsonError(foreignCancel, 404, "not_found");
    assertThat(foreignCancel.body().replace(foreign.workflowId(), "ID"))
        .isEqualTo(unknownCancel.body().replace(unknown, "ID"));

    HttpResponse<String> accepted =
        bed.post("/v1/workflows/" + own.workflowId() + "/cancel", "{\"reason\":\"stop\"}");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    assertThat(GatewayTestbed.JSON.readTree(accepted.body()).path("requested_by").asText())
        .isEqualTo("tenant:acme");
    assertThat(own.cancellation().get(30, TimeUnit.SECONDS).reason()).isEqualTo("stop");
    own.cancel(null).get(30, TimeUnit.SECONDS);
    assertThat(foreign.isCancelRequested()).as("another tenant's run is never cancelled").isFalse();
    foreign.finish("done").get(30, TimeUnit.SECONDS);
    assertThat(bed.awaitFinished(own.workflowId()).path("status").asText()).isEqualTo("CANCELLED");
  }

  @Test
  void shouldAnswer404LikeAnUnknownWorkflowWhenTheWorkflowIsAnotherTenants() throws Exception {
    AgentRun own = publishRun("acme", null);
    AgentRun untagged = publishRun(null, null);
    AgentRun foreign = publishRun("globex", null);
    bed.awaitFinished(own.workflowId());
    bed.awaitFinished(untagged.workflowId());
    JsonNode foreignRun = bed.awaitFinishedInTopology(foreign.workflowId());
    assertThat(foreignRun.path("tenant_id").asText()).isEqualTo("globex");

    String unknown = UUID.randomUUID().toString();
    assertThat(unknown).hasSameSizeAs(foreign.workflowId());
    HttpResponse<String> unknownRun = bed.get("/v1/workflows/" + unknown);
    HttpResponse<String> foreignView = bed.get("/v1/workflows/" + foreign.workflowId());
    assertJsonError(foreignView, 404, "not_found");
    assertThat(foreignView.body().replace(foreign.workflowId(), "ID"))
        .isEqualTo(unknownRun.body().replace(unknown, "ID"));
    assertThat(foreignView.body()).doesNotContain("globex", "secure-agent", "globex-word");
    assertThat(bed.get("/v1/workflows/" + untagged.workflowId()).statusCode())
        .as("a run without tenant_id is the gateway's tenant's")
        .isEqualTo(200);

    // The SSE endpoint: the same 404 as for an unknown workflow, no sooner.
    long t0 = System.nanoTime();
    HttpResponse<String> unknownEvents = bed.get(events(unknown, ""));
    long unknownNanos = System.nanoTime() - t0;
    t0 = System.nanoTime();
    HttpResponse<String> foreignEvents = bed.get(events(foreign.workflowId(), ""));
    long foreignNanos = System.nanoTime() - t0;
    assertJsonError(foreignEvents, 404, "not_found");
    assertThat(foreignEvents.body().replace(foreign.workflowId(), "ID"))
        .isEqualTo(unknownEvents.body().replace(unknown, "ID"))
        .isEqualTo(unknownRun.body().replace(unknown, "ID"));
    assertThat(Duration.ofNanos(foreignNanos))
        .isGreaterThanOrEqualTo(GatewayTestbed.SSE_START_TIMEOUT.minusMillis(100));
    assertThat(Duration.ofNanos(unknownNanos))
        .isGreaterThanOrEqualTo(GatewayTestbed.SSE_START_TIMEOUT.minusMillis(100));
    HttpResponse<String> resume =
        send(
            HttpRequest.newBuilder(bed.uri(events(foreign.workflowId(), "")))
                .header("Authorization", "Bearer " + ACME_KEY)
                .header("Last-Event-ID", "5"));
    assertJsonError(resume, 404, "not_found");

    // Lists leave globex's runs out.
    HttpResponse<String> list = bed.get("/v1/workflows?limit=10000");
    assertThat(list.statusCode()).isEqualTo(200);
    List<String> ids =
        StreamSupport.stream(
                GatewayTestbed.JSON.readTree(list.body()).path("workflows").spliterator(), false)
            .map(w -> w.path("workflow_id").asText())
            .toList();
    assertThat(ids)
        .contains(own.workflowId(), untagged.workflowId())
        .doesNotContain(foreign.workflowId());
    assertThat(GatewayTestbed.JSON.readTree(list.body()).path("count").asInt())
        .isEqualTo(ids.size());
  }

  @Test
  void shouldNeverStreamAnotherTenantsEventsWhenItsWorkflowStartsAfterTheRequest()
      throws Exception {
    String foreignId = "late-" + UUID.randomUUID();
    String ownId = "late-" + UUID.randomUUID();
    CompletableFuture<HttpResponse<String>> foreignTail =
        GatewayTestbed.HTTP.sendAsync(
            HttpRequest.newBuilder(bed.uri(events(foreignId, "from=now")))
                .header("Authorization", "Bearer " + ACME_KEY)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    CompletableFuture<HttpResponse<String>> foreignReplay =
        GatewayTestbed.HTTP.sendAsync(
            HttpRequest.newBuilder(bed.uri(events(foreignId, "access_token=" + encode(ACME_KEY))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    // In secure mode a tail of a workflow the view does not know yet answers once its first event
    // shows whose it is, so the readers are opened in the background.
    CompletableFuture<SseReader> ownTail =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return SseReader.open(bed.uri(events(ownId, "from=now")), null, ACME_KEY);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(500);
    publishRun("globex", foreignId);
    publishRun("acme", ownId);

    HttpResponse<String> tail = foreignTail.get(60, TimeUnit.SECONDS);
    assertJsonError(tail, 404, "not_found");
    assertThat(tail.body()).doesNotContain("globex-word");
    HttpResponse<String> replay = foreignReplay.get(60, TimeUnit.SECONDS);
    assertJsonError(replay, 404, "not_found");
    assertThat(replay.body()).isEqualTo(tail.body());

    try (SseReader own = ownTail.get(60, TimeUnit.SECONDS)) {
      assertThat(own.status()).isEqualTo(200);
      List<SseEvent> got = own.readToEnd(WAIT);
      assertThat(got).extracting(SseEvent::name).startsWith("agent_start").endsWith("agent_finish");
      assertThat(got).noneMatch(e -> e.data().contains("globex"));
      assertThat(got).anyMatch(e -> e.data().contains("acme-word0"));
    }
  }

  @Test
  void shouldAnswer4xxWithAJsonBodyWhenIdsQueryStringsOrLastEventIdsAreOversize() throws Exception {
    assertJsonError(bed.get("/v1/workflows/" + "a".repeat(129)), 400, "invalid_workflow_id");
    assertJsonError(bed.get(events("a".repeat(129), "")), 400, "invalid_workflow_id");
    assertThat(bed.get("/v1/workflows/" + "a".repeat(128)).statusCode())
        .as("an id of the maximum length is looked up")
        .isEqualTo(404);
    assertJsonError(
        bed.get("/v1/workflows?status=RUNNING&pad=" + "x".repeat(2100)), 414, "uri_too_long");
    assertJsonError(getWith("/v1/workflows?pad=" + "x".repeat(2100), null), 414, "uri_too_long");
    assertJsonError(
        bed.get("/v1/usage?dimension=AGENT&key=" + "k".repeat(129)), 400, "invalid_parameter");
    for (String cursor : List.of("1".repeat(21), "abc", "-1", "1e3")) {
      HttpResponse<String> r =
          send(
              HttpRequest.newBuilder(bed.uri(events("wf-1", "")))
                  .header("Authorization", "Bearer " + ACME_KEY)
                  .header("Last-Event-ID", cursor));
      assertJsonError(r, 400, "invalid_cursor");
    }
    assertJsonError(
        bed.get(events("wf-1", "last_event_id=" + "9".repeat(500))), 400, "invalid_cursor");
  }

  @Test
  void shouldAnswerCorsPreflightsForTheAllowedOriginOnlyWhenCorsIsConfigured() throws Exception {
    HttpResponse<String> allowed =
        send(
            HttpRequest.newBuilder(bed.uri("/v1/workflows"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", ORIGIN)
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization"));
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
        .containsIgnoringCase("authorization");
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Methods").orElse(""))
        .contains("GET");

    HttpResponse<String> denied =
        send(
            HttpRequest.newBuilder(bed.uri("/v1/workflows"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization"));
    assertThat(denied.headers().map().keySet())
        .noneMatch(h -> h.toLowerCase().startsWith("access-control-"));

    // Actual requests: the allowed origin can read the answer, 401s included; others cannot.
    HttpResponse<String> ok =
        send(
            HttpRequest.newBuilder(bed.uri("/v1/workflows"))
                .header("Origin", ORIGIN)
                .header("Authorization", "Bearer " + ACME_KEY));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
    HttpResponse<String> unauthorized =
        send(HttpRequest.newBuilder(bed.uri("/v1/workflows")).header("Origin", ORIGIN));
    assertThat(unauthorized.statusCode()).isEqualTo(401);
    assertThat(unauthorized.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
    assertThat(unauthorized.headers().firstValue("Access-Control-Expose-Headers").orElse(""))
        .contains("WWW-Authenticate");
    HttpResponse<String> foreignOrigin =
        send(
            HttpRequest.newBuilder(bed.uri("/v1/workflows"))
                .header("Origin", "https://evil.example")
                .header("Authorization", "Bearer " + ACME_KEY));
    assertThat(foreignOrigin.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }
}
