package dev.runstream.topology.internal;

/**
 * A position in the events topic, {@code partition:offset}: what {@code at_least} takes and what
 * {@link QueryServer#POSITION_HEADER} gives.
 *
 * @param partition the partition of the events topic, not negative
 * @param offset the offset in it, not negative
 */
public record FreshnessToken(int partition, long offset) {

  /** Longest token accepted, in characters. */
  static final int MAX_LENGTH = 32;

  public FreshnessToken {
    if (partition < 0 || offset < 0) {
      throw new IllegalArgumentException(
          "a position has a partition and an offset that are not negative");
    }
  }

  /**
   * Parses {@code partition:offset}.
   *
   * @throws IllegalArgumentException if it is not two non-negative integers joined by a colon
   */
  public static FreshnessToken parse(String token) {
    String problem =
        "at_least must be partition:offset of the events topic (two non-negative integers, such"
            + " as 0:1234, the X-Runstream-Position of an answer or the position of an event),"
            + " got ";
    if (token == null || token.isEmpty() || token.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(problem + quote(token));
    }
    int colon = token.indexOf(':');
    if (colon <= 0 || colon == token.length() - 1 || token.indexOf(':', colon + 1) >= 0) {
      throw new IllegalArgumentException(problem + quote(token));
    }
    try {
      int partition = Integer.parseInt(token.substring(0, colon));
      long offset = Long.parseLong(token.substring(colon + 1));
      if (partition < 0 || offset < 0 || !digits(token.substring(0, colon))) {
        throw new IllegalArgumentException(problem + quote(token));
      }
      return new FreshnessToken(partition, offset);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(problem + quote(token));
    }
  }

  private static boolean digits(String s) {
    return s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static String quote(String s) {
    return s == null
        ? "nothing"
        : "'" + (s.length() > MAX_LENGTH ? s.substring(0, 32) + "…" : s) + "'";
  }

  @Override
  public String toString() {
    return partition + ":" + offset;
  }
}
