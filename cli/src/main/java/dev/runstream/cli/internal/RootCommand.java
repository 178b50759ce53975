package dev.runstream.cli.internal;

import dev.runstream.cli.CliConfig;
import dev.runstream.schemas.ClientSecurityConfigs;
import dev.runstream.schemas.QueryServiceToken;
import dev.runstream.schemas.TenantConfigs;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code runstream}: the top-level command with the options every command understands, and its
 * subcommands. Holds the output streams and builds the {@link CliConfig} from the environment and
 * the options.
 */
@Command(
    name = "runstream",
    mixinStandardHelpOptions = true,
    versionProvider = RootCommand.Version.class,
    description = "Kafka-backed event streaming for AI agent runs.",
    subcommands = {
      DemoCommand.class,
      UpCommand.class,
      TailCommand.class,
      ReplayCommand.class,
      CancelCommand.class,
      BudgetCommand.class,
      RunsCommand.class,
      UsageCommand.class,
      AclCommand.class,
      PricesCommand.class,
      WorkerCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  ok",
      "  1  runtime failure",
      "  2  usage error (unknown command or option, invalid value or configuration)",
      "  3  unknown workflow (no event of it within the start timeout)",
      "  4  the broker, schema registry or topology query service is unreachable",
      "",
      "Configuration: options win over RUNSTREAM_* environment variables (such as",
      "RUNSTREAM_BOOTSTRAP_SERVERS) and -Drunstream.* system properties (see cli/README.md)."
    })
public final class RootCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--bootstrap-servers",
      scope = ScopeType.INHERIT,
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (default 127.0.0.1:9092).")
  String bootstrapServers;

  @Option(
      names = "--registry-url",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description = "Schema registry base URL (default http://127.0.0.1:8081/apis/ccompat/v7).")
  String registryUrl;

  @Option(
      names = "--query-url",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description = "Topology query service base URL (default http://127.0.0.1:8090).")
  String queryUrl;

  @Option(
      names = "--gateway-port",
      scope = ScopeType.INHERIT,
      paramLabel = "PORT",
      description = "Port of the demo's gateway and web UI (default 8080; 0 picks a free one).")
  Integer gatewayPort;

  @Option(
      names = "--connect-timeout",
      scope = ScopeType.INHERIT,
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long to wait for an unreachable service, e.g. 5s (default 5s).")
  Duration connectTimeout;

  @Option(
      names = "--start-timeout",
      scope = ScopeType.INHERIT,
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long tail and replay wait for an unknown workflow's first event (default 10s).")
  Duration startTimeout;

  @Option(
      names = "--command-config",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description =
          "A properties file of Kafka security settings and tenant.id (security.protocol,"
              + " sasl.mechanism, sasl.username, sasl.password, ssl.truststore.location, ...),"
              + " as Kafka's own tools take; over the RUNSTREAM_* environment variables.")
  Path commandConfig;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Print stack traces of failures and more logging.")
  boolean verbose;

  PrintStream out = System.out;
  PrintStream err = System.err;
  private CliConfig config;

  /**
   * Sets the streams commands print to.
   *
   * @param out standard output: data
   * @param err standard error: messages, progress
   */
  public void streams(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /**
   * Whether {@code --verbose} was given.
   *
   * @return {@code true} for verbose
   */
  public boolean verbose() {
    return verbose;
  }

  /**
   * The configuration: environment and system properties, overridden by the options.
   *
   * @return the configuration, built once
   * @throws org.apache.kafka.common.config.ConfigException for an invalid value
   */
  public CliConfig config() {
    if (config == null) {
      Map<String, Object> explicit = new LinkedHashMap<>();
      if (commandConfig != null) {
        explicit.putAll(commandConfig(commandConfig));
      }
      if (bootstrapServers != null) {
        explicit.put(CliConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      }
      if (registryUrl != null) {
        explicit.put(CliConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
      }
      if (queryUrl != null) {
        explicit.put(CliConfig.QUERY_URL_CONFIG, queryUrl);
      }
      if (gatewayPort != null) {
        explicit.put(CliConfig.GATEWAY_PORT_CONFIG, gatewayPort);
      }
      if (connectTimeout != null) {
        explicit.put(CliConfig.CONNECT_TIMEOUT_MS_CONFIG, (int) connectTimeout.toMillis());
      }
      if (startTimeout != null) {
        explicit.put(CliConfig.START_TIMEOUT_MS_CONFIG, startTimeout.toMillis());
      }
      config = new CliConfig(explicit);
    }
    return config;
  }

  private static Map<String, Object> commandConfig(Path file) {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.USAGE, "cannot read --command-config " + file + ": " + e.getMessage(), e);
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (String key : properties.stringPropertyNames()) {
      if (!key.equals(TenantConfigs.TENANT_ID_CONFIG)
          && !key.equals(CliConfig.BOOTSTRAP_SERVERS_CONFIG)
          && !key.equals(QueryServiceToken.QUERY_TOKEN_CONFIG)
          && !ClientSecurityConfigs.names().contains(key)) {
        throw new CliException(
            ExitCodes.USAGE,
            "--command-config "
                + file
                + ": '"
                + key
                + "' is not a Kafka security setting, tenant.id, query.token or bootstrap.servers");
      }
      values.put(key, properties.getProperty(key));
    }
    return values;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(out);
    return ExitCodes.OK;
  }

  /** The version line of {@code --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = RootCommand.class.getPackage().getImplementationVersion();
      return new String[] {"runstream " + (version == null ? "0.1.0-SNAPSHOT" : version)};
    }
  }
}
