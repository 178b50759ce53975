package dev.runstream.cli.internal;

import dev.runstream.gateway.Gateway;
import dev.runstream.gateway.GatewayConfig;
import java.net.URI;
import java.util.Map;

/**
 * The demo's gateway (HTTP/SSE API and web UI), started against the demo's cluster and topology.
 */
final class WebGateway implements AutoCloseable {
  private final Gateway gateway;

  private WebGateway(Gateway gateway) {
    this.gateway = gateway;
  }

  /**
   * Starts the gateway.
   *
   * @param kafka bootstrap servers, Kafka security settings, tenant and gateway settings
   * @param registryUrl the registry
   * @param queryUrl the topology's query service
   * @param port the HTTP port, 0 for a free one
   * @return the running gateway
   * @throws dev.runstream.gateway.GatewayException if the port cannot be bound
   */
  static WebGateway start(Map<String, ?> kafka, String registryUrl, String queryUrl, int port) {
    GatewayConfig.Builder builder = GatewayConfig.newBuilder();
    kafka.forEach(builder::set);
    return new WebGateway(
        Gateway.start(
            builder.schemaRegistryUrl(registryUrl).queryUrl(queryUrl).httpPort(port).build()));
  }

  /** The address browsers use, {@code http://localhost:<port>}. */
  URI address() {
    return URI.create("http://localhost:" + gateway.port());
  }

  @Override
  public void close() {
    gateway.close();
  }
}
