package dev.runstream.client;

/**
 * What a stream does when sequences of a workflow are missing: the next event arrived, and the
 * missing ones did not come within {@link ClientConfig#GAP_WAIT_MS_CONFIG} (events that merely
 * arrive out of order are reordered and not reported).
 */
public enum GapPolicy {
  /**
   * The default: the gap is passed to {@link StreamOptions.Builder#onGap} as a {@link
   * GapDetectedException}, in order with the events, and the stream goes on with the next event.
   */
  REPORT,

  /** The stream ends with a {@link GapDetectedException} right after the last event before it. */
  FAIL
}
