package dev.runstream.gateway.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.client.RunstreamClient;
import dev.runstream.gateway.GatewayConfig;
import dev.runstream.gateway.GatewayException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: a Javalin (Jetty) server with the API routes, the SSE endpoint, metrics,
 * health, readiness and the static web UI, in front of one shared {@link RunstreamClient}, the
 * topology's query service and a small Kafka admin client for readiness.
 */
public final class GatewayServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String APPLICATION_JSON = "application/json";

  private final GatewayConfig config;
  private final RunstreamClient client;
  private final AdminClient admin;
  private final KafkaClientMetrics adminMetrics;
  private final GatewayMetrics metrics;
  private final TopologyQueries topology;
  private final RequestParams params;
  private final TenantScope scope;
  private final Authenticator authenticator;
  private final SseStreams sse;
  private final RunCancels cancels;
  private final Javalin app;
  private final AtomicBoolean closed = new AtomicBoolean();

  private GatewayServer(GatewayConfig config) {
    this.config = config;
    this.client = RunstreamClient.create(config.clientConfig());
    Map<String, Object> adminProps = new HashMap<>(config.clientConfig().securityProperties());
    adminProps.putAll(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
            AdminClientConfig.CLIENT_ID_CONFIG, config.clientConfig().clientId() + "-admin",
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
            AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000));
    this.admin = AdminClient.create(adminProps);
    this.metrics = new GatewayMetrics(client::metrics);
    metrics.bindClientStats(client::stats);
    this.adminMetrics = new KafkaClientMetrics(admin);
    adminMetrics.bindTo(metrics.registry());
    this.topology =
        new TopologyQueries(
            config.queryUrls(), config.queryTimeout(), config.clientConfig().queryToken());
    this.params =
        new RequestParams(
            config.maxIdLength(), config.maxQueryLength(), config.maxLastEventIdLength());
    this.scope = new TenantScope(config.tenant().orElse(null));
    this.authenticator = config.authRequired() ? new Authenticator(config) : null;
    this.sse = new SseStreams(client, topology, params, scope, metrics, config);
    this.cancels =
        new RunCancels(
            client,
            topology,
            params,
            scope,
            config.tenant().orElse(null),
            config
                .clientConfig()
                .brokerTimeout()
                .plus(config.clientConfig().startTimeout())
                .plus(Duration.ofSeconds(5)));
    this.app = Javalin.create(c -> configure(c, config, metrics));
    routes();
  }

  /** Builds and starts the server; on failure everything created is closed again. */
  public static GatewayServer start(GatewayConfig config) {
    GatewayServer server = new GatewayServer(config);
    try {
      server.app.start(config.httpHost(), config.httpPort());
    } catch (RuntimeException e) {
      server.close();
      throw new GatewayException(
          "Cannot start the gateway on " + config.httpHost() + ":" + config.httpPort() + ": " + e,
          e);
    }
    LOG.info("runstream gateway listening on {}", server.address());
    return server;
  }

  private static void configure(
      io.javalin.config.JavalinConfig c, GatewayConfig config, GatewayMetrics metrics) {
    c.showJavalinBanner = false;
    c.http.asyncTimeout = 0L; // SSE responses last as long as the run
    c.http.defaultContentType = APPLICATION_JSON;
    c.jetty.modifyServer(server -> server.setStopTimeout(5_000));
    List<String> origins = config.corsAllowedOrigins();
    if (!origins.isEmpty()) {
      c.bundledPlugins.enableCors(
          cors ->
              cors.addRule(
                  rule -> {
                    if (origins.contains("*")) {
                      rule.anyHost();
                    } else {
                      origins.forEach(rule::allowHost);
                    }
                    rule.exposeHeader("WWW-Authenticate");
                    rule.exposeHeader("Retry-After");
                  }));
    }
    if (config.uiEnabled()) {
      c.staticFiles.add(
          files -> {
            files.hostedPath = "/";
            files.directory = "/ui";
            files.location = Location.CLASSPATH;
            files.headers = Map.of("Cache-Control", "no-cache");
          });
    }
    c.requestLogger.http(
        (ctx, millis) ->
            metrics.request(
                ctx.method().name(),
                route(ctx),
                ctx.statusCode(),
                Duration.ofNanos((long) (millis * 1_000_000))));
  }

  private static String route(Context ctx) {
    String route;
    try {
      route = ctx.endpointHandlerPath();
    } catch (RuntimeException e) {
      route = "";
    }
    if (route == null || route.isEmpty() || route.equals("*")) {
      return ctx.statusCode() == 404 ? "NOT_FOUND" : "static";
    }
    return route;
  }

  private void routes() {
    app.before("/v1/*", this::guard);
    if (!config.corsAllowedOrigins().isEmpty()) {
      app.after(GatewayServer::withoutCorsHeadersForOtherOrigins);
    }
    app.get("/v1/workflows/{id}/events", sse::handle);
    app.post("/v1/workflows/{id}/cancel", cancels::handle);
    app.get(
        "/v1/workflows/{id}",
        ctx -> {
          String id = params.workflowId(ctx.pathParam("id"));
          json(ctx, scope.run(id, topology.run(id, params.atLeast(query(ctx)))));
        });
    app.get("/v1/workflows", ctx -> json(ctx, scope.list(topology.list(params.list(query(ctx))))));
    app.get(
        "/v1/usage",
        ctx -> json(ctx, scope.usage(topology.usage(params.usage(query(ctx), Instant.now())))));
    app.get(
        "/metrics",
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    app.get("/health", ctx -> ctx.contentType(APPLICATION_JSON).result("{\"status\":\"UP\"}"));
    app.get("/ready", this::ready);
    app.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
    app.exception(
        HttpResponseException.class,
        (e, ctx) ->
            error(
                ctx,
                e.getStatus(),
                e.getStatus() == 404
                    ? ApiException.NOT_FOUND
                    : e.getStatus() == 405 ? "method_not_allowed" : "http_error",
                e.getStatus() == 404 ? "no such resource: " + ctx.path() : e.getMessage()));
    app.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.warn("{} {} failed", ctx.method(), ctx.path(), e);
          error(ctx, 500, ApiException.INTERNAL, e.toString());
        });
  }

  /**
   * Before every {@code /v1/...} handler: the query string's bound (414), then in secure mode the
   * credential (401). CORS preflights ({@code OPTIONS}) carry no credential and pass.
   */
  private void guard(Context ctx) {
    if (ctx.method() == HandlerType.OPTIONS) {
      return;
    }
    params.queryString(ctx.queryString());
    if (authenticator != null) {
      authenticator.check(ctx);
    }
  }

  /**
   * Javalin's CORS plugin answers every preflight's requested headers and methods and adds {@code
   * Access-Control-Allow-Origin} only for an allowed origin; for other origins the rest is removed
   * too, so they get no CORS headers at all.
   */
  private static void withoutCorsHeadersForOtherOrigins(Context ctx) {
    if (ctx.res().getHeader("Access-Control-Allow-Origin") == null) {
      for (String header :
          List.of(
              "Access-Control-Allow-Headers",
              "Access-Control-Allow-Methods",
              "Access-Control-Max-Age",
              "Access-Control-Expose-Headers",
              "Access-Control-Allow-Credentials")) {
        ctx.res().setHeader(header, null);
      }
    }
  }

  private static Map<String, java.util.List<String>> query(Context ctx) {
    return ctx.queryParamMap();
  }

  private void ready(Context ctx) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode checks = body.putObject("checks");
    boolean kafkaUp = false;
    try {
      int nodes =
          admin
              .describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
              .nodes()
              .get(3, TimeUnit.SECONDS)
              .size();
      kafkaUp = nodes > 0;
      checks.putObject("kafka").put("status", kafkaUp ? "UP" : "DOWN").put("nodes", nodes);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      checks.putObject("kafka").put("status", "DOWN").put("message", e.toString());
    }
    boolean topologyUp = topology.health() != null;
    checks.putObject("topology").put("status", topologyUp ? "UP" : "DOWN");
    boolean ready = kafkaUp && topologyUp;
    body.put("status", ready ? "UP" : "DOWN");
    body.put("open_streams", sse.openConnections());
    body.put("sdk_open_streams", client.stats().openStreams());
    ctx.status(ready ? 200 : 503).contentType(APPLICATION_JSON).result(body.toString());
  }

  private static void json(Context ctx, byte[] body) {
    ctx.contentType(APPLICATION_JSON).result(body);
  }

  private static void error(Context ctx, int status, String code, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", code);
    body.put("message", message);
    if (status == 503) {
      ctx.header("Retry-After", "1");
    }
    if (status == 401) {
      ctx.header(
          "WWW-Authenticate",
          ApiException.INVALID_TOKEN.equals(code)
              ? "Bearer realm=\"runstream\", error=\"invalid_token\""
              : "Bearer realm=\"runstream\"");
    }
    ctx.status(status).contentType(APPLICATION_JSON).result(body.toString());
  }

  /** The base URL. */
  public URI address() {
    String host = config.httpHost();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "localhost";
    } else if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + port() + "/");
  }

  /** The bound port. */
  public int port() {
    return app.port();
  }

  /** The SDK client shared by every connection (for tests and monitoring). */
  public RunstreamClient client() {
    return client;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    sse.close();
    try {
      app.stop();
    } catch (RuntimeException e) {
      LOG.warn("stopping the HTTP server", e);
    }
    client.close();
    adminMetrics.close();
    admin.close(Duration.ofSeconds(2));
    metrics.close();
  }
}
