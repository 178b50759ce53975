package dev.runstream.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The {@value #QUERY_TOKEN_CONFIG} key, defined once for the topology (whose query service requires
 * it) and for its callers (consumer SDK, gateway, CLI), which send it.
 *
 * <p>The topology's query service answers interactive queries with a tenant's materialized runs:
 * final text, tool arguments, results. It is an internal service; in secure mode it must not be
 * readable by whoever reaches its port. With a token set, every query route requires {@code
 * Authorization: Bearer <token>} and answers 401 otherwise; {@code /health}, {@code /ready} and
 * {@code /metrics} stay open for probes and scrapers. Instances forward queries to each other with
 * the same token. Set the same value everywhere, for example {@code RUNSTREAM_QUERY_TOKEN}.
 */
public final class QueryServiceToken {

  /** {@code query.token}: the shared secret of the topology's query service; unset: open. */
  public static final String QUERY_TOKEN_CONFIG = "query.token";

  private static final int MIN_LENGTH = 16;

  private static final String DOC =
      "Shared secret of the topology's query service (at least "
          + MIN_LENGTH
          + " characters). The topology requires it as 'Authorization: Bearer <token>' on every"
          + " query route (health, readiness and metrics stay open) and forwards it between"
          + " instances; the SDK, gateway and CLI send it. Unset: the query service is open, as"
          + " fits a single-user local cluster.";

  private QueryServiceToken() {}

  /**
   * Adds {@value #QUERY_TOKEN_CONFIG} to a definition.
   *
   * @param def the module's definition
   * @return {@code def}
   */
  public static ConfigDef define(ConfigDef def) {
    return def.define(
        QUERY_TOKEN_CONFIG,
        Type.PASSWORD,
        null,
        (name, value) -> {
          if (value != null && ((Password) value).value().length() < MIN_LENGTH) {
            throw new ConfigException(
                name, "[hidden]", "must be at least " + MIN_LENGTH + " characters");
          }
        },
        Importance.MEDIUM,
        DOC);
  }

  /**
   * The {@code Authorization} header value for a token.
   *
   * @param token the token
   * @return {@code Bearer <token>}
   */
  public static String authorization(Password token) {
    return "Bearer " + token.value();
  }

  /**
   * Whether an {@code Authorization} header carries the token, compared in constant time.
   *
   * @param header the header value, or {@code null}
   * @param token the required token
   * @return {@code true} if it matches
   */
  public static boolean accepts(String header, Password token) {
    byte[] expected = authorization(token).getBytes(StandardCharsets.UTF_8);
    byte[] actual = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, actual);
  }
}
