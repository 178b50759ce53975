package dev.runstream.client;

/**
 * A position in the events topic, {@code partition:offset}, for read-your-event queries: the
 * position of an event a client has seen ({@link WorkflowStream#position()}), or the position a
 * view answer reflects ({@link RunSnapshot#position()}). A view read "at least as fresh as" a
 * position reflects every event of that partition up to and including that offset.
 *
 * <pre>{@code
 * ViewPosition seen = stream.position().orElseThrow();      // after an event arrived
 * RunSnapshot view = client.view(workflowId, seen).get();   // includes that event
 * String token = seen.toString();                           // "3:1234", for ?at_least= over HTTP
 * }</pre>
 *
 * @param partition the partition of the events topic, not negative
 * @param offset the offset in it, not negative
 */
public record ViewPosition(int partition, long offset) {

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if either is negative
   */
  public ViewPosition {
    if (partition < 0 || offset < 0) {
      throw new IllegalArgumentException(
          "a position's partition and offset are not negative, got " + partition + ":" + offset);
    }
  }

  /**
   * Parses the token form {@code partition:offset} (what {@link #toString()} gives and the HTTP
   * APIs take as {@code at_least}).
   *
   * @param token such as {@code 0:1234}
   * @return the position
   * @throws IllegalArgumentException if it is not two non-negative integers joined by a colon
   */
  public static ViewPosition parse(String token) {
    if (token == null || token.length() > 32 || !token.matches("[0-9]{1,10}:[0-9]{1,19}")) {
      throw new IllegalArgumentException(
          "a position is partition:offset, two non-negative integers such as 0:1234; got "
              + (token == null ? "null" : "'" + token + "'"));
    }
    int colon = token.indexOf(':');
    try {
      return new ViewPosition(
          Integer.parseInt(token.substring(0, colon)), Long.parseLong(token.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("position out of range: '" + token + "'", e);
    }
  }

  /** The token form, {@code partition:offset}. */
  @Override
  public String toString() {
    return partition + ":" + offset;
  }
}
