package dev.runstream.gateway.internal;

import dev.runstream.gateway.GatewayConfig;
import dev.runstream.gateway.GatewayException;
import io.javalin.Javalin;
import java.net.URI;

/** The running gateway: the Javalin (Jetty) server and what it serves. */
public final class GatewayServer implements AutoCloseable {
  private final GatewayConfig config;
  private final Javalin app;

  private GatewayServer(GatewayConfig config, Javalin app) {
    this.config = config;
    this.app = app;
  }

  /** Builds and starts the server. */
  public static GatewayServer start(GatewayConfig config) {
    Javalin app = Javalin.create(c -> c.showJavalinBanner = false);
    app.get("/health", ctx -> ctx.json(java.util.Map.of("status", "UP")));
    try {
      app.start(config.httpHost(), config.httpPort());
    } catch (RuntimeException e) {
      throw new GatewayException(
          "Cannot start the gateway on " + config.httpHost() + ":" + config.httpPort() + ": " + e,
          e);
    }
    return new GatewayServer(config, app);
  }

  /** The base URL. */
  public URI address() {
    String host = config.httpHost();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "localhost";
    }
    return URI.create("http://" + host + ":" + port() + "/");
  }

  /** The bound port. */
  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
