package dev.runstream.cli.internal;

import dev.runstream.cluster.ClusterSecurity;
import dev.runstream.cluster.LocalCluster;
import dev.runstream.cluster.LocalClusterConfig;
import dev.runstream.gateway.GatewayConfig;
import dev.runstream.schemas.QueryServiceToken;
import dev.runstream.schemas.TenantConfigs;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;

/**
 * The Kafka settings of each part of the demo. Plain: everyone bootstraps from the PLAINTEXT
 * listener. Secure ({@code demo --secure}): tenant {@value #TENANT}, whose worker, topology and
 * reader principals log in with SCRAM over TLS and hold only the ACLs of {@link TenantAcls}.
 *
 * @param worker the publisher's settings
 * @param topology the topology's settings
 * @param reader the SDK's and the gateway's settings
 * @param gateway the gateway's settings: the reader's, plus an API key in secure mode
 * @param readerProperties the reader's client properties file (secure mode), for {@code
 *     --command-config}; {@code null} in plain mode
 * @param apiKey the gateway's API key for the tenant (secure mode), or {@code null}
 */
record DemoAccess(
    Map<String, Object> worker,
    Map<String, Object> topology,
    Map<String, Object> reader,
    Map<String, Object> gateway,
    Path readerProperties,
    String apiKey,
    Map<String, Object> admin) {

  /** The demo's tenant in secure mode. */
  static final String TENANT = "acme";

  static final TenantAcls.Principals PRINCIPALS = TenantAcls.Principals.defaults(TENANT);

  private static final SecureRandom RANDOM = new SecureRandom();

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
    return new DemoAccess(bootstrap, bootstrap, bootstrap, bootstrap, null, null, bootstrap);
  }

  /** Grants the tenant's ACLs as the cluster's super user and returns each principal's settings. */
  static DemoAccess secure(LocalCluster cluster) {
    ClusterSecurity security = cluster.security();
    try (Admin admin = Admin.create(new HashMap<>(security.adminClientConfig()))) {
      List<AclBinding> acls =
          TenantAcls.of(
              TENANT, TenantConfigs.topicPrefix(TENANT) + "runstream-topology", PRINCIPALS);
      admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
      TenantAcls.awaitInForce(admin, acls, Duration.ofSeconds(30));
    } catch (ExecutionException | TimeoutException e) {
      throw new CliException(ExitCodes.FAILURE, "granting the demo's ACLs failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.INTERRUPTED, "interrupted", e);
    }
    String queryToken = secret("qt_");
    Map<String, Object> reader = settings(security, PRINCIPALS.reader(), queryToken);
    String apiKey = secret("rs_");
    Map<String, Object> gateway = new LinkedHashMap<>(reader);
    gateway.put(GatewayConfig.AUTH_REQUIRED_CONFIG, true);
    gateway.put(GatewayConfig.API_KEYS_CONFIG, TENANT + ":" + sha256Hex(apiKey));
    return new DemoAccess(
        settings(security, PRINCIPALS.worker(), null),
        settings(security, PRINCIPALS.topology(), queryToken),
        reader,
        Map.copyOf(gateway),
        readerProperties(security, queryToken),
        apiKey,
        admin(security));
  }

  /** The super user's settings, for the tenant's price ledger (no tenant principal writes it). */
  private static Map<String, Object> admin(ClusterSecurity security) {
    Map<String, Object> settings = new LinkedHashMap<>();
    security.adminClientConfig().forEach((k, v) -> settings.put(String.valueOf(k), v));
    settings.put(TenantConfigs.TENANT_ID_CONFIG, TENANT);
    return Map.copyOf(settings);
  }

  private static String secret(String prefix) {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  // The reader's Kafka settings plus what the CLI needs besides: the tenant and the query token.
  private static Path readerProperties(ClusterSecurity security, String queryToken) {
    Path file = security.writeClientProperties(PRINCIPALS.reader());
    Properties properties = new Properties();
    try {
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        properties.load(in);
      }
      properties.setProperty(TenantConfigs.TENANT_ID_CONFIG, TENANT);
      properties.setProperty(QueryServiceToken.QUERY_TOKEN_CONFIG, queryToken);
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        properties.store(out, "runstream settings of " + PRINCIPALS.reader() + " (demo --secure)");
      }
      return file;
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILURE, "cannot write " + file + ": " + e, e);
    }
  }

  private static String sha256Hex(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static Map<String, Object> settings(
      ClusterSecurity security, String user, String queryToken) {
    Map<String, Object> settings = new LinkedHashMap<>(security.saslClientConfig(user));
    settings.put(TenantConfigs.TENANT_ID_CONFIG, TENANT);
    if (queryToken != null) {
      settings.put(QueryServiceToken.QUERY_TOKEN_CONFIG, queryToken);
    }
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
