package dev.runstream.cli.internal;

import java.net.URI;

/**
 * The demo's gateway (HTTP/SSE API and web UI) as the demo sees it: started against the demo's
 * cluster and topology, asked for its address, closed at the end.
 */
final class WebGateway implements AutoCloseable {
  private final AutoCloseable gateway;
  private final URI address;

  private WebGateway(AutoCloseable gateway, URI address) {
    this.gateway = gateway;
    this.address = address;
  }

  /**
   * Starts the gateway.
   *
   * @param bootstrapServers the broker
   * @param registryUrl the registry
   * @param queryUrl the topology's query service
   * @param port the HTTP port, 0 for a free one
   * @return the running gateway, or {@code null} while the gateway module is not in the build
   */
  static WebGateway start(String bootstrapServers, String registryUrl, String queryUrl, int port) {
    return null; // TODO the gateway module is being written
  }

  /** The address browsers use, {@code http://localhost:<port>}. */
  URI address() {
    return address;
  }

  @Override
  public void close() throws Exception {
    gateway.close();
  }
}
