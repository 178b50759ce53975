package dev.runstream.schemas;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * The Kafka client security keys that every runstream component takes, defined once and added to
 * each module's {@link ConfigDef}, so that one set of environment variables secures the producer,
 * the topology, the consumer SDK, the gateway and the CLI alike.
 *
 * <p>The keys are Kafka's own names and meanings ({@code security.protocol}, {@code
 * sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.location}, ...), overridable as
 * every runstream key is: {@code RUNSTREAM_SECURITY_PROTOCOL=SASL_SSL} or {@code
 * -Drunstream.security.protocol=SASL_SSL}. Two convenience keys, {@value #SASL_USERNAME_CONFIG} and
 * {@value #SASL_PASSWORD_CONFIG}, build the JAAS line for the SCRAM and PLAIN mechanisms, so that
 * nobody has to quote one in an environment variable.
 *
 * <p>{@link #validate(Map)} fails at startup with a {@link ConfigException} that names the key: a
 * SASL protocol without credentials, a JAAS line and a user name both set, a store that is not a
 * readable file, a keystore without its password.
 *
 * <pre>{@code
 * RUNSTREAM_SECURITY_PROTOCOL=SASL_SSL
 * RUNSTREAM_SASL_MECHANISM=SCRAM-SHA-512
 * RUNSTREAM_SASL_USERNAME=acme-worker
 * RUNSTREAM_SASL_PASSWORD=...
 * RUNSTREAM_SSL_TRUSTSTORE_LOCATION=/etc/runstream/truststore.p12
 * RUNSTREAM_SSL_TRUSTSTORE_PASSWORD=...
 * }</pre>
 */
public final class ClientSecurityConfigs {

  /** {@code security.protocol}: PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL. */
  public static final String SECURITY_PROTOCOL_CONFIG =
      CommonClientConfigs.SECURITY_PROTOCOL_CONFIG;

  /** {@code sasl.mechanism}, for example SCRAM-SHA-512. */
  public static final String SASL_MECHANISM_CONFIG = SaslConfigs.SASL_MECHANISM;

  /** {@code sasl.jaas.config}. */
  public static final String SASL_JAAS_CONFIG = SaslConfigs.SASL_JAAS_CONFIG;

  /** {@code sasl.username}: with {@link #SASL_PASSWORD_CONFIG}, builds the JAAS line. */
  public static final String SASL_USERNAME_CONFIG = "sasl.username";

  /** {@code sasl.password}. */
  public static final String SASL_PASSWORD_CONFIG = "sasl.password";

  /** {@code ssl.truststore.location}. */
  public static final String SSL_TRUSTSTORE_LOCATION_CONFIG =
      SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG;

  /** {@code ssl.truststore.password}. */
  public static final String SSL_TRUSTSTORE_PASSWORD_CONFIG =
      SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG;

  /** {@code ssl.truststore.type}. */
  public static final String SSL_TRUSTSTORE_TYPE_CONFIG = SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG;

  /** {@code ssl.keystore.location}: the client certificate for mutual TLS. */
  public static final String SSL_KEYSTORE_LOCATION_CONFIG = SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG;

  /** {@code ssl.keystore.password}. */
  public static final String SSL_KEYSTORE_PASSWORD_CONFIG = SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG;

  /** {@code ssl.keystore.type}. */
  public static final String SSL_KEYSTORE_TYPE_CONFIG = SslConfigs.SSL_KEYSTORE_TYPE_CONFIG;

  /** {@code ssl.key.password}. */
  public static final String SSL_KEY_PASSWORD_CONFIG = SslConfigs.SSL_KEY_PASSWORD_CONFIG;

  /** {@code ssl.endpoint.identification.algorithm}: {@code https} (default) or empty. */
  public static final String SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG =
      SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG;

  private static final List<String> PROTOCOLS =
      Arrays.stream(SecurityProtocol.values())
          .map(p -> p.name)
          .filter(name -> !name.equals("UNKNOWN"))
          .toList();

  private static final ConfigDef.Validator READABLE_FILE =
      new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
          if (value != null && !value.toString().isEmpty()) {
            Path path = Path.of(value.toString());
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
              throw new ConfigException(name, value, "is not a readable file");
            }
          }
        }

        @Override
        public String toString() {
          return "a readable file, or empty";
        }
      };

  private static final ConfigDef.Validator PROTOCOL =
      new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
          if (value == null || !PROTOCOLS.contains(value.toString().toUpperCase(Locale.ROOT))) {
            throw new ConfigException(name, value, "must be one of " + PROTOCOLS);
          }
        }

        @Override
        public String toString() {
          return String.join(", ", PROTOCOLS);
        }
      };

  private ClientSecurityConfigs() {}

  /**
   * Adds the security keys to a definition.
   *
   * @param def the module's definition
   * @return {@code def}
   */
  public static ConfigDef define(ConfigDef def) {
    return def.define(
            SECURITY_PROTOCOL_CONFIG,
            Type.STRING,
            CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL,
            PROTOCOL,
            Importance.HIGH,
            CommonClientConfigs.SECURITY_PROTOCOL_DOC)
        .define(
            SASL_MECHANISM_CONFIG,
            Type.STRING,
            SaslConfigs.DEFAULT_SASL_MECHANISM,
            new ConfigDef.NonEmptyString(),
            Importance.MEDIUM,
            SaslConfigs.SASL_MECHANISM_DOC)
        .define(
            SASL_JAAS_CONFIG,
            Type.PASSWORD,
            null,
            Importance.MEDIUM,
            SaslConfigs.SASL_JAAS_CONFIG_DOC
                + " Leave empty and set "
                + SASL_USERNAME_CONFIG
                + " and "
                + SASL_PASSWORD_CONFIG
                + " for SCRAM or PLAIN.")
        .define(
            SASL_USERNAME_CONFIG,
            Type.STRING,
            null,
            Importance.MEDIUM,
            "The SASL user name for SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN; with "
                + SASL_PASSWORD_CONFIG
                + " it stands for the "
                + SASL_JAAS_CONFIG
                + " line of that mechanism.")
        .define(
            SASL_PASSWORD_CONFIG,
            Type.PASSWORD,
            null,
            Importance.MEDIUM,
            "The password of " + SASL_USERNAME_CONFIG + ".")
        .define(
            SSL_TRUSTSTORE_LOCATION_CONFIG,
            Type.STRING,
            null,
            READABLE_FILE,
            Importance.MEDIUM,
            SslConfigs.SSL_TRUSTSTORE_LOCATION_DOC + " Empty trusts the JVM's default CAs.")
        .define(
            SSL_TRUSTSTORE_PASSWORD_CONFIG,
            Type.PASSWORD,
            null,
            Importance.MEDIUM,
            SslConfigs.SSL_TRUSTSTORE_PASSWORD_DOC)
        .define(
            SSL_TRUSTSTORE_TYPE_CONFIG,
            Type.STRING,
            SslConfigs.DEFAULT_SSL_TRUSTSTORE_TYPE,
            new ConfigDef.NonEmptyString(),
            Importance.LOW,
            SslConfigs.SSL_TRUSTSTORE_TYPE_DOC)
        .define(
            SSL_KEYSTORE_LOCATION_CONFIG,
            Type.STRING,
            null,
            READABLE_FILE,
            Importance.MEDIUM,
            SslConfigs.SSL_KEYSTORE_LOCATION_DOC)
        .define(
            SSL_KEYSTORE_PASSWORD_CONFIG,
            Type.PASSWORD,
            null,
            Importance.MEDIUM,
            SslConfigs.SSL_KEYSTORE_PASSWORD_DOC)
        .define(
            SSL_KEYSTORE_TYPE_CONFIG,
            Type.STRING,
            SslConfigs.DEFAULT_SSL_KEYSTORE_TYPE,
            new ConfigDef.NonEmptyString(),
            Importance.LOW,
            SslConfigs.SSL_KEYSTORE_TYPE_DOC)
        .define(
            SSL_KEY_PASSWORD_CONFIG,
            Type.PASSWORD,
            null,
            Importance.LOW,
            SslConfigs.SSL_KEY_PASSWORD_DOC)
        .define(
            SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG,
            Type.STRING,
            SslConfigs.DEFAULT_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM,
            Importance.LOW,
            SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_DOC);
  }

  /**
   * The names of the keys {@link #define(ConfigDef)} adds.
   *
   * @return the key names
   */
  public static Set<String> names() {
    return define(new ConfigDef()).names();
  }

  /**
   * Checks the combination of parsed values; single values are checked by the validators.
   *
   * @param parsed the parsed values of a definition that includes these keys (as {@code
   *     AbstractConfig#values()})
   * @throws ConfigException naming the key at fault
   */
  public static void validate(Map<String, ?> parsed) {
    String protocol = parsed.get(SECURITY_PROTOCOL_CONFIG).toString().toUpperCase(Locale.ROOT);
    boolean sasl = protocol.startsWith("SASL_");
    Object username = parsed.get(SASL_USERNAME_CONFIG);
    boolean hasJaas = parsed.get(SASL_JAAS_CONFIG) != null;
    if (username != null && hasJaas) {
      throw new ConfigException(
          SASL_USERNAME_CONFIG,
          username,
          "set either " + SASL_JAAS_CONFIG + " or a user name and password, not both");
    }
    if ((username == null) != (parsed.get(SASL_PASSWORD_CONFIG) == null)) {
      throw new ConfigException(
          username == null ? SASL_USERNAME_CONFIG : SASL_PASSWORD_CONFIG,
          null,
          SASL_USERNAME_CONFIG + " and " + SASL_PASSWORD_CONFIG + " go together");
    }
    if (username != null) {
      loginModule(parsed.get(SASL_MECHANISM_CONFIG).toString());
    }
    if (sasl
        && !hasJaas
        && username == null
        && !"GSSAPI".equals(parsed.get(SASL_MECHANISM_CONFIG))) {
      throw new ConfigException(
          SECURITY_PROTOCOL_CONFIG,
          protocol,
          "needs credentials: set "
              + SASL_USERNAME_CONFIG
              + " and "
              + SASL_PASSWORD_CONFIG
              + ", or "
              + SASL_JAAS_CONFIG);
    }
    if (parsed.get(SSL_KEYSTORE_LOCATION_CONFIG) != null
        && parsed.get(SSL_KEYSTORE_PASSWORD_CONFIG) == null
        && !"PEM".equalsIgnoreCase(String.valueOf(parsed.get(SSL_KEYSTORE_TYPE_CONFIG)))) {
      throw new ConfigException(
          SSL_KEYSTORE_PASSWORD_CONFIG, null, "is required with " + SSL_KEYSTORE_LOCATION_CONFIG);
    }
  }

  /**
   * The Kafka client settings for the parsed values: {@code security.protocol} always, the others
   * when set to something else than Kafka's default, with {@value #SASL_USERNAME_CONFIG} and
   * {@value #SASL_PASSWORD_CONFIG} turned into {@code sasl.jaas.config}. Passwords stay {@link
   * Password}s, which Kafka clients accept and never log.
   *
   * @param parsed the parsed values (as {@code AbstractConfig#values()})
   * @return settings to merge into every producer, consumer, admin and Streams configuration
   */
  public static Map<String, Object> clientProperties(Map<String, ?> parsed) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(
        SECURITY_PROTOCOL_CONFIG,
        parsed.get(SECURITY_PROTOCOL_CONFIG).toString().toUpperCase(Locale.ROOT));
    Map<String, ConfigDef.ConfigKey> keys = define(new ConfigDef()).configKeys();
    for (String key : keys.keySet()) {
      Object value = parsed.get(key);
      // Kafka's own defaults are left to Kafka.
      if (value == null
          || value.equals(keys.get(key).defaultValue)
          || key.equals(SECURITY_PROTOCOL_CONFIG)
          || key.equals(SASL_USERNAME_CONFIG)
          || key.equals(SASL_PASSWORD_CONFIG)) {
        continue;
      }
      out.put(key, value);
    }
    Object username = parsed.get(SASL_USERNAME_CONFIG);
    if (username != null) {
      String mechanism = parsed.get(SASL_MECHANISM_CONFIG).toString();
      Password password = (Password) parsed.get(SASL_PASSWORD_CONFIG);
      out.put(
          SASL_JAAS_CONFIG,
          new Password(
              loginModule(mechanism)
                  + " required username=\""
                  + escape(username.toString())
                  + "\" password=\""
                  + escape(password.value())
                  + "\";"));
    }
    return out;
  }

  private static String loginModule(String mechanism) {
    return switch (mechanism.toUpperCase(Locale.ROOT)) {
      case "SCRAM-SHA-256", "SCRAM-SHA-512" ->
          "org.apache.kafka.common.security.scram.ScramLoginModule";
      case "PLAIN" -> "org.apache.kafka.common.security.plain.PlainLoginModule";
      default ->
          throw new ConfigException(
              SASL_USERNAME_CONFIG,
              null,
              "works with SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN, not "
                  + mechanism
                  + "; set "
                  + SASL_JAAS_CONFIG
                  + " instead");
    };
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
