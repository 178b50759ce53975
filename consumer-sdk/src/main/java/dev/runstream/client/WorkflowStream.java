package dev.runstream.client;

import dev.runstream.schemas.AgentEvent;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The events of one workflow run, from {@link RunstreamClient#replay replay}, {@link
 * RunstreamClient#tail tail} or {@link RunstreamClient#resume resume}: Polos' {@code stream}, in
 * Java.
 *
 * <h2>Consuming it</h2>
 *
 * A stream is consumed once, one way — pull or push:
 *
 * <ul>
 *   <li>{@link #iterator()} (so a for-each loop), {@link #events()}, {@link #textChunks()} or
 *       {@link #textUpdates()}: blocking, on the caller's thread;
 *   <li>{@link #subscribe(Flow.Subscriber)} or {@link #forEachAsync(Consumer)}: push, on the
 *       client's delivery threads, with back-pressure through {@link Flow.Subscription#request};
 *   <li>{@link #text()} or {@link #result()}: the accumulated text, or the run's result.
 * </ul>
 *
 * A second one throws {@link IllegalStateException}.
 *
 * <pre>{@code
 * try (WorkflowStream stream = client.replay(workflowId)) {
 *   for (AgentEvent event : stream) {                       // ends after agent_finish or error
 *     switch (EventType.of(event)) {
 *       case TEXT_DELTA -> System.out.print(((TextDelta) event.getPayload()).getContent());
 *       case TOOL_CALL -> System.out.println("[tool " + ((ToolCall) event.getPayload()).getToolName() + "]");
 *       default -> {}
 *     }
 *   }
 * }
 *
 * client.tail(workflowId).textChunks().forEach(System.out::print);   // live text
 * }</pre>
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li>Each workflow's events arrive in sequence order, each exactly once: duplicates (a sequence
 *       already delivered) are dropped, events that arrive out of order are put back in order.
 *   <li>A missing sequence is reported as a {@link GapDetectedException} (see {@link GapPolicy});
 *       an undeserializable record as a {@link SkippedRecordException} with its partition and
 *       offset, then skipped. Neither is ever hidden, neither hangs the stream.
 *   <li>The stream ends after the workflow's own {@code agent_finish} or {@code error} event. It
 *       fails with a {@link RunstreamClientException}, thrown by the iterator or passed to {@code
 *       onError}, after every event before the failure was delivered; {@link #lastSequence()} is
 *       then the cursor to {@link RunstreamClient#resume resume} from.
 *   <li>{@link #close()} cancels it at any time, from any thread: a blocked iterator returns, a
 *       push subscriber stops receiving, and the stream's share of readers and buffers is released.
 *       Closing the client closes its streams.
 * </ul>
 *
 * <p>Events are shared between the subscribers of a client: treat them as read-only.
 */
public interface WorkflowStream
    extends Iterable<AgentEvent>, Flow.Publisher<AgentEvent>, AutoCloseable {

  /**
   * The workflow this stream follows.
   *
   * @return its workflow id
   */
  String workflowId();

  /**
   * A blocking iterator over the events. {@code hasNext()} waits for the next event; it returns
   * {@code false} after the terminal event or once the stream is closed, and throws the stream's
   * {@link RunstreamClientException} if it failed.
   *
   * @return the iterator
   * @throws IllegalStateException if the stream is already being consumed
   */
  @Override
  Iterator<AgentEvent> iterator();

  /**
   * The events as a sequential, ordered {@link Stream} (Polos' {@code stream.events}). Closing the
   * {@code Stream} closes this stream.
   *
   * @return the events, in order
   * @throws IllegalStateException if the stream is already being consumed
   */
  Stream<AgentEvent> events();

  /**
   * The text of the workflow's {@code text_delta} events as it is generated (Polos' {@code
   * stream.text_chunks}); children's text is not included. Closing the {@code Stream} closes this
   * stream.
   *
   * <p>Retries: a chunk of a step attempt that was already superseded when it arrives is left out,
   * but a plain string cannot take back text already delivered, so the text of an attempt that a
   * later retry supersedes stays in what this stream gave. A consumer that shows or keeps the text
   * while steps may be retried reads {@link #textUpdates()}, which signals each reset.
   *
   * @return the text chunks, in order
   * @throws IllegalStateException if the stream is already being consumed
   */
  Stream<String> textChunks();

  /**
   * The workflow's text as it is generated, attempt-aware: a {@link TextChunk.Delta} for each of
   * its {@code text_delta} events, and a {@link TextChunk.Reset} when a step is retried (a {@code
   * step_start} with a higher {@code attempt}, see the README's "Attempt-aware retries"): the text
   * the step's earlier attempts streamed is superseded, and the reset carries both that text and
   * the workflow's whole text without it. A delta of an already superseded attempt is left out.
   * Children's text is not included. Closing the {@code Stream} closes this stream.
   *
   * <pre>{@code
   * try (Stream<TextChunk> updates = client.tail(workflowId).textUpdates()) {
   *   updates.forEach(chunk -> {
   *     if (chunk instanceof TextChunk.Reset reset) {
   *       view.replaceText(reset.text());      // drop what the superseded attempt showed
   *     } else {
   *       view.append(((TextChunk.Delta) chunk).text());
   *     }
   *   });
   * }
   * }</pre>
   *
   * For a tail or resume, a reset removes only the superseded text this stream delivered; text of
   * an earlier attempt from before the cursor is not known to it.
   *
   * @return the text changes, in order
   * @throws IllegalStateException if the stream is already being consumed
   */
  Stream<TextChunk> textUpdates();

  /**
   * Consumes the stream and completes with the workflow's text, concatenated in sequence order
   * (Polos' {@code stream.text()}): the whole text for a replay, the text from the cursor on for a
   * tail or resume. The text of step attempts that a retry superseded is left out, as in the
   * materialized view. Cancelling the future closes the stream.
   *
   * @return the text, once the stream has ended
   * @throws IllegalStateException if the stream is already being consumed
   */
  CompletableFuture<String> text();

  /**
   * Consumes the stream and completes with the run's {@link RunResult} once its terminal event
   * arrived (Polos' {@code stream.result()}); a failed run completes normally with status {@code
   * FAILED} and its error. Cancelling the future closes the stream.
   *
   * @return the result, once the terminal event arrived
   * @throws IllegalStateException if the stream is already being consumed
   */
  CompletableFuture<RunResult> result();

  /**
   * Push delivery: the subscriber's methods are called serially on the delivery executor ({@link
   * StreamOptions.Builder#executor}), {@code onNext} never more often than requested. {@code
   * onComplete} follows the terminal event; {@code onError} receives the {@link
   * RunstreamClientException} that ended the stream. {@link Flow.Subscription#cancel()} closes the
   * stream. A second subscriber receives {@code onError(IllegalStateException)}.
   */
  @Override
  void subscribe(Flow.Subscriber<? super AgentEvent> subscriber);

  /**
   * Push delivery without back-pressure bookkeeping: calls {@code action} for each event on the
   * delivery executor. The future completes when the stream ends, exceptionally with its failure or
   * with the action's exception; cancelling it closes the stream.
   *
   * @param action called with each event, serially
   * @return completes when the stream has ended
   * @throws IllegalStateException if the stream is already being consumed
   */
  CompletableFuture<Void> forEachAsync(Consumer<? super AgentEvent> action);

  /**
   * The sequence of this workflow's last event delivered to the consumer, or the cursor it was
   * opened with ({@code afterSequence} of a resume; -1 for a replay, or for a tail before its first
   * event). Pass it to {@link RunstreamClient#resume(String, long)} to continue after a failure.
   *
   * @return the cursor: a sequence, or -1
   */
  long lastSequence();

  /**
   * The snapshot a {@linkplain RunstreamClient#join joined} stream started from: the run's text so
   * far and the last sequence N it reflects; the stream's events are exactly those after N. Present
   * once {@link #opened()} has completed, for a stream opened with {@code join}; empty otherwise.
   *
   * <pre>{@code
   * WorkflowStream stream = client.join(runId);
   * stream.opened().get(10, TimeUnit.SECONDS);
   * RunSnapshot snap = stream.snapshot().orElseThrow();
   * ui.show(snap.text());                       // the text so far, once
   * stream.textChunks().skip(snap.text().isEmpty() ? 0 : 1).forEach(ui::append);
   * }</pre>
   *
   * @return the snapshot, once known
   */
  default Optional<RunSnapshot> snapshot() {
    return Optional.empty();
  }

  /**
   * The position in the events topic of the latest event of this workflow the stream has read: pass
   * it to {@link RunstreamClient#view(String, ViewPosition)} for a view that includes it
   * (read-your-event). It may be ahead of the event the consumer is handling by the events still
   * buffered; a view at least as fresh as it is at least as fresh as what was delivered.
   *
   * @return the position, empty before the first event
   */
  default Optional<ViewPosition> position() {
    return Optional.empty();
  }

  /**
   * Completes once the stream is open: its partition and start are known and it is reading. For a
   * tail this is the "now" it follows from: an event published after this completes is delivered.
   * Completes exceptionally with the stream's failure if it fails before (an unknown topic, the
   * broker unreachable, an invalid cursor).
   *
   * <pre>{@code
   * WorkflowStream stream = client.tail(runId);
   * stream.opened().get(10, TimeUnit.SECONDS);
   * agent.start(runId);   // nothing it publishes can be missed
   * }</pre>
   *
   * @return completes once the stream reads
   */
  CompletableFuture<Void> opened();

  /**
   * Whether the stream has ended: completed, failed or closed.
   *
   * @return {@code true} once ended
   */
  boolean isDone();

  /** Cancels the stream and releases its resources. Idempotent, callable from any thread. */
  @Override
  void close();
}
