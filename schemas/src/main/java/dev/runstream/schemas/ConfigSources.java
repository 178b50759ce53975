package dev.runstream.schemas;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Resolves the values of a {@link ConfigDef} from the environment, system properties and an
 * explicit map, in that order of precedence (the explicit map wins). Every runstream module's
 * config uses it, so that a key is overridden the same way everywhere:
 *
 * <ul>
 *   <li>environment variable: {@code RUNSTREAM_} + the key upper-cased, dots and dashes as
 *       underscores ({@code schema.registry.url} is {@code RUNSTREAM_SCHEMA_REGISTRY_URL});
 *   <li>system property: {@code runstream.} + the key ({@code -Drunstream.schema.registry.url});
 *   <li>the explicit map, by plain key.
 * </ul>
 *
 * <p>Keys the definition does not know are passed through from the explicit map only, because Kafka
 * hands serializers the whole client configuration.
 */
public final class ConfigSources {
  /**
   * Prefix of environment variables: {@code schema.registry.url} is {@code
   * RUNSTREAM_SCHEMA_REGISTRY_URL}.
   */
  public static final String ENV_PREFIX = "RUNSTREAM_";

  /** Prefix of system properties: {@code -Drunstream.schema.registry.url=…}. */
  public static final String SYSTEM_PROPERTY_PREFIX = "runstream.";

  private ConfigSources() {}

  public static Map<String, Object> resolve(ConfigDef def, Map<String, ?> explicit) {
    return resolve(def, explicit, System.getenv(), System.getProperties());
  }

  public static Map<String, Object> resolve(
      ConfigDef def, Map<String, ?> explicit, Map<String, String> env, Map<?, ?> systemProperties) {
    Map<String, Object> values = new HashMap<>();
    for (String key : def.names()) {
      String fromEnv = env.get(envName(key));
      if (fromEnv != null) {
        values.put(key, fromEnv);
      }
      Object fromSystem = systemProperties.get(SYSTEM_PROPERTY_PREFIX + key);
      if (fromSystem != null) {
        values.put(key, fromSystem);
      }
    }
    // Unknown keys pass through: Kafka clients hand serdes their whole config map.
    values.putAll(explicit);
    return values;
  }

  /** The environment variable that overrides {@code key}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Validates an absolute http or https URL. */
  public static ConfigDef.Validator httpUrl() {
    return new ConfigDef.Validator() {
      @Override
      public void ensureValid(String name, Object value) {
        if (value == null) {
          throw new ConfigException(name, null, "must be an http(s) URL");
        }
        try {
          URI uri = new URI(value.toString());
          if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
              || uri.getHost() == null) {
            throw new ConfigException(name, value, "must be an absolute http(s) URL");
          }
        } catch (URISyntaxException e) {
          throw new ConfigException(name, value, "is not a valid URL: " + e.getMessage());
        }
      }

      @Override
      public String toString() {
        return "an absolute http(s) URL";
      }
    };
  }

  /**
   * Validates a list of absolute http or https URLs (a {@code LIST} key); blank items are ignored.
   *
   * @param required whether at least one URL must be given
   * @return the validator
   */
  public static ConfigDef.Validator httpUrlList(boolean required) {
    ConfigDef.Validator url = httpUrl();
    return new ConfigDef.Validator() {
      @Override
      public void ensureValid(String name, Object value) {
        List<?> items = value instanceof List<?> list ? list : List.of();
        List<String> urls =
            items.stream().map(item -> item.toString().trim()).filter(u -> !u.isEmpty()).toList();
        if (value == null || (required && urls.isEmpty())) {
          throw new ConfigException(name, value, "must be " + this);
        }
        urls.forEach(u -> url.ensureValid(name, u));
      }

      @Override
      public String toString() {
        return "absolute http(s) URLs, comma-separated" + (required ? "" : ", or empty");
      }
    };
  }
}
