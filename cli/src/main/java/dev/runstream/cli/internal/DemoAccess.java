package dev.runstream.cli.internal;

import dev.runstream.cluster.ClusterSecurity;
import dev.runstream.cluster.LocalCluster;
import dev.runstream.cluster.LocalClusterConfig;
import dev.runstream.schemas.TenantConfigs;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;

/**
 * The Kafka settings of each part of the demo. Plain: everyone bootstraps from the PLAINTEXT
 * listener. Secure ({@code demo --secure}): tenant {@value #TENANT}, whose worker, topology and
 * reader principals log in with SCRAM over TLS and hold only the ACLs of {@link TenantAcls}.
 *
 * @param worker the publisher's settings
 * @param topology the topology's settings
 * @param reader the SDK's and the gateway's settings
 * @param readerProperties the reader's client properties file (secure mode), for {@code
 *     --command-config}; {@code null} in plain mode
 */
record DemoAccess(
    Map<String, Object> worker,
    Map<String, Object> topology,
    Map<String, Object> reader,
    Path readerProperties) {

  /** The demo's tenant in secure mode. */
  static final String TENANT = "acme";

  static final TenantAcls.Principals PRINCIPALS = TenantAcls.Principals.defaults(TENANT);

  /** What the local cluster needs for the secure demo. */
  static Map<String, Object> secureClusterOverrides() {
    return Map.of(
        LocalClusterConfig.SECURITY_ENABLED_CONFIG,
        true,
        LocalClusterConfig.TENANTS_CONFIG,
        TENANT,
        LocalClusterConfig.SECURITY_USERS_CONFIG,
        String.join(",", PRINCIPALS.worker(), PRINCIPALS.topology(), PRINCIPALS.reader()));
  }

  static DemoAccess plain(LocalCluster cluster) {
    Map<String, Object> bootstrap = Map.of("bootstrap.servers", cluster.bootstrapServers());
    return new DemoAccess(bootstrap, bootstrap, bootstrap, null);
  }

  /** Grants the tenant's ACLs as the cluster's super user and returns each principal's settings. */
  static DemoAccess secure(LocalCluster cluster) {
    ClusterSecurity security = cluster.security();
    try (Admin admin = Admin.create(new HashMap<>(security.adminClientConfig()))) {
      admin
          .createAcls(
              TenantAcls.of(
                  TENANT, TenantConfigs.topicPrefix(TENANT) + "runstream-topology", PRINCIPALS))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new CliException(ExitCodes.FAILURE, "granting the demo's ACLs failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.INTERRUPTED, "interrupted", e);
    }
    return new DemoAccess(
        settings(security, PRINCIPALS.worker()),
        settings(security, PRINCIPALS.topology()),
        settings(security, PRINCIPALS.reader()),
        security.writeClientProperties(PRINCIPALS.reader()));
  }

  private static Map<String, Object> settings(ClusterSecurity security, String user) {
    Map<String, Object> settings = new LinkedHashMap<>(security.saslClientConfig(user));
    settings.put(TenantConfigs.TENANT_ID_CONFIG, TENANT);
    return Map.copyOf(settings);
  }

  boolean isSecure() {
    return readerProperties != null;
  }

  /** The principals in the order the demo reports them. */
  static List<String> principals() {
    return List.of(PRINCIPALS.worker(), PRINCIPALS.topology(), PRINCIPALS.reader());
  }
}
