package dev.runstream.gateway;

import dev.runstream.gateway.internal.GatewayServer;
import java.net.URI;
import java.util.Objects;
import org.apache.kafka.common.config.ConfigException;

/**
 * The runstream HTTP gateway: agent runs as Server-Sent Events, the materialized runs and usage as
 * JSON, Prometheus metrics, health and readiness, and the web UI — one embedded Jetty server
 * (Javalin) in front of one shared {@link dev.runstream.client.RunstreamClient} and the topology's
 * interactive-query service.
 *
 * <pre>{@code
 * try (Gateway gateway = Gateway.start(GatewayConfig.fromEnvironment())) {
 *   System.out.println("UI at " + gateway.address());
 *   Thread.currentThread().join();
 * }
 * }</pre>
 *
 * <h2>Endpoints</h2>
 *
 * <table>
 *   <caption>HTTP API</caption>
 *   <tr><th>request</th><th>answer</th></tr>
 *   <tr><td>{@code GET /v1/workflows/{id}/events?from=beginning|now&children=true|false}</td>
 *       <td>{@code text/event-stream}: one SSE event per agent event — {@code id:} its sequence,
 *       {@code event:} its type ({@code agent_start}, {@code step_start}, {@code text_delta},
 *       {@code tool_call}, {@code step_finish}, {@code agent_finish}, {@code error}), {@code data:}
 *       its JSON. A {@code Last-Event-ID} header (or {@code ?last_event_id=}) resumes after that
 *       sequence. The response ends after the terminal event; comments keep it alive
 *       meanwhile.</td></tr>
 *   <tr><td>{@code GET /v1/workflows/{id}}</td><td>the materialized run (status, text, steps,
 *       tool results, usage and cost, children)</td></tr>
 *   <tr><td>{@code GET /v1/workflows?status=RUNNING|FINISHED|FAILED&limit=N}</td><td>runs, without
 *       their text and steps</td></tr>
 *   <tr><td>{@code GET /v1/usage?dimension=AGENT|MODEL|TENANT&key=K&from=ISO&to=ISO}</td><td>hourly
 *       usage and cost aggregates</td></tr>
 *   <tr><td>{@code GET /metrics}</td><td>Prometheus text: HTTP, SSE and Kafka consumer
 *       metrics</td></tr>
 *   <tr><td>{@code GET /health}, {@code GET /ready}</td><td>liveness; readiness (broker reachable
 *       through the SDK and topology reachable), 200 or 503</td></tr>
 *   <tr><td>{@code GET /}</td><td>the web UI</td></tr>
 * </table>
 *
 * <h2>Failures</h2>
 *
 * Every error is JSON, {@code {"error": "<code>", "message": "<text>"}}: 400 for an invalid or
 * oversize workflow id, cursor or parameter; 414 for an oversize query string; 401 (with {@code
 * WWW-Authenticate: Bearer}) in secure mode without a valid credential of the gateway's tenant; 404
 * for an unknown workflow or another tenant's (the same body); 503 (with {@code Retry-After}) when
 * the topology's query service is unreachable or the SSE connection limit is reached. A failure
 * after an SSE response has started is sent as an SSE event named {@code stream_error} and ends the
 * response; the client resumes with {@code Last-Event-ID}. A client that disconnects releases its
 * stream (noticed at the latest with the next keep-alive comment).
 *
 * <h2>Secure mode</h2>
 *
 * With {@link GatewayConfig#AUTH_REQUIRED_CONFIG} every {@code /v1/...} request needs {@code
 * Authorization: Bearer <API key or JWT>} of {@link GatewayConfig#TENANT_CONFIG}'s tenant (GET
 * requests may send it as {@code ?access_token=}, which is what the web UI's EventSource does);
 * {@code /health}, {@code /ready}, {@code /metrics} and the UI's static files stay open. Runs of
 * other tenants are answered as unknown and left out of lists. See {@link GatewayConfig} for the
 * keys, CORS and input bounds.
 *
 * <p>Thread-safe. {@link #close()} stops accepting connections, ends open SSE responses, then
 * closes the SDK client; it is idempotent.
 */
public final class Gateway implements AutoCloseable {
  private final GatewayServer server;

  private Gateway(GatewayServer server) {
    this.server = server;
  }

  /**
   * Starts a gateway: creates the shared SDK client, binds the HTTP server and serves. Kafka and
   * the topology need not be up yet: streams wait for the broker, queries answer 503 and {@code
   * /ready} reports it until they are.
   *
   * @param config the configuration
   * @return the running gateway; close it
   * @throws GatewayException if the HTTP port cannot be bound
   */
  public static Gateway start(GatewayConfig config) {
    Objects.requireNonNull(config, "config");
    return new Gateway(GatewayServer.start(config));
  }

  /**
   * The base URL clients use, {@code http://host:port/}; for a wildcard bind address, {@code
   * localhost}.
   *
   * @return the address
   */
  public URI address() {
    return server.address();
  }

  /**
   * The bound port: the configured one, or the one picked for port 0.
   *
   * @return the port
   */
  public int port() {
    return server.port();
  }

  /**
   * Stops gracefully: no new connections, open SSE responses end, in-flight requests get up to a
   * few seconds, then the SDK client and metrics are closed. Idempotent.
   */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "Gateway[" + address() + "]";
  }

  /**
   * Runs a gateway until the JVM is stopped, configured by {@link GatewayConfig#fromEnvironment()}
   * (environment variables such as {@code RUNSTREAM_BOOTSTRAP_SERVERS}, {@code RUNSTREAM_QUERY_URL}
   * and {@code RUNSTREAM_GATEWAY_HTTP_PORT}, or the matching {@code -Drunstream.*} system
   * properties). Prints {@code http=<address>} once it serves. Exits with status 2 on invalid
   * configuration, 1 if it cannot start; SIGTERM closes it gracefully.
   *
   * @param args ignored
   * @throws InterruptedException never in practice; the main thread waits for JVM shutdown
   */
  public static void main(String[] args) throws InterruptedException {
    GatewayConfig config;
    try {
      config = GatewayConfig.fromEnvironment();
    } catch (ConfigException e) {
      System.err.println("invalid gateway configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    Gateway gateway;
    try {
      gateway = start(config);
    } catch (GatewayException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "runstream-gateway-shutdown"));
    System.out.println("http=" + gateway.address());
    System.out.flush();
    Thread.currentThread().join();
  }
}
