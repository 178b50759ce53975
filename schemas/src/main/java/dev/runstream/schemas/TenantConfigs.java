package dev.runstream.schemas;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The {@value #TENANT_ID_CONFIG} key that every runstream component takes, defined once.
 *
 * <p>runstream isolates tenants by <b>topic prefix</b>: tenant {@code acme} has its own topics
 * {@code acme.agent-events}, {@code acme.workflow-runs}, {@code acme.usage-aggregates} and {@code
 * acme.agent-events-dlq}, its own topology ({@code application.id} {@code acme.runstream-topology},
 * so its internal topics, consumer group and transactional ids share the prefix), and principals
 * whose ACLs cover only resources with that prefix. A principal of tenant A is then denied tenant
 * B's events and runs by the broker itself, not only by runstream code.
 *
 * <p>Setting {@code tenant.id} in a component changes the <i>defaults</i> of its topic names (and
 * of the topology's application id) to the prefixed ones; a topic set explicitly is used as given.
 * The publisher also stamps the tenant on every event, and the gateway accepts only that tenant's
 * credentials. Empty (the default) is the single-tenant layout with unprefixed topics.
 */
public final class TenantConfigs {

  /** {@code tenant.id}: the tenant a component serves; empty for a single-tenant deployment. */
  public static final String TENANT_ID_CONFIG = "tenant.id";

  /** What a tenant id may look like: it becomes a topic and principal name prefix. */
  public static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,47}");

  private static final String TENANT_ID_DOC =
      "The tenant this component serves: 1 to 48 lower-case letters, digits, '_' or '-'. When set,"
          + " topic names default to '<tenant>.<topic>' (and the topology's application id to"
          + " '<tenant>.runstream-topology'), so that prefixed ACLs isolate tenants on the broker;"
          + " the publisher stamps it on every event and the gateway accepts only its credentials."
          + " Empty: one tenant, unprefixed topics.";

  private TenantConfigs() {}

  /**
   * Adds {@value #TENANT_ID_CONFIG} to a definition.
   *
   * @param def the module's definition
   * @return {@code def}
   */
  public static ConfigDef define(ConfigDef def) {
    return def.define(
        TENANT_ID_CONFIG,
        Type.STRING,
        "",
        (name, value) -> {
          String tenant = value == null ? "" : value.toString();
          if (!tenant.isEmpty() && !TENANT_ID.matcher(tenant).matches()) {
            throw new ConfigException(
                name,
                value,
                "must be 1 to 48 lower-case letters, digits, '_' or '-', starting with a letter or"
                    + " digit");
          }
        },
        Importance.HIGH,
        TENANT_ID_DOC);
  }

  /**
   * The topic prefix of a tenant.
   *
   * @param tenant the tenant id, or empty
   * @return {@code "<tenant>."}, or empty
   */
  public static String topicPrefix(String tenant) {
    return tenant == null || tenant.isEmpty() ? "" : tenant + ".";
  }

  /**
   * Prefixes the defaults of some keys with the tenant's topic prefix, in a map resolved by {@link
   * ConfigSources}, before it is parsed: a key that no source set gets {@code <tenant>.<default>}.
   *
   * @param def the definition, for the defaults
   * @param resolved the resolved values, changed in place
   * @param keys the keys whose defaults are tenant-scoped names
   * @return {@code resolved}
   */
  public static Map<String, Object> prefixDefaults(
      ConfigDef def, Map<String, Object> resolved, List<String> keys) {
    Object tenant = resolved.get(TENANT_ID_CONFIG);
    String prefix = topicPrefix(tenant == null ? "" : tenant.toString().trim());
    if (!prefix.isEmpty()) {
      for (String key : keys) {
        if (!resolved.containsKey(key)) {
          resolved.put(key, prefix + def.configKeys().get(key).defaultValue);
        }
      }
    }
    return resolved;
  }
}
