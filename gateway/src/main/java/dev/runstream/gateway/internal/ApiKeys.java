package dev.runstream.gateway.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The accepted API keys, known only by their SHA-256 hashes ({@code tenant:<hex>} entries). A
 * presented key is hashed and compared with every entry in constant time, so neither the keys nor
 * the position of a match can be learnt from the gateway's memory or its timing.
 */
public final class ApiKeys {
  private record Entry(String tenant, byte[] hash) {}

  private final List<Entry> entries;

  /**
   * The keys.
   *
   * @param entries {@code tenant:<sha-256 hex of the key>}, as validated by the gateway config
   */
  public ApiKeys(List<String> entries) {
    this.entries =
        entries.stream()
            .map(
                e -> {
                  int colon = e.lastIndexOf(':');
                  return new Entry(
                      e.substring(0, colon), HexFormat.of().parseHex(e.substring(colon + 1)));
                })
            .toList();
  }

  /** Whether no key is configured. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * The tenant of {@code presentedKey}.
   *
   * @param presentedKey the key as the client sent it
   * @return the tenant its hash is configured for, or empty if it is not an accepted key
   */
  public Optional<String> tenantOf(String presentedKey) {
    byte[] hash = sha256(presentedKey);
    String tenant = null;
    for (Entry entry : entries) {
      // No early exit: every entry is compared, whatever matches.
      if (MessageDigest.isEqual(entry.hash(), hash) && tenant == null) {
        tenant = entry.tenant();
      }
    }
    return Optional.ofNullable(tenant);
  }

  /**
   * The SHA-256 of {@code key}'s UTF-8 bytes, as lower-case hex: what {@code printf %s "$KEY" |
   * sha256sum} prints.
   *
   * @param key an API key
   * @return its hash
   */
  public static String sha256Hex(String key) {
    return HexFormat.of().formatHex(sha256(key));
  }

  private static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
