package dev.runstream.client.internal;

import dev.runstream.client.GapDetectedException;
import dev.runstream.client.GapPolicy;
import dev.runstream.client.InvalidCursorException;
import dev.runstream.client.OverflowPolicy;
import dev.runstream.client.RunResult;
import dev.runstream.client.RunSnapshot;
import dev.runstream.client.RunstreamClientException;
import dev.runstream.client.SkippedRecordException;
import dev.runstream.client.StreamTimeoutException;
import dev.runstream.client.SubscriberOverflowException;
import dev.runstream.client.TextChunk;
import dev.runstream.client.UnknownWorkflowException;
import dev.runstream.client.ViewPosition;
import dev.runstream.client.WorkflowStream;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.EventType;
import dev.runstream.schemas.StepFinish;
import dev.runstream.schemas.StepStart;
import dev.runstream.schemas.TextDelta;
import dev.runstream.schemas.ToolCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber's stream: which records it wants, their per-workflow ordering, its bounded buffer,
 * its state between catch-up and live reading, and its consumer side (iterator, push, text,
 * result).
 *
 * <h2>Producer side</h2>
 *
 * Records reach a session from two kinds of readers:
 *
 * <ul>
 *   <li>a catch-up reader of its own (replay, resume, and re-reading after an overflow under {@link
 *       OverflowPolicy#RESUME}), which blocks on the buffer while it is full;
 *   <li>the client's shared live reader of its partition, which never blocks: while the session
 *       catches up, live records wait in a bounded pending list; once live, a record that would not
 *       fit detaches the session (overflow policy).
 * </ul>
 *
 * The hand-off is gapless and duplicate-free: the session registers with the live reader first,
 * which answers the offset L from which it routes records to the session; the catch-up reads up to
 * L, then the pending records are applied, then the session is live. The routing and ordering state
 * is guarded by one lock; the catch-up thread never holds it while it waits for buffer space.
 */
public final class StreamSession implements WorkflowStream {
  private static final Logger LOG = LoggerFactory.getLogger(StreamSession.class);

  /** How the stream was opened. */
  public enum Kind {
    REPLAY,
    TAIL,
    RESUME,
    /** A late joiner: the view's snapshot, then the events after its last sequence. */
    JOIN
  }

  enum State {
    OPENING,
    CATCHING_UP,
    LIVE,
    DETACHED,
    DONE
  }

  /** A record the live reader routed to the session while it was catching up. */
  private record Pending(RecordMeta meta, AgentEvent event, RuntimeException failure) {}

  private final ClientRuntime runtime;
  private final String workflowId;
  private final Kind kind;
  private volatile long afterSequence;
  private volatile ViewSnapshot joined;
  private volatile long currentOffset = -1;
  private volatile long lastOffset = -1;
  private final StreamSettings settings;
  private final SubscriberBuffer buffer;
  private final long openedNanos;
  private final AtomicBoolean claimed = new AtomicBoolean();
  private final CompletableFuture<Void> opened = new CompletableFuture<>();

  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock.
  private State state = State.OPENING;
  private String rootId;
  private volatile int partition = -1;
  private boolean primaryIsRoot;
  private final Set<String> descendants = new HashSet<>();
  private final Map<String, SequenceTracker<AgentEvent>> trackers = new HashMap<>(4);
  private boolean cursorReached;
  private List<Pending> pending;
  private long pendingOverflowFrom = -1;
  private LiveReader live;
  private long resumeFrom = -1;
  private volatile long lastEnqueued;

  private volatile long lastArrivalNanos;
  private volatile boolean sawPrimary;
  private volatile long startDeadlineNanos;
  private volatile long lastDelivered;

  StreamSession(
      ClientRuntime runtime,
      String workflowId,
      Kind kind,
      long afterSequence,
      StreamSettings settings) {
    this.runtime = runtime;
    this.workflowId = workflowId;
    this.kind = kind;
    this.afterSequence = afterSequence;
    this.settings = settings;
    this.buffer = new SubscriberBuffer(settings.bufferSize());
    this.openedNanos = System.nanoTime();
    this.lastArrivalNanos = openedNanos;
    this.lastEnqueued = kind == Kind.RESUME ? afterSequence : -1;
    this.lastDelivered = lastEnqueued;
    this.cursorReached = kind != Kind.RESUME || afterSequence < 0;
  }

  @Override
  public String workflowId() {
    return workflowId;
  }

  Kind kind() {
    return kind;
  }

  long afterSequence() {
    return afterSequence;
  }

  /**
   * A join starts from {@code base}: the events after its last sequence follow. Called once, before
   * anything is read for the session.
   */
  void joinAt(ViewSnapshot base) {
    lock.lock();
    try {
      this.joined = base;
      this.afterSequence = base.lastSequence();
      this.lastEnqueued = base.lastSequence();
      this.lastDelivered = base.lastSequence();
      this.cursorReached = true;
      if (base.hasPosition()) {
        this.lastOffset = base.positionOffset();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<RunSnapshot> snapshot() {
    ViewSnapshot j = joined;
    return j == null ? Optional.empty() : Optional.of(j.toRunSnapshot());
  }

  @Override
  public Optional<ViewPosition> position() {
    long offset = lastOffset;
    int p = partition;
    return offset < 0 || p < 0 ? Optional.empty() : Optional.of(new ViewPosition(p, offset));
  }

  private boolean afterCursor() {
    return kind == Kind.RESUME || kind == Kind.JOIN;
  }

  StreamSettings settings() {
    return settings;
  }

  SubscriberBuffer buffer() {
    return buffer;
  }

  String rootId() {
    lock.lock();
    try {
      return rootId;
    } finally {
      lock.unlock();
    }
  }

  int partition() {
    lock.lock();
    try {
      return partition;
    } finally {
      lock.unlock();
    }
  }

  /** Binds the session to its tree and partition once they are known. */
  void bind(String root, int partitionOfTree) {
    lock.lock();
    try {
      this.rootId = root;
      this.partition = partitionOfTree;
      this.primaryIsRoot = root.equals(workflowId);
    } finally {
      lock.unlock();
    }
  }

  /** Waits for the workflow's first event until the start timeout, then fails as unknown. */
  void awaitStart(String why) {
    long timeout = settings.startTimeoutNanos();
    if (timeout <= 0) {
      fail(new UnknownWorkflowException(workflowId, why));
    } else {
      startReason = why;
      startDeadlineNanos = Math.max(1, System.nanoTime() + timeout);
    }
  }

  private volatile String startReason;

  // ---------------------------------------------------------------- state transitions

  /** Enters catch-up: live records from now on wait in the pending list. */
  void beginCatchUp() {
    lock.lock();
    try {
      if (state == State.DONE) {
        return;
      }
      state = State.CATCHING_UP;
      pending = new ArrayList<>();
      pendingOverflowFrom = -1;
    } finally {
      lock.unlock();
    }
  }

  /** Enters live reading directly (a tail). */
  void beginLive() {
    lock.lock();
    try {
      if (state != State.DONE) {
        state = State.LIVE;
      }
    } finally {
      lock.unlock();
    }
  }

  /** The live reader routes to this session now (called on the reader's thread). */
  void attached(LiveReader reader) {
    boolean ended;
    lock.lock();
    try {
      ended = state == State.DONE;
      if (!ended) {
        this.live = reader;
      }
    } finally {
      lock.unlock();
    }
    if (ended) {
      // Closed while the registration was on its way: do not stay routed.
      reader.unregister(this);
    }
  }

  /** Whether the producer side should stop: the stream ended or was closed. */
  boolean isStopped() {
    return buffer.isTerminated();
  }

  /** Where to read from after an overflow under {@link OverflowPolicy#RESUME}. */
  long resumeFrom() {
    lock.lock();
    try {
      return resumeFrom;
    } finally {
      lock.unlock();
    }
  }

  /** Ends the stream with no (more) events: nothing is left to deliver. */
  void completeNow() {
    finish(null);
  }

  /** Ends the stream with {@code error}, after the events already buffered. */
  void fail(RunstreamClientException error) {
    finish(error);
  }

  private void finish(RunstreamClientException error) {
    LiveReader reader;
    lock.lock();
    try {
      if (state == State.DONE && buffer.isTerminated()) {
        return;
      }
      state = State.DONE;
      pending = null;
      reader = live;
      live = null;
    } finally {
      lock.unlock();
    }
    if (error == null) {
      buffer.complete();
      opened.complete(null);
    } else {
      buffer.fail(error);
      opened.completeExceptionally(error);
    }
    if (reader != null) {
      reader.unregister(this);
    }
    runtime.ended(this);
  }

  @Override
  public void close() {
    buffer.close();
    opened.completeExceptionally(
        new CancellationException("the stream of workflow " + workflowId + " was closed"));
    finish(null);
  }

  @Override
  public CompletableFuture<Void> opened() {
    return opened.copy();
  }

  /** The stream found its start and reads. */
  void markOpened() {
    opened.complete(null);
  }

  @Override
  public boolean isDone() {
    return buffer.isTerminated();
  }

  @Override
  public long lastSequence() {
    return lastDelivered;
  }

  // ---------------------------------------------------------------- routing (pre-decode)

  /** Whether the record may belong to this stream, judged from key and headers only. */
  private boolean admit(RecordMeta m) {
    String wf = m.workflowId();
    if (wf == null) {
      return true;
    }
    if (wf.equals(workflowId)) {
      if (m.sequence() >= 0) {
        boolean duplicate = tracker(wf).isDuplicate(m.sequence());
        noteCursor(m.sequence());
        // A terminal event at or below a resume cursor says where the workflow ended.
        return !duplicate
            || (afterCursor() && m.sequence() <= afterSequence && m.isTerminalByHeader());
      }
      return true;
    }
    if (!settings.includeChildren() || !cursorReached) {
      return false;
    }
    if (primaryIsRoot || descendants.contains(wf)) {
      SequenceTracker<AgentEvent> t = trackers.get(wf);
      return m.sequence() < 0 || t == null || !t.isDuplicate(m.sequence());
    }
    // A workflow of the tree not known yet: decode it to see whether its parent is ours.
    return true;
  }

  private void noteCursor(long primarySequence) {
    if (!cursorReached && primarySequence >= afterSequence) {
      cursorReached = true;
    }
  }

  private boolean belongs(String wf) {
    return wf.equals(workflowId)
        || (settings.includeChildren() && (primaryIsRoot || descendants.contains(wf)));
  }

  // ---------------------------------------------------------------- catch-up reader side

  /** Catch-up reader: whether to decode this record for the session. */
  boolean catchUpWants(RecordMeta meta) {
    lock.lock();
    try {
      return state != State.DONE && admit(meta);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Catch-up reader: applies a decoded record (or its decoding failure) and writes what it produced
   * to the buffer, waiting for space.
   *
   * @return {@code false} when the stream ended (terminal event, failure or close)
   */
  boolean catchUpRecord(RecordMeta meta, AgentEvent event, RuntimeException failure)
      throws InterruptedException {
    Out out = new Out();
    lock.lock();
    try {
      if (state == State.DONE) {
        return false;
      }
      apply(meta, event, failure, System.nanoTime(), out);
    } finally {
      lock.unlock();
    }
    return write(out);
  }

  /**
   * Catch-up reader, at the end of a bounded read of a finished workflow: declares the gaps that
   * remain (up to the view's last sequence, when known) and ends the stream.
   */
  void catchUpEnd(long knownLastSequence) throws InterruptedException {
    Out out = new Out();
    lock.lock();
    try {
      if (state == State.DONE) {
        return;
      }
      for (Map.Entry<String, SequenceTracker<AgentEvent>> e : trackers.entrySet()) {
        e.getValue().flushAll(sink(e.getKey(), out));
      }
      long expected = tracker(workflowId).expected();
      if (!out.terminal
          && knownLastSequence >= 0
          && expected >= 0
          && expected <= knownLastSequence) {
        out.notice(new GapDetectedException(workflowId, expected, knownLastSequence));
      }
    } finally {
      lock.unlock();
    }
    if (write(out) && !out.terminal) {
      finish(null);
    }
  }

  /**
   * Catch-up reader, at the hand-off offset: applies the pending live records and goes live.
   *
   * @return the offset to read from again if the pending list overflowed meanwhile and the session
   *     must re-register with the live reader ({@link OverflowPolicy#RESUME}), else -1
   */
  long handOff() throws InterruptedException {
    while (true) {
      Out out = new Out();
      lock.lock();
      try {
        if (state == State.DONE) {
          return -1;
        }
        if (pendingOverflowFrom >= 0) {
          long from = pendingOverflowFrom;
          pendingOverflowFrom = -1;
          pending = new ArrayList<>();
          live = null;
          if (settings.overflowPolicy() == OverflowPolicy.FAIL) {
            overflowFailure();
            return -1;
          }
          runtime.stats().overflows.increment();
          return from;
        }
        if (pending.isEmpty()) {
          pending = null;
          state = State.LIVE;
          return -1;
        }
        List<Pending> batch = pending;
        pending = new ArrayList<>();
        long now = System.nanoTime();
        for (Pending p : batch) {
          apply(p.meta(), p.event(), p.failure(), now, out);
          if (out.terminal) {
            break;
          }
        }
      } finally {
        lock.unlock();
      }
      if (!write(out)) {
        return -1;
      }
    }
  }

  /** Writes produced items to the buffer, waiting for space (catch-up side). */
  private boolean write(Out out) throws InterruptedException {
    for (Object item : out.items) {
      if (!buffer.put(item)) {
        return false;
      }
      if (item instanceof AgentEvent e) {
        arrived(e);
      }
    }
    if (out.terminal) {
      finish(out.failure);
      return false;
    }
    return !buffer.isTerminated();
  }

  // ---------------------------------------------------------------- live reader side

  /** Live reader: whether to decode this record for the session. */
  boolean liveWants(RecordMeta meta) {
    lock.lock();
    try {
      if (state == State.CATCHING_UP) {
        return pending != null && pendingOverflowFrom < 0 && admit(meta);
      }
      return state == State.LIVE && admit(meta);
    } finally {
      lock.unlock();
    }
  }

  /** Live reader: applies a record, never blocking. */
  void liveRecord(RecordMeta meta, AgentEvent event, RuntimeException failure) {
    Out out = new Out();
    lock.lock();
    try {
      if (state == State.CATCHING_UP) {
        if (pending == null || pendingOverflowFrom >= 0) {
          return;
        }
        if (pending.size() >= settings.bufferSize()) {
          pendingOverflowFrom = pending.isEmpty() ? meta.offset() : pending.get(0).meta().offset();
          pending = new ArrayList<>();
          LiveReader reader = live;
          if (reader != null) {
            reader.unregister(this);
          }
          return;
        }
        pending.add(new Pending(meta, event, failure));
        return;
      }
      if (state != State.LIVE) {
        return;
      }
      if (buffer.freeSlots() < 1 + heldCount()) {
        detach(meta.offset());
        return;
      }
      apply(meta, event, failure, System.nanoTime(), out);
      for (Object item : out.items) {
        if (!buffer.offer(item)) {
          break;
        }
        if (item instanceof AgentEvent e) {
          arrived(e);
        }
      }
    } finally {
      lock.unlock();
    }
    if (out.terminal) {
      finish(out.failure);
    }
  }

  private int heldCount() {
    int held = 0;
    for (SequenceTracker<AgentEvent> t : trackers.values()) {
      held += t.heldCount();
    }
    return held;
  }

  /** The buffer is full: leave the live reader and apply the overflow policy. Holds the lock. */
  private void detach(long nextOffset) {
    LiveReader reader = live;
    live = null;
    if (reader != null) {
      reader.unregister(this);
    }
    runtime.stats().overflows.increment();
    if (settings.overflowPolicy() == OverflowPolicy.FAIL) {
      overflowFailure();
      return;
    }
    state = State.DETACHED;
    resumeFrom = nextOffset;
    LOG.debug(
        "subscriber of {} overflowed {} events; re-reading from offset {} once drained",
        workflowId,
        settings.bufferSize(),
        nextOffset);
    buffer.onDrainedOnce(() -> runtime.reattach(this));
  }

  /** Holds the lock. */
  private void overflowFailure() {
    state = State.DONE;
    pending = null;
    opened.complete(null);
    buffer.fail(new SubscriberOverflowException(workflowId, lastEnqueued, settings.bufferSize()));
    runtime.ended(this);
  }

  /** Called by the client's timer: timeouts, and gaps that waited long enough. */
  void tick(long now) {
    if (buffer.isTerminated()) {
      return;
    }
    if (settings.timeoutNanos() > 0 && now - openedNanos >= settings.timeoutNanos()) {
      fail(
          new StreamTimeoutException(
              "stream of workflow "
                  + workflowId
                  + " did not end within its timeout of "
                  + Duration.ofNanos(settings.timeoutNanos()),
              workflowId,
              lastEnqueued));
      return;
    }
    if (settings.idleTimeoutNanos() > 0 && now - lastArrivalNanos >= settings.idleTimeoutNanos()) {
      fail(
          new StreamTimeoutException(
              "no event of workflow "
                  + workflowId
                  + " arrived for "
                  + Duration.ofNanos(settings.idleTimeoutNanos())
                  + " (idle timeout)",
              workflowId,
              lastEnqueued));
      return;
    }
    long deadline = startDeadlineNanos;
    if (deadline != 0 && !sawPrimary && now - deadline >= 0) {
      fail(
          new UnknownWorkflowException(
              workflowId,
              startReason
                  + ", and no event of it arrived within "
                  + Duration.ofNanos(settings.startTimeoutNanos())));
      return;
    }
    Out out = new Out();
    lock.lock();
    try {
      if (state != State.LIVE) {
        return;
      }
      int held = heldCount();
      if (held == 0 || buffer.freeSlots() < held) {
        return;
      }
      for (Map.Entry<String, SequenceTracker<AgentEvent>> e : trackers.entrySet()) {
        e.getValue().flushExpired(now, sink(e.getKey(), out));
      }
      for (Object item : out.items) {
        if (!buffer.offer(item)) {
          break;
        }
        if (item instanceof AgentEvent e) {
          arrived(e);
        }
      }
    } finally {
      lock.unlock();
    }
    if (out.terminal) {
      finish(null);
    }
  }

  // ---------------------------------------------------------------- ordering

  /** Applies one record to the trackers. Holds the lock. */
  private void apply(RecordMeta m, AgentEvent event, RuntimeException failure, long now, Out out) {
    currentOffset = m.offset();
    if (failure != null) {
      String wf = m.workflowId();
      if (wf != null && !belongs(wf) && !(settings.includeChildren() && !primaryIsRoot)) {
        return;
      }
      runtime.stats().skippedRecords.increment();
      out.notice(
          new SkippedRecordException(
              runtime.topic(), m.partition(), m.offset(), wf, m.sequence(), failure));
      if (wf != null && m.sequence() >= 0 && belongs(wf)) {
        tracker(wf).skip(m.sequence(), now, sink(wf, out));
      }
      return;
    }
    String wf = event.getWorkflowId();
    if (wf.equals(workflowId)) {
      noteCursor(event.getSequence());
      sawPrimary = true;
      if (afterCursor()
          && event.getSequence() <= afterSequence
          && EventType.of(event).isTerminal()) {
        out.terminal = true;
        if (event.getSequence() < afterSequence) {
          out.failure =
              new InvalidCursorException(
                  workflowId,
                  afterSequence,
                  "the workflow ended at sequence " + event.getSequence());
        }
        return;
      }
    } else {
      if (!settings.includeChildren()) {
        return;
      }
      if (primaryIsRoot) {
        if (!Objects.equals(rootId, event.getRootWorkflowId())) {
          return;
        }
      } else if (!descendants.contains(wf)) {
        String parent = event.getParentWorkflowId();
        if (parent != null && (parent.equals(workflowId) || descendants.contains(parent))) {
          descendants.add(wf);
        } else {
          return;
        }
      }
      if (!cursorReached) {
        return;
      }
    }
    tracker(wf).offer(event.getSequence(), event, now, sink(wf, out));
  }

  private SequenceTracker<AgentEvent> tracker(String wf) {
    SequenceTracker<AgentEvent> t = trackers.get(wf);
    if (t == null) {
      long expected;
      if (wf.equals(workflowId)) {
        expected = kind == Kind.REPLAY ? 0 : afterCursor() ? afterSequence + 1 : -1;
      } else {
        expected = kind == Kind.REPLAY ? 0 : -1;
      }
      t =
          new SequenceTracker<>(
              expected, Math.min(settings.bufferSize(), 10_000), settings.gapWaitNanos());
      trackers.put(wf, t);
    }
    return t;
  }

  private SequenceTracker.Sink<AgentEvent> sink(String wf, Out out) {
    boolean primary = wf.equals(workflowId);
    return new SequenceTracker.Sink<>() {
      @Override
      public void deliver(long sequence, AgentEvent event) {
        if (out.terminal) {
          return;
        }
        out.items.add(event);
        if (primary) {
          lastEnqueued = sequence;
          lastOffset = Math.max(lastOffset, currentOffset);
          if (EventType.of(event).isTerminal()) {
            out.terminal = true;
          }
        }
      }

      @Override
      public void gap(long from, long to) {
        runtime.stats().gaps.increment();
        out.notice(new GapDetectedException(wf, from, to));
      }
    };
  }

  private void arrived(AgentEvent e) {
    lastArrivalNanos = System.nanoTime();
  }

  /** What applying records produced, in order. */
  private static final class Out {
    final List<Object> items = new ArrayList<>(2);
    boolean terminal;
    RunstreamClientException failure;

    void notice(RuntimeException report) {
      if (!terminal) {
        items.add(new SubscriberBuffer.Notice(report));
      }
    }
  }

  // ---------------------------------------------------------------- consumer side

  private void claim(String how) {
    if (!claimed.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "the stream of workflow "
              + workflowId
              + " is already being consumed; a stream is consumed once ("
              + how
              + ")");
    }
  }

  /** A delivered event: records the cursor. */
  private void delivered(AgentEvent e) {
    if (workflowId.equals(e.getWorkflowId())) {
      lastDelivered = e.getSequence();
    }
  }

  /**
   * Handles a notice on the consuming thread.
   *
   * @return the failure that must end the stream (a gap under {@link GapPolicy#FAIL}), else null
   */
  private RunstreamClientException notice(SubscriberBuffer.Notice notice) {
    RuntimeException report = notice.report();
    if (report instanceof GapDetectedException gap) {
      if (settings.gapPolicy() == GapPolicy.FAIL) {
        buffer.close();
        finish(null);
        return gap;
      }
      settings.onGap().accept(gap);
    } else if (report instanceof SkippedRecordException skipped) {
      settings.onSkippedRecord().accept(skipped);
    }
    return null;
  }

  @Override
  public Iterator<AgentEvent> iterator() {
    claim("iterator");
    return new BlockingIterator();
  }

  @Override
  public Stream<AgentEvent> events() {
    claim("events");
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(
                new BlockingIterator(), Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(this::close);
  }

  @Override
  public Stream<String> textChunks() {
    claim("textChunks");
    AttemptText attempts = AttemptText.attemptsOnly();
    Stream<String> deltas =
        StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(
                    new BlockingIterator(), Spliterator.ORDERED | Spliterator.NONNULL),
                false)
            .flatMap(e -> textChanges(attempts, e).stream())
            .filter(c -> c instanceof TextChunk.Delta)
            .map(c -> ((TextChunk.Delta) c).text());
    if (kind == Kind.JOIN) {
      // The snapshot's text first, as one chunk, once the stream has found it.
      Stream<String> head =
          Stream.<Supplier<String>>of(this::joinedText)
              .map(Supplier::get)
              .filter(t -> !t.isEmpty());
      deltas = Stream.concat(head, deltas);
    }
    return deltas.onClose(this::close);
  }

  /** The joined snapshot's text, once opened; throws the stream's failure if it did not open. */
  private String joinedText() {
    try {
      opened.join();
    } catch (CompletionException | CancellationException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RunstreamClientException r) {
        throw r;
      }
      return "";
    }
    ViewSnapshot j = joined;
    return j == null ? "" : j.text();
  }

  @Override
  public Stream<TextChunk> textUpdates() {
    claim("textUpdates");
    // A join's text starts as the snapshot's, so that a reset's text is the whole text so far.
    AttemptText[] text = {null};
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(
                new BlockingIterator(), Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .flatMap(
            e -> {
              if (text[0] == null) {
                text[0] = kind == Kind.JOIN ? new AttemptText(joinedText()) : new AttemptText();
              }
              return textChanges(text[0], e).stream();
            })
        .onClose(this::close);
  }

  /** The text changes {@code event} makes: none, a delta, a reset, or a reset and a delta. */
  private List<TextChunk> textChanges(AttemptText text, AgentEvent event) {
    if (!workflowId.equals(event.getWorkflowId())) {
      return List.of();
    }
    Object payload = event.getPayload();
    int attempt = event.getAttempt();
    long sequence = event.getSequence();
    if (payload instanceof StepStart start) {
      AttemptText.Change change = text.stepStarted(start.getStepKey(), attempt);
      return change instanceof AttemptText.Retried retried
          ? List.of(
              new TextChunk.Reset(
                  start.getStepKey(), attempt, sequence, retried.superseded(), text.text()))
          : List.of();
    }
    if (payload instanceof StepFinish || payload instanceof ToolCall) {
      String key =
          payload instanceof StepFinish finish
              ? finish.getStepKey()
              : ((ToolCall) payload).getStepKey();
      AttemptText.Change change =
          payload instanceof StepFinish
              ? text.stepFinished(key, attempt)
              : text.stepEvent(key, attempt);
      return change instanceof AttemptText.Retried retried
          ? List.of(new TextChunk.Reset(key, attempt, sequence, retried.superseded(), text.text()))
          : List.of();
    }
    if (!(payload instanceof TextDelta delta)) {
      return List.of();
    }
    String key = delta.getStepKey();
    AttemptText.Change change = text.delta(key, attempt, delta.getContent());
    TextChunk.Delta chunk = new TextChunk.Delta(key, attempt, sequence, delta.getContent());
    if (change instanceof AttemptText.Stale) {
      return List.of();
    }
    if (change instanceof AttemptText.Retried retried) {
      // The retry's step_start was missed: the reset comes first, then this attempt's text.
      String after = text.text();
      return List.of(
          new TextChunk.Reset(
              key,
              attempt,
              sequence,
              retried.superseded(),
              after.substring(0, after.length() - delta.getContent().length())),
          chunk);
    }
    return List.of(chunk);
  }

  @Override
  public CompletableFuture<String> text() {
    return collect(new ResultCollector(workflowId), "text").thenApply(RunResult::text);
  }

  @Override
  public CompletableFuture<RunResult> result() {
    return collect(new ResultCollector(workflowId), "result");
  }

  /** Consumes the stream into {@code collector}. */
  CompletableFuture<RunResult> collect(ResultCollector collector, String how) {
    CompletableFuture<RunResult> result = new CompletableFuture<>();
    AtomicBoolean seeded = new AtomicBoolean(kind != Kind.JOIN);
    // A join's collector starts from the snapshot, known before any event is buffered.
    Runnable seed =
        () -> {
          ViewSnapshot j = joined;
          if (j != null && seeded.compareAndSet(false, true)) {
            collector.seed(j);
          }
        };
    CompletableFuture<Void> done =
        forEach(
            e -> {
              seed.run();
              collector.accept(e);
            },
            how);
    done.whenComplete(
        (ok, error) -> {
          if (error != null) {
            result.completeExceptionally(unwrap(error));
          } else {
            ViewSnapshot j = joined;
            if (kind == Kind.JOIN && j != null && j.isTerminal() && !seeded.get()) {
              result.complete(ResultCollector.fromView(j));
              return;
            }
            seed.run();
            result.complete(collector.result());
          }
        });
    result.whenComplete(
        (ok, error) -> {
          if (result.isCancelled()) {
            close();
          }
        });
    return result;
  }

  @Override
  public CompletableFuture<Void> forEachAsync(Consumer<? super AgentEvent> action) {
    return forEach(action, "forEachAsync");
  }

  private CompletableFuture<Void> forEach(Consumer<? super AgentEvent> action, String how) {
    Objects.requireNonNull(action, "action");
    claim(how);
    CompletableFuture<Void> done = new CompletableFuture<>();
    Flow.Subscriber<AgentEvent> subscriber =
        new Flow.Subscriber<>() {
          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(AgentEvent item) {
            action.accept(item);
          }

          @Override
          public void onError(Throwable throwable) {
            done.completeExceptionally(throwable);
          }

          @Override
          public void onComplete() {
            done.complete(null);
          }
        };
    done.whenComplete(
        (ok, error) -> {
          if (done.isCancelled()) {
            close();
          }
        });
    new PushDriver(subscriber).start();
    return done;
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super AgentEvent> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!claimed.compareAndSet(false, true)) {
      subscriber.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
          });
      subscriber.onError(
          new IllegalStateException(
              "the stream of workflow " + workflowId + " is already being consumed"));
      return;
    }
    new PushDriver(subscriber).start();
  }

  @Override
  public String toString() {
    return "WorkflowStream{" + kind + " " + workflowId + ", state=" + state + "}";
  }

  /** The blocking iterator over the buffer. */
  private final class BlockingIterator implements Iterator<AgentEvent> {
    private AgentEvent next;
    private RunstreamClientException endError;
    private boolean ended;

    @Override
    public boolean hasNext() {
      if (next != null) {
        return true;
      }
      if (endError != null) {
        throw endError;
      }
      while (!ended) {
        Object item;
        try {
          item = buffer.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          close();
          ended = true;
          return false;
        }
        if (item == SubscriberBuffer.END) {
          ended = true;
          RuntimeException failure = buffer.failure();
          if (failure instanceof RunstreamClientException f) {
            endError = f;
            throw f;
          }
          return false;
        }
        if (item instanceof SubscriberBuffer.Notice n) {
          RunstreamClientException error = notice(n);
          if (error != null) {
            ended = true;
            endError = error;
            throw error;
          }
          continue;
        }
        next = (AgentEvent) item;
        delivered(next);
        return true;
      }
      return false;
    }

    @Override
    public AgentEvent next() {
      if (!hasNext()) {
        throw new NoSuchElementException("the stream of workflow " + workflowId + " has ended");
      }
      AgentEvent e = next;
      next = null;
      return e;
    }
  }

  /**
   * Push delivery of the buffer to a {@link Flow.Subscriber}: serial signals on the executor, at
   * most as many {@code onNext} as requested, a bounded batch per task so that one subscriber does
   * not hold a delivery thread.
   */
  private final class PushDriver implements Flow.Subscription {
    private static final int BATCH = 256;

    private final Flow.Subscriber<? super AgentEvent> subscriber;
    private final Executor executor;
    private final AtomicLong requested = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile boolean cancelled;
    private boolean subscribed;
    private boolean terminated;
    private Throwable requestError;

    PushDriver(Flow.Subscriber<? super AgentEvent> subscriber) {
      this.subscriber = subscriber;
      this.executor = settings.executor();
    }

    void start() {
      buffer.setListener(this::signal);
      signal();
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        requestError =
            new IllegalArgumentException("request(" + n + "): demand must be positive (§3.9)");
      } else {
        requested.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      }
      signal();
    }

    @Override
    public void cancel() {
      cancelled = true;
      close();
    }

    void signal() {
      if (wip.getAndIncrement() == 0) {
        schedule();
      }
    }

    private void schedule() {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        cancelled = true;
        terminated = true;
        LOG.debug("delivery executor rejected the stream of {}", workflowId);
      }
    }

    private void drain() {
      int missed = wip.get();
      int emittedInTask = 0;
      while (true) {
        if (!subscribed) {
          subscribed = true;
          try {
            subscriber.onSubscribe(this);
          } catch (Throwable t) {
            terminateWith(t);
          }
        }
        if (terminated || cancelled) {
          return;
        }
        if (requestError != null) {
          close();
          terminateWith(requestError);
          return;
        }
        long demand = requested.get();
        long emitted = 0;
        while (!terminated && !cancelled) {
          if (emitted == demand) {
            if (buffer.isTerminated() && buffer.isEmpty()) {
              end();
            }
            break;
          }
          if (emittedInTask >= BATCH) {
            consume(demand, emitted);
            schedule();
            return;
          }
          Object item = buffer.poll();
          if (item == null) {
            break;
          }
          if (item == SubscriberBuffer.END) {
            end();
            break;
          }
          if (item instanceof SubscriberBuffer.Notice n) {
            RunstreamClientException error;
            try {
              error = notice(n);
            } catch (Throwable t) {
              close();
              terminateWith(t);
              return;
            }
            if (error != null) {
              terminateWith(error);
              return;
            }
            continue;
          }
          AgentEvent event = (AgentEvent) item;
          delivered(event);
          try {
            subscriber.onNext(event);
          } catch (Throwable t) {
            // §2.13: a throwing onNext cancels the subscription.
            LOG.warn("subscriber of workflow {} threw from onNext; cancelling", workflowId, t);
            cancelled = true;
            close();
            terminateWith(t);
            return;
          }
          emitted++;
          emittedInTask++;
        }
        consume(demand, emitted);
        int remaining = wip.addAndGet(-missed);
        if (remaining == 0) {
          return;
        }
        missed = remaining;
      }
    }

    private void consume(long demand, long emitted) {
      if (emitted > 0 && demand != Long.MAX_VALUE) {
        requested.addAndGet(-emitted);
      }
    }

    private void end() {
      if (terminated) {
        return;
      }
      terminated = true;
      RuntimeException failure = buffer.failure();
      try {
        if (failure != null) {
          subscriber.onError(failure);
        } else if (buffer.isClosed() && !cancelled) {
          subscriber.onError(
              new CancellationException("the stream of workflow " + workflowId + " was closed"));
        } else if (!cancelled) {
          subscriber.onComplete();
        }
      } catch (Throwable t) {
        LOG.warn("subscriber of workflow {} threw from its terminal signal", workflowId, t);
      }
    }

    private void terminateWith(Throwable t) {
      if (terminated) {
        return;
      }
      terminated = true;
      try {
        subscriber.onError(t);
      } catch (Throwable again) {
        LOG.warn("subscriber of workflow {} threw from onError", workflowId, again);
      }
    }
  }
}
