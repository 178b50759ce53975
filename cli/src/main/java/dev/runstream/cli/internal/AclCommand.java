package dev.runstream.cli.internal;

import dev.runstream.cli.CliConfig;
import dev.runstream.cluster.TopicSpec;
import dev.runstream.schemas.TenantConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runstream acl}: grants a tenant's worker, topology and reader principals exactly the ACLs
 * they need (see {@link TenantAcls}), and optionally creates the tenant's topics. Idempotent:
 * existing ACLs and topics are left as they are. Runs as whoever the Kafka security settings name,
 * which must be allowed to create ACLs (a super user or ALTER on the cluster).
 */
@Command(
    name = "acl",
    description = {
      "Grant a tenant's principals the least-privilege ACLs runstream needs, and optionally create"
          + " the tenant's topics.",
      "worker: WRITE on <tenant>.agent-events, READ on <tenant>.agent-control. topology: its"
          + " application.id-prefixed topics, groups and transactional ids, READ on the events,"
          + " WRITE on the outputs and the control topic. reader: READ on the events, runs and"
          + " usage topics and on <tenant>.-prefixed groups, WRITE on the control topic.",
      "Connects with the Kafka security settings (RUNSTREAM_SECURITY_PROTOCOL, RUNSTREAM_SASL_*,"
          + " RUNSTREAM_SSL_*) of a principal that may create ACLs."
    },
    mixinStandardHelpOptions = true)
final class AclCommand implements Callable<Integer> {
  @ParentCommand RootCommand root;

  @Option(
      names = "--tenant",
      paramLabel = "TENANT",
      description = "The tenant (default: tenant.id, else the unprefixed single-tenant topics).")
  String tenant;

  @Option(names = "--worker", paramLabel = "NAME", description = "Default: <tenant>-worker.")
  String worker;

  @Option(names = "--topology", paramLabel = "NAME", description = "Default: <tenant>-topology.")
  String topology;

  @Option(names = "--reader", paramLabel = "NAME", description = "Default: <tenant>-reader.")
  String reader;

  @Option(
      names = "--application-id",
      paramLabel = "ID",
      description = "The topology's application.id (default: <tenant>.runstream-topology).")
  String applicationId;

  @Option(names = "--create-topics", description = "Also create the tenant's topics if missing.")
  boolean createTopics;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      description = "Partitions of the created events and runs topics (default ${DEFAULT-VALUE}).")
  int partitions = TopicSpec.DEFAULT_PARTITIONS;

  @Option(names = "--dry-run", description = "Print the ACLs without applying them.")
  boolean dryRun;

  @Override
  public Integer call() {
    CliConfig config = root.config();
    String id = tenant != null ? tenant : config.tenantId();
    if (!id.isEmpty() && !TenantConfigs.TENANT_ID.matcher(id).matches()) {
      throw new CliException(
          ExitCodes.USAGE,
          "invalid tenant '" + id + "': use 1 to 48 lower-case letters, digits, '_' or '-'");
    }
    if (partitions < 1) {
      throw new CliException(ExitCodes.USAGE, "--partitions must be at least 1");
    }
    TenantAcls.Principals defaults = TenantAcls.Principals.defaults(id);
    TenantAcls.Principals principals =
        new TenantAcls.Principals(
            worker != null ? worker : defaults.worker(),
            topology != null ? topology : defaults.topology(),
            reader != null ? reader : defaults.reader());
    String appId =
        applicationId != null
            ? applicationId
            : TenantConfigs.topicPrefix(id) + "runstream-topology";
    List<AclBinding> acls = TenantAcls.of(id, appId, principals);
    TextTable table = new TextTable("PRINCIPAL", "RESOURCE", "PATTERN", "NAME", "OPERATION");
    for (AclBinding acl : acls) {
      table.row(
          acl.entry().principal(),
          acl.pattern().resourceType().name(),
          acl.pattern().patternType().name(),
          acl.pattern().name(),
          acl.entry().operation().name());
    }
    if (dryRun) {
      table.print(root.out);
      return ExitCodes.OK;
    }
    Map<String, Object> admin = new HashMap<>(config.securityProperties());
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    int timeout = (int) config.connectTimeout().toMillis();
    admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
    admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
    admin.put(AdminClientConfig.CLIENT_ID_CONFIG, "runstream-acl");
    try (Admin client = Admin.create(admin)) {
      if (createTopics) {
        createTopics(client, id);
      }
      client.createAcls(acls).all().get(timeout * 2L, TimeUnit.MILLISECONDS);
      // Report them applied only once the broker enforces them, so a client started next works.
      TenantAcls.awaitInForce(client, acls, Duration.ofMillis(timeout * 2L));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
        throw new CliException(
            ExitCodes.FAILURE,
            "the broker refused: "
                + cause.getMessage()
                + " (run as a principal that may create ACLs and topics, such as a super user)",
            cause);
      }
      throw new CliException(ExitCodes.FAILURE, "applying the ACLs failed: " + cause, cause);
    } catch (TimeoutException e) {
      throw new CliException(
          ExitCodes.UNREACHABLE,
          "the broker at "
              + config.bootstrapServers()
              + " did not answer within "
              + timeout
              + " ms",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.INTERRUPTED, "interrupted", e);
    }
    table.print(root.out);
    root.err.println(acls.size() + " ACLs applied for tenant '" + (id.isEmpty() ? "-" : id) + "'");
    return ExitCodes.OK;
  }

  private void createTopics(Admin client, String id)
      throws ExecutionException, InterruptedException, TimeoutException {
    List<NewTopic> topics = new ArrayList<>();
    for (TopicSpec spec : TopicSpec.runstreamTopics(TenantConfigs.topicPrefix(id), partitions)) {
      topics.add(new NewTopic(spec.name(), spec.partitions(), (short) -1).configs(spec.configs()));
    }
    var result = client.createTopics(topics);
    for (NewTopic topic : topics) {
      try {
        result.values().get(topic.name()).get(30, TimeUnit.SECONDS);
        root.err.println("created topic " + topic.name());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
  }
}
