package dev.runstream.topology.internal;

import dev.runstream.schemas.UsageDimension;
import java.time.Instant;

/**
 * Keys of the usage aggregation: {@code DIMENSION:value}, for example {@code MODEL:gpt-4o}; and of
 * the usage topic, which adds the window start: {@code MODEL:gpt-4o@2026-01-01T10:00:00Z}.
 */
public final class UsageKeys {
  /** The model value of a step that reported usage but no model. */
  public static final String UNKNOWN_MODEL = "(unknown)";

  /** The tenant value of an event without a tenant. */
  public static final String NO_TENANT = "(none)";

  private UsageKeys() {}

  public static String groupKey(UsageDimension dimension, String value) {
    return dimension.name() + ":" + value;
  }

  public static UsageDimension dimensionOf(String groupKey) {
    return UsageDimension.valueOf(groupKey.substring(0, groupKey.indexOf(':')));
  }

  public static String valueOf(String groupKey) {
    return groupKey.substring(groupKey.indexOf(':') + 1);
  }

  public static String topicKey(String groupKey, Instant windowStart) {
    return groupKey + "@" + windowStart;
  }
}
