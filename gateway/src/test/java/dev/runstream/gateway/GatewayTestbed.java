package dev.runstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runstream.cluster.LocalCluster;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.DemoAgent;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.topology.TopologyApp;
import dev.runstream.topology.TopologyConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;

/** The real topology, a publisher and a gateway on a local cluster, for the gateway's ITs. */
final class GatewayTestbed implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** How long a test waits for a stream or a run to reach what it expects. */
  static final Duration WAIT = Duration.ofSeconds(60);

  /** How long an SSE request for a workflow found nowhere waits before the gateway answers 404. */
  static final Duration SSE_START_TIMEOUT = Duration.ofSeconds(2);

  final TopologyApp topology;
  final AgentEventPublisher publisher;
  final Gateway gateway;

  /** The credential sent as {@code Authorization: Bearer} by {@link #get}, or null for none. */
  volatile String credential;

  GatewayTestbed(LocalCluster cluster, Path stateDir, GatewayConfig.Builder gatewayConfig) {
    topology =
        TopologyApp.start(
            TopologyConfig.newBuilder()
                .isolated()
                .bootstrapServers(cluster.bootstrapServers())
                .schemaRegistryUrl(cluster.schemaRegistryUrl())
                .applicationId("gateway-it-" + UUID.randomUUID())
                .stateDir(stateDir)
                .httpPort(0)
                .commitInterval(Duration.ofMillis(100))
                .snapshotInterval(Duration.ofMillis(200))
                .build());
    assertThat(topology.awaitRunning(Duration.ofSeconds(90))).isTrue();
    publisher =
        AgentEventPublisher.create(
            PublisherConfig.newBuilder()
                .bootstrapServers(cluster.bootstrapServers())
                .schemaRegistryUrl(cluster.schemaRegistryUrl())
                .linger(Duration.ofMillis(1))
                .set(PublisherConfig.PRICES_CONFIG, DemoAgent.DEMO_PRICES)
                .build());
    gateway =
        Gateway.start(
            gatewayConfig
                .bootstrapServers(cluster.bootstrapServers())
                .schemaRegistryUrl(cluster.schemaRegistryUrl())
                .queryUrl(topology.httpAddress().toString())
                .httpHost("127.0.0.1")
                .httpPort(0)
                .build());
  }

  /**
   * A gateway configuration for tests that read SSE: keep-alive comments every 200 ms and {@link
   * #SSE_START_TIMEOUT}, so that streams and their failures show quickly.
   */
  static GatewayConfig.Builder fastSseConfig() {
    return GatewayConfig.newBuilder()
        .sseKeepAlive(Duration.ofMillis(200))
        .sseStartTimeout(SSE_START_TIMEOUT);
  }

  URI uri(String pathAndQuery) {
    return gateway.address().resolve(pathAndQuery);
  }

  HttpResponse<String> get(String pathAndQuery) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).GET();
    if (credential != null) {
      request.header("Authorization", "Bearer " + credential);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** POSTs a JSON body, with {@link #credential} as the bearer when set. */
  HttpResponse<String> post(String pathAndQuery, String json) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(pathAndQuery))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (credential != null) {
      request.header("Authorization", "Bearer " + credential);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The topology's own view of a run (no gateway, no tenant scope): 200 with the JSON, or 404. */
  HttpResponse<String> topologyRun(String workflowId) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(topology.httpAddress().resolve("/workflows/" + workflowId))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Waits until the topology (not the gateway) has materialized {@code workflowId} as finished. */
  JsonNode awaitFinishedInTopology(String workflowId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = topologyRun(workflowId);
      if (r.statusCode() == 200) {
        JsonNode run = JSON.readTree(r.body());
        if (!"RUNNING".equals(run.path("status").asText())) {
          return run;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the topology did not finish " + workflowId);
  }

  /** Waits until the gateway's view of {@code workflowId} satisfies {@code ready}. */
  JsonNode awaitRun(String workflowId, Predicate<JsonNode> ready) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = get("/v1/workflows/" + workflowId);
      if (r.statusCode() == 200) {
        last = JSON.readTree(r.body());
        if (ready.test(last)) {
          return last;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the run " + workflowId + " did not get ready: " + last);
  }

  JsonNode awaitFinished(String workflowId) throws Exception {
    return awaitRun(workflowId, v -> !"RUNNING".equals(v.path("status").asText()));
  }

  @Override
  public void close() {
    if (gateway != null) {
      gateway.close();
    }
    if (publisher != null) {
      publisher.close();
    }
    if (topology != null) {
      topology.close();
    }
  }
}
