package dev.runstream.cluster.internal;

import dev.runstream.cluster.LocalClusterException;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.scram.ScramLoginModule;

/**
 * The local cluster's secure mode: its secrets file, its CA, the broker's listener settings, SCRAM
 * users and the client settings of each principal.
 *
 * <p>Listeners: {@code SASL_SSL} (SCRAM-SHA-512 over TLS) is the bootstrap address; {@code SSL} on
 * a second port requires a client certificate (mutual TLS) and is also the inter-broker listener;
 * the controller listener is mutual TLS too, so no port of the broker accepts an unauthenticated
 * connection. A certificate's {@code CN} is its principal name. {@code User:admin} and {@code
 * User:broker} are super users; everyone else needs ACLs ({@code StandardAuthorizer}, deny when no
 * ACL matches).
 */
public final class SecureMode {

  /** The super user for administration (topics, ACLs, SCRAM users). */
  public static final String ADMIN = "admin";

  /** The broker's own principal (its certificate's common name). */
  public static final String BROKER = "broker";

  /** The SASL mechanism of the SASL_SSL listener. */
  public static final String MECHANISM = ScramMechanism.SCRAM_SHA_512.mechanismName();

  private static final Pattern USER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final int SCRAM_ITERATIONS = 8192;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String STORE_PASSWORD_KEY = "store.password";
  private static final String USER_PREFIX = "user.";

  private final Path directory;
  private final Path secretsFile;
  private final Properties secrets;
  private final CertificateAuthority authority;
  private final String storePassword;

  private SecureMode(Path directory, Properties secrets) {
    this.directory = directory;
    this.secretsFile = directory.resolve("secrets.properties");
    this.secrets = secrets;
    this.storePassword = secrets.getProperty(STORE_PASSWORD_KEY);
    this.authority =
        CertificateAuthority.openOrCreate(
            directory, "runstream local CA", storePassword.toCharArray());
  }

  /**
   * Opens the secure material in {@code <data>/security}, creating the CA, the broker's and the
   * admin's keystores and the secrets file (mode 600) on first use.
   *
   * @param dataDirectory the cluster's data directory
   * @return the secure mode
   */
  public static SecureMode open(Path dataDirectory) {
    Path directory = dataDirectory.resolve("security");
    Properties secrets = new Properties();
    Path file = directory.resolve("secrets.properties");
    try {
      Files.createDirectories(directory);
      if (Files.exists(file)) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          secrets.load(in);
        }
      } else {
        secrets.setProperty(STORE_PASSWORD_KEY, newSecret());
        secrets.setProperty(USER_PREFIX + ADMIN, newSecret());
      }
    } catch (IOException e) {
      throw new LocalClusterException("Cannot read the local cluster's secrets in " + file, e);
    }
    SecureMode mode = new SecureMode(directory, secrets);
    mode.saveSecrets();
    mode.authority.keystore(BROKER, true);
    mode.authority.keystore(ADMIN, false);
    return mode;
  }

  /**
   * Checks a principal name: letters, digits, dot, underscore and hyphen, at most 64 characters.
   *
   * @param user the name
   * @return the name
   * @throws IllegalArgumentException if it is not valid
   */
  public static String requireValidUser(String user) {
    if (user == null || !USER.matcher(user).matches()) {
      throw new IllegalArgumentException(
          "Invalid principal name '"
              + user
              + "': use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return user;
  }

  /**
   * The broker's listener, TLS, SASL and authorizer settings.
   *
   * @param saslPort the SASL_SSL port (the bootstrap address)
   * @param mtlsPort the SSL port that requires client certificates
   * @param controllerPort the controller's port (mutual TLS)
   * @return {@code server.properties} lines
   */
  public List<String> brokerProperties(int saslPort, int mtlsPort, int controllerPort) {
    String keystore = authority.keystore(BROKER, true).toAbsolutePath().toString();
    String truststore = authority.truststore().toAbsolutePath().toString();
    return List.of(
        "listeners=SASL_SSL://127.0.0.1:"
            + saslPort
            + ",SSL://127.0.0.1:"
            + mtlsPort
            + ",CONTROLLER://127.0.0.1:"
            + controllerPort,
        "advertised.listeners=SASL_SSL://127.0.0.1:" + saslPort + ",SSL://127.0.0.1:" + mtlsPort,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=SSL",
        "listener.security.protocol.map=SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:SSL",
        "ssl.keystore.type=" + CertificateAuthority.STORE_TYPE,
        "ssl.keystore.location=" + keystore,
        "ssl.keystore.password=" + storePassword,
        "ssl.key.password=" + storePassword,
        "ssl.truststore.type=" + CertificateAuthority.STORE_TYPE,
        "ssl.truststore.location=" + truststore,
        "ssl.truststore.password=" + storePassword,
        "listener.name.ssl.ssl.client.auth=required",
        "listener.name.controller.ssl.client.auth=required",
        // CN=worker,... becomes User:worker.
        "ssl.principal.mapping.rules=RULE:^CN=([^,]+).*$/$1/,DEFAULT",
        "sasl.enabled.mechanisms=" + MECHANISM,
        "listener.name.sasl_ssl."
            + MECHANISM.toLowerCase(java.util.Locale.ROOT)
            + ".sasl.jaas.config="
            + ScramLoginModule.class.getName()
            + " required;",
        "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "super.users=User:" + ADMIN + ";User:" + BROKER,
        "allow.everyone.if.no.acl.found=false",
        // A client with a wrong password learns it in one round trip rather than after backoff.
        "connection.failed.authentication.delay.ms=100");
  }

  /**
   * The SCRAM users, admin included.
   *
   * @return their names, sorted
   */
  public synchronized Set<String> users() {
    Set<String> users = new TreeSet<>();
    for (String key : secrets.stringPropertyNames()) {
      if (key.startsWith(USER_PREFIX)) {
        users.add(key.substring(USER_PREFIX.length()));
      }
    }
    return users;
  }

  /**
   * A user's SCRAM password.
   *
   * @param user the user
   * @return the password
   * @throws IllegalArgumentException if the user does not exist
   */
  public synchronized String password(String user) {
    String password = secrets.getProperty(USER_PREFIX + user);
    if (password == null) {
      throw new IllegalArgumentException(
          "No local cluster user '" + user + "'; known users: " + users());
    }
    return password;
  }

  /**
   * The password of the truststore and of every keystore.
   *
   * @return the password
   */
  public String storePassword() {
    return storePassword;
  }

  /**
   * The truststore with the CA certificate.
   *
   * @return its path
   */
  public Path truststore() {
    return authority.truststore();
  }

  /**
   * A principal's keystore for mutual TLS, issued on first use.
   *
   * @param user the principal name
   * @return its path
   */
  public Path keystore(String user) {
    return authority.keystore(requireValidUser(user), false);
  }

  /**
   * Settings for a SCRAM client of the SASL_SSL listener.
   *
   * @param bootstrapServers the SASL_SSL address
   * @param user the user
   * @return Kafka client settings, string-valued
   */
  public Map<String, String> saslClientConfig(String bootstrapServers, String user) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
    config.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
    config.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(user, password(user)));
    config.putAll(trustConfig());
    return config;
  }

  /**
   * Settings for a mutual-TLS client of the SSL listener.
   *
   * @param bootstrapServers the SSL address
   * @param user the principal, whose keystore is issued if needed
   * @return Kafka client settings, string-valued
   */
  public Map<String, String> mtlsClientConfig(String bootstrapServers, String user) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
    config.putAll(trustConfig());
    config.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, CertificateAuthority.STORE_TYPE);
    config.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keystore(user).toAbsolutePath().toString());
    config.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, storePassword);
    config.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, storePassword);
    return config;
  }

  private Map<String, String> trustConfig() {
    return Map.of(
        SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG,
        CertificateAuthority.STORE_TYPE,
        SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
        truststore().toAbsolutePath().toString(),
        SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG,
        storePassword);
  }

  /**
   * The JAAS setting of a SCRAM login.
   *
   * @param user the user
   * @param password the password
   * @return the {@code sasl.jaas.config} value
   */
  public static String jaasConfig(String user, String password) {
    return ScramLoginModule.class.getName()
        + " required username=\""
        + user.replace("\\", "\\\\").replace("\"", "\\\"")
        + "\" password=\""
        + password.replace("\\", "\\\\").replace("\"", "\\\"")
        + "\";";
  }

  /**
   * Creates the SCRAM credentials of users that the broker does not have yet (a new password for a
   * new user; the stored one for a known user, so a restarted broker with fresh storage gets them
   * again), then waits until the SASL_SSL listener accepts the last of them.
   *
   * @param adminConfig settings of a super-user admin client
   * @param saslBootstrap the SASL_SSL address
   * @param names the users; {@code admin} is always included
   * @param deadline when to give up
   */
  public void ensureUsers(
      Map<String, Object> adminConfig, String saslBootstrap, Set<String> names, Instant deadline) {
    Set<String> all = new TreeSet<>(names);
    all.add(ADMIN);
    List<UserScramCredentialUpsertion> upserts;
    synchronized (this) {
      for (String name : all) {
        requireValidUser(name);
        secrets.putIfAbsent(USER_PREFIX + name, newSecret());
      }
      saveSecrets();
      upserts =
          all.stream()
              .map(
                  name ->
                      new UserScramCredentialUpsertion(
                          name,
                          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS),
                          password(name)))
              .toList();
    }
    try (Admin admin = Admin.create(adminConfig)) {
      admin.alterUserScramCredentials(List.copyOf(upserts)).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new LocalClusterException("Cannot create the SCRAM users " + all, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalClusterException("Interrupted while creating SCRAM users", e);
    }
    awaitLogin(saslBootstrap, upserts.get(upserts.size() - 1).user(), deadline);
  }

  // The controller commits the credentials; the broker learns them from the metadata log a moment
  // later, and until then a login fails with an authentication error that clients do not retry.
  private void awaitLogin(String saslBootstrap, String user, Instant deadline) {
    Map<String, Object> config = new LinkedHashMap<>(saslClientConfig(saslBootstrap, user));
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
    Exception last = null;
    while (Instant.now().isBefore(deadline)) {
      try (Admin admin = Admin.create(config)) {
        admin
            .describeCluster(new DescribeClusterOptions().timeoutMs(3_000))
            .clusterId()
            .get(5, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException | TimeoutException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LocalClusterException("Interrupted while waiting for SCRAM users", e);
      }
      Readiness.pause();
    }
    throw new LocalClusterException(
        "The broker did not accept SCRAM user " + user + " before the deadline", last);
  }

  private synchronized void saveSecrets() {
    try {
      Path partial = secretsFile.resolveSibling("secrets.properties.partial");
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.deleteIfExists(partial);
        Files.createFile(
            partial,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      try (Writer out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
        secrets.store(out, "runstream local cluster secrets; keep private");
      }
      Files.move(
          partial,
          secretsFile,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new LocalClusterException("Cannot write " + secretsFile, e);
    }
  }

  /**
   * The directory of the stores and secrets.
   *
   * @return {@code <data>/security}
   */
  public Path directory() {
    return directory;
  }

  private static String newSecret() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
