package dev.runstream.cli.internal;

import dev.runstream.cli.CliConfig;
import dev.runstream.client.ClientConfig;
import dev.runstream.producer.DemoAgent;
import dev.runstream.producer.PriceLedger;
import dev.runstream.producer.PriceTable;
import dev.runstream.producer.PublishException;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.schemas.AvroSerdeConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Builds the SDK client's and the publisher's configurations from a {@link CliConfig}, with
 * timeouts short enough that an unreachable broker or registry fails a command in seconds.
 */
public final class Connections {
  private Connections() {}

  /**
   * The consumer SDK's configuration.
   *
   * @param config the CLI configuration
   * @return broker, registry and query service of {@code config}; broker and registry timeouts of
   *     {@link CliConfig#connectTimeout()}; start timeout of {@link CliConfig#startTimeout()}
   */
  public static ClientConfig clientConfig(CliConfig config) {
    int timeout = (int) config.connectTimeout().toMillis();
    ClientConfig.Builder builder = ClientConfig.newBuilder();
    config.kafkaSettings().forEach(builder::set);
    return builder
        .bootstrapServers(config.bootstrapServers())
        .schemaRegistryUrl(config.schemaRegistryUrl())
        .queryUrl(config.queryUrl())
        .brokerTimeout(config.connectTimeout())
        .set(ClientConfig.QUERY_TIMEOUT_MS_CONFIG, Math.min(timeout, 2_000))
        .set(ClientConfig.START_TIMEOUT_MS_CONFIG, config.startTimeout().toMillis())
        .set(ClientConfig.CLIENT_ID_CONFIG, "runstream-cli")
        .set(AvroSerdeConfig.REGISTRY_REQUEST_TIMEOUT_MS_CONFIG, timeout)
        .build();
  }

  /**
   * The publisher's configuration for simulated agents: no prices (they publish token counts; the
   * topology prices them from the ledger, see {@link #publishDemoPrices}), synchronous waits and
   * registry requests bounded by {@link CliConfig#connectTimeout()}.
   *
   * @param config the CLI configuration
   * @param bootstrapServers the broker to publish to
   * @param registryUrl the registry
   * @return the publisher configuration
   */
  public static PublisherConfig publisherConfig(
      CliConfig config, String bootstrapServers, String registryUrl) {
    return publisherConfig(config, Map.of("bootstrap.servers", bootstrapServers), registryUrl);
  }

  /**
   * As {@link #publisherConfig(CliConfig, String, String)}, with the broker's address and Kafka
   * settings (security, tenant) given, over those of {@code config}.
   *
   * @param config the CLI configuration
   * @param kafka {@code bootstrap.servers} and any Kafka security settings or {@code tenant.id}
   * @param registryUrl the registry
   * @return the publisher configuration
   */
  public static PublisherConfig publisherConfig(
      CliConfig config, Map<String, ?> kafka, String registryUrl) {
    int timeout = (int) config.connectTimeout().toMillis();
    PublisherConfig.Builder builder = PublisherConfig.newBuilder();
    config.kafkaSettings().forEach(builder::set);
    kafka.forEach(builder::set);
    return builder
        .schemaRegistryUrl(registryUrl)
        .linger(Duration.ofMillis(2))
        .maxBlock(config.connectTimeout())
        .set(AvroSerdeConfig.REGISTRY_REQUEST_TIMEOUT_MS_CONFIG, timeout)
        .set(AvroSerdeConfig.REGISTRY_MAX_RETRIES_CONFIG, 1)
        .clientId("runstream-cli-agents")
        .build();
  }

  /**
   * Publishes {@link DemoAgent#DEMO_PRICES} to the price ledger, effective from the epoch: the
   * demo's list prices, which later versions (from {@code runstream prices set}) override. Doing it
   * again writes the same keys and values, so it is idempotent.
   *
   * @param config the publisher configuration of a principal that may write the ledger
   * @param err where to report
   * @return whether the prices were published; a failure is reported, not thrown
   */
  public static boolean publishDemoPrices(PublisherConfig config, java.io.PrintStream err) {
    try (PriceLedger ledger = PriceLedger.create(config)) {
      ledger.publishAll(PriceTable.parse(DemoAgent.DEMO_PRICES), Instant.EPOCH, "demo list price");
      return true;
    } catch (PublishException e) {
      err.println(
          "  could not publish the demo prices to "
              + config.pricesTopic()
              + " (runs stay unpriced until a price is set): "
              + e.getMessage());
      return false;
    }
  }

  /**
   * Fails fast when the registry does not answer HTTP at all: consumers would otherwise wait for it
   * (events are never skipped for a missing schema).
   *
   * @param config the CLI configuration
   * @throws CliException with exit code {@value ExitCodes#UNREACHABLE} if it cannot be reached
   */
  public static void requireRegistry(CliConfig config) {
    String url = config.schemaRegistryUrl();
    HttpClient http = HttpClient.newBuilder().connectTimeout(config.connectTimeout()).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url + (url.endsWith("/") ? "" : "/") + "subjects"))
            .timeout(config.connectTimeout())
            .GET()
            .build();
    try {
      http.send(request, HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.UNREACHABLE,
          "the schema registry at " + url + " is unreachable (" + e + ")",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.INTERRUPTED, "interrupted", e);
    }
  }
}
