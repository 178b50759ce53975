package dev.runstream.client;

/**
 * What happens when a live subscriber falls behind by more than its {@linkplain
 * StreamOptions.Builder#bufferSize(int) buffer size}.
 *
 * <p>One shared reader per partition feeds every live subscriber of a client. It never waits for a
 * subscriber: a slow one would stall all the others. So each subscriber has a bounded buffer, and a
 * subscriber whose buffer is full is detached from the shared reader. The events already in its
 * buffer are still delivered, in order; then the policy decides. Either way nothing is delivered
 * twice and nothing is skipped silently.
 *
 * <p>Replays and the catch-up part of a {@link RunstreamClient#resume resume} read with a reader of
 * their own, which simply waits for the subscriber, so the policy only applies to live events.
 */
public enum OverflowPolicy {
  /**
   * The default: after the buffered events, the stream ends with a {@link
   * SubscriberOverflowException} (retriable) that carries the last delivered sequence; the caller
   * decides whether to {@linkplain RunstreamClient#resume(String, long) resume} from it. Memory
   * stays bounded whatever the subscriber does.
   */
  FAIL,

  /**
   * After the buffered events are consumed, the stream re-reads the workflow by itself from the
   * topic (an indexed catch-up, as {@link RunstreamClient#resume(String, long)} does) and joins the
   * shared reader again. The subscriber sees no error, only a later event. Suits consumers that are
   * slow in bursts; a consumer that is always slower than the workflow keeps catching up.
   */
  RESUME
}
