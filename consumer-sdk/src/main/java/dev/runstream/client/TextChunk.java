package dev.runstream.client;

/**
 * One change of a workflow's text, from {@link WorkflowStream#textUpdates()}: text appended by a
 * step, or the reset of a retried step's text. Attempt-aware: a step that is retried (a {@code
 * step_start} with a higher {@code attempt}) supersedes the text its earlier attempts streamed, and
 * the stream says so with a {@link Reset} before the new attempt's text.
 *
 * <pre>{@code
 * StringBuilder shown = new StringBuilder();
 * stream.textUpdates().forEach(chunk -> {
 *   if (chunk instanceof TextChunk.Delta d) {
 *     shown.append(d.text());
 *   } else if (chunk instanceof TextChunk.Reset r) {
 *     shown.setLength(0);
 *     shown.append(r.text());            // re-render: the superseded attempt is gone
 *   }
 * });
 * }</pre>
 */
public sealed interface TextChunk {

  /**
   * The step the change belongs to.
   *
   * @return the step key
   */
  String stepKey();

  /**
   * The step's attempt: of the text for a {@link Delta}, the new one for a {@link Reset}.
   *
   * @return the attempt, from 1
   */
  int attempt();

  /**
   * The sequence of the event that caused the change.
   *
   * @return the event's sequence
   */
  long sequence();

  /**
   * Text appended by attempt {@code attempt} of step {@code stepKey}: the content of one {@code
   * text_delta} of the workflow (children's text is not included).
   *
   * @param stepKey the step
   * @param attempt its attempt
   * @param sequence the text delta's sequence
   * @param text the text, possibly empty
   */
  record Delta(String stepKey, int attempt, long sequence, String text) implements TextChunk {}

  /**
   * Step {@code stepKey} was retried: the text its earlier attempts streamed (as far as this stream
   * saw it) is superseded and no longer part of the workflow's text. Emitted once per retry, even
   * when the earlier attempts streamed nothing.
   *
   * @param stepKey the retried step
   * @param attempt the new attempt
   * @param sequence the sequence of the retry's {@code step_start} (or of the first event of the
   *     new attempt when that {@code step_start} is missing)
   * @param superseded the text removed, in order; empty if the earlier attempts streamed none
   * @param text the workflow's whole text after the removal, as far as this stream saw it: what a
   *     UI shows from now on
   */
  record Reset(String stepKey, int attempt, long sequence, String superseded, String text)
      implements TextChunk {}
}
