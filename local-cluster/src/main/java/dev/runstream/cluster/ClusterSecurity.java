package dev.runstream.cluster;

import dev.runstream.cluster.internal.KafkaBroker;
import dev.runstream.cluster.internal.SecureMode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The credentials of a {@link LocalCluster} in secure mode ({@code security.enabled=true}) and the
 * Kafka client settings that use them.
 *
 * <p>The broker has three listeners, none of them unauthenticated:
 *
 * <ul>
 *   <li>{@link LocalCluster#bootstrapServers()}: {@code SASL_SSL} with {@value #MECHANISM}; a
 *       client logs in with a user's password, see {@link #saslClientConfig(String)};
 *   <li>{@link #mtlsBootstrapServers()}: {@code SSL} that requires a client certificate signed by
 *       the cluster's CA; the certificate's {@code CN} is the principal, see {@link
 *       #mtlsClientConfig(String)};
 *   <li>the KRaft controller listener, mutual TLS as the broker.
 * </ul>
 *
 * <p>Authorization is Kafka's {@code StandardAuthorizer}: {@code User:admin} and {@code
 * User:broker} are super users, every other principal is denied what no ACL allows. Server
 * certificates name {@code localhost} and {@code 127.0.0.1}, so clients keep host name verification
 * on.
 *
 * <p>Secrets are generated at first start and kept in {@link #directory()} ({@code
 * secrets.properties}, readable only by the owner; PKCS12 stores); they survive restarts with
 * {@code data.keep=true}.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.start(LocalClusterConfig.newBuilder()
 *     .freePorts().securityEnabled(true).securityUsers(List.of("worker")).build())) {
 *   Map<String, Object> props = new HashMap<>(cluster.security().saslClientConfig("worker"));
 *   props.put(ProducerConfig.ACKS_CONFIG, "all");
 *   try (var producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
 *     producer.send(new ProducerRecord<>("agent-events", "k", "v")); // needs an ACL for worker
 *   }
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ClusterSecurity {

  /** The SASL mechanism of the bootstrap listener. */
  public static final String MECHANISM = SecureMode.MECHANISM;

  /** The super user for administration. */
  public static final String ADMIN = SecureMode.ADMIN;

  private final SecureMode secure;
  private final KafkaBroker broker;

  ClusterSecurity(SecureMode secure, KafkaBroker broker) {
    this.secure = secure;
    this.broker = broker;
  }

  /**
   * Settings for a client that logs in with SCRAM over TLS at {@link
   * LocalCluster#bootstrapServers()}: {@code bootstrap.servers}, {@code security.protocol}, {@code
   * sasl.mechanism}, {@code sasl.jaas.config} and the truststore.
   *
   * @param user an existing user
   * @return string-valued Kafka client settings, immutable
   * @throws IllegalArgumentException if the user does not exist
   */
  public Map<String, String> saslClientConfig(String user) {
    return Map.copyOf(secure.saslClientConfig(broker.bootstrapServers(), user));
  }

  /**
   * Settings for a client that authenticates with a certificate at {@link #mtlsBootstrapServers()}:
   * {@code bootstrap.servers}, {@code security.protocol=SSL}, its keystore and the truststore. A
   * certificate is issued for any valid principal name on first use; the principal still needs
   * ACLs.
   *
   * @param principal the certificate's common name
   * @return string-valued Kafka client settings, immutable
   * @throws IllegalArgumentException if the name is not valid
   */
  public Map<String, String> mtlsClientConfig(String principal) {
    return Map.copyOf(secure.mtlsClientConfig(broker.mtlsBootstrapServers(), principal));
  }

  /**
   * Super-user admin settings (mutual TLS as {@value #ADMIN}), for creating topics, ACLs and users.
   *
   * @return string-valued Kafka client settings, immutable
   */
  public Map<String, String> adminClientConfig() {
    return mtlsClientConfig(ADMIN);
  }

  /**
   * Writes {@link #saslClientConfig(String)} of a user to {@code <directory>/<user>.properties}
   * (readable only by the owner), for tools that take a client properties file, such as {@code
   * runstream --command-config} or Kafka's {@code --command-config}.
   *
   * @param user an existing user
   * @return the file
   * @throws IllegalArgumentException if the user does not exist
   * @throws LocalClusterException if the file cannot be written
   */
  public Path writeClientProperties(String user) {
    Properties properties = new Properties();
    properties.putAll(secure.saslClientConfig(broker.bootstrapServers(), user));
    Path file = secure.directory().resolve(SecureMode.requireValidUser(user) + ".properties");
    try {
      Files.deleteIfExists(file);
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        properties.store(
            out, "Kafka client settings of " + user + " for the runstream local cluster");
      }
      return file;
    } catch (IOException e) {
      throw new LocalClusterException("Cannot write " + file, e);
    }
  }

  /**
   * The mutual-TLS listener's address.
   *
   * @return {@code 127.0.0.1:<mtls.port>}
   */
  public String mtlsBootstrapServers() {
    return broker.mtlsBootstrapServers();
  }

  /**
   * Creates SCRAM users (each with a random password) that do not exist yet, and waits until the
   * broker accepts their logins. Existing users keep their passwords.
   *
   * @param users the names
   * @throws IllegalArgumentException if a name is not valid
   * @throws LocalClusterException if the broker does not accept them within 30 seconds
   */
  public void createUsers(List<String> users) {
    createUsers(users, Instant.now().plusSeconds(30));
  }

  void createUsers(List<String> users, Instant deadline) {
    secure.ensureUsers(
        Map.copyOf(broker.adminConfig()),
        broker.bootstrapServers(),
        new LinkedHashSet<>(users),
        deadline);
  }

  /**
   * The SCRAM users, {@value #ADMIN} included.
   *
   * @return their names, sorted
   */
  public Set<String> users() {
    return secure.users();
  }

  /**
   * A SCRAM user's password.
   *
   * @param user the user
   * @return the password
   * @throws IllegalArgumentException if the user does not exist
   */
  public String password(String user) {
    return secure.password(user);
  }

  /**
   * The PKCS12 truststore that holds the cluster's CA certificate.
   *
   * @return its path
   */
  public Path truststore() {
    return secure.truststore();
  }

  /**
   * The password of the truststore and of every keystore.
   *
   * @return the password
   */
  public String storePassword() {
    return secure.storePassword();
  }

  /**
   * Where the CA, the stores and {@code secrets.properties} live.
   *
   * @return {@code <data.dir>/security}
   */
  public Path directory() {
    return secure.directory();
  }

  @Override
  public String toString() {
    return "ClusterSecurity{users=" + users() + ", dir=" + directory() + "}";
  }
}
