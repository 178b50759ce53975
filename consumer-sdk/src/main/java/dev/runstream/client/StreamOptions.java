package dev.runstream.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Immutable options of one {@link WorkflowStream}. Build them with {@link #newBuilder()}; an option
 * that is not set takes the client's configured default ({@link ClientConfig}), so {@link
 * #DEFAULTS} means "as configured".
 *
 * <pre>{@code
 * StreamOptions options = StreamOptions.newBuilder()
 *     .includeChildren(true)                       // sub-agent events too
 *     .bufferSize(256)                             // per subscriber, bounded
 *     .overflowPolicy(OverflowPolicy.FAIL)         // a slow subscriber is detached, may resume
 *     .idleTimeout(Duration.ofSeconds(30))         // no event for 30 s: StreamTimeoutException
 *     .timeout(Duration.ofMinutes(10))             // whole stream
 *     .onSkippedRecord(e -> log.warn("poison record at {}@{}", e.partition(), e.offset()))
 *     .onGap(gap -> log.warn("missing {}..{}", gap.fromSequence(), gap.toSequence()))
 *     .build();
 * try (WorkflowStream stream = client.replay(workflowId, options)) { ... }
 * }</pre>
 *
 * <p>Callbacks ({@link Builder#onGap}, {@link Builder#onSkippedRecord}) run on the thread that
 * consumes the stream — the iterating thread, or the delivery thread of a {@link
 * java.util.concurrent.Flow.Subscriber} — in order with the events, never concurrently with them.
 * The defaults log a warning.
 */
public final class StreamOptions {
  /** No option set: every value is the client's configured default. */
  public static final StreamOptions DEFAULTS = newBuilder().build();

  private final boolean includeChildren;
  private final Integer bufferSize;
  private final OverflowPolicy overflowPolicy;
  private final GapPolicy gapPolicy;
  private final Duration idleTimeout;
  private final Duration timeout;
  private final Duration startTimeout;
  private final Instant startTimeHint;
  private final String rootWorkflowId;
  private final Consumer<? super GapDetectedException> onGap;
  private final Consumer<? super SkippedRecordException> onSkippedRecord;
  private final Executor executor;

  private StreamOptions(Builder b) {
    this.includeChildren = b.includeChildren;
    this.bufferSize = b.bufferSize;
    this.overflowPolicy = b.overflowPolicy;
    this.gapPolicy = b.gapPolicy;
    this.idleTimeout = b.idleTimeout;
    this.timeout = b.timeout;
    this.startTimeout = b.startTimeout;
    this.startTimeHint = b.startTimeHint;
    this.rootWorkflowId = b.rootWorkflowId;
    this.onGap = b.onGap;
    this.onSkippedRecord = b.onSkippedRecord;
    this.executor = b.executor;
  }

  /** A builder with nothing set. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** A builder initialised with these options, to derive a variant. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.includeChildren = includeChildren;
    b.bufferSize = bufferSize;
    b.overflowPolicy = overflowPolicy;
    b.gapPolicy = gapPolicy;
    b.idleTimeout = idleTimeout;
    b.timeout = timeout;
    b.startTimeout = startTimeout;
    b.startTimeHint = startTimeHint;
    b.rootWorkflowId = rootWorkflowId;
    b.onGap = onGap;
    b.onSkippedRecord = onSkippedRecord;
    b.executor = executor;
    return b;
  }

  /** Whether events of sub-agent (child) workflows are delivered too; {@code false} by default. */
  public boolean includeChildren() {
    return includeChildren;
  }

  /** The per-subscriber buffer size, if set (else {@link ClientConfig#BUFFER_SIZE_CONFIG}). */
  public Optional<Integer> bufferSize() {
    return Optional.ofNullable(bufferSize);
  }

  /** The overflow policy, if set (else {@link ClientConfig#OVERFLOW_POLICY_CONFIG}). */
  public Optional<OverflowPolicy> overflowPolicy() {
    return Optional.ofNullable(overflowPolicy);
  }

  /** The gap policy, if set (else {@link ClientConfig#GAP_POLICY_CONFIG}). */
  public Optional<GapPolicy> gapPolicy() {
    return Optional.ofNullable(gapPolicy);
  }

  /** The idle timeout, if set (else {@link ClientConfig#IDLE_TIMEOUT_MS_CONFIG}); zero is none. */
  public Optional<Duration> idleTimeout() {
    return Optional.ofNullable(idleTimeout);
  }

  /** The overall timeout, if set; zero (the default) is none. */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /** The start timeout, if set (else {@link ClientConfig#START_TIMEOUT_MS_CONFIG}). */
  public Optional<Duration> startTimeout() {
    return Optional.ofNullable(startTimeout);
  }

  /** The caller's hint of when the workflow started, if given. */
  public Optional<Instant> startTimeHint() {
    return Optional.ofNullable(startTimeHint);
  }

  /** The root workflow id of a child workflow, if given. */
  public Optional<String> rootWorkflowId() {
    return Optional.ofNullable(rootWorkflowId);
  }

  /** The gap callback, if set. */
  public Optional<Consumer<? super GapDetectedException>> onGap() {
    return Optional.ofNullable(onGap);
  }

  /** The skipped-record callback, if set. */
  public Optional<Consumer<? super SkippedRecordException>> onSkippedRecord() {
    return Optional.ofNullable(onSkippedRecord);
  }

  /** The executor of push delivery, if set (else the client's delivery threads). */
  public Optional<Executor> executor() {
    return Optional.ofNullable(executor);
  }

  @Override
  public String toString() {
    return "StreamOptions{includeChildren="
        + includeChildren
        + (bufferSize == null ? "" : ", bufferSize=" + bufferSize)
        + (overflowPolicy == null ? "" : ", overflowPolicy=" + overflowPolicy)
        + (gapPolicy == null ? "" : ", gapPolicy=" + gapPolicy)
        + (idleTimeout == null ? "" : ", idleTimeout=" + idleTimeout)
        + (timeout == null ? "" : ", timeout=" + timeout)
        + (startTimeout == null ? "" : ", startTimeout=" + startTimeout)
        + (startTimeHint == null ? "" : ", startTimeHint=" + startTimeHint)
        + (rootWorkflowId == null ? "" : ", rootWorkflowId=" + rootWorkflowId)
        + "}";
  }

  /** Builds {@link StreamOptions}; every setter validates its argument at once. */
  public static final class Builder {
    private boolean includeChildren;
    private Integer bufferSize;
    private OverflowPolicy overflowPolicy;
    private GapPolicy gapPolicy;
    private Duration idleTimeout;
    private Duration timeout;
    private Duration startTimeout;
    private Instant startTimeHint;
    private String rootWorkflowId;
    private Consumer<? super GapDetectedException> onGap;
    private Consumer<? super SkippedRecordException> onSkippedRecord;
    private Executor executor;

    private Builder() {}

    /**
     * Whether events of the workflow's sub-agents (child workflows, and theirs) are delivered too,
     * interleaved in the order they were published. Each workflow keeps its own sequence order. The
     * stream still ends with this workflow's own {@code agent_finish} or {@code error}. {@link
     * WorkflowStream#textChunks()} and {@link WorkflowStream#text()} keep to this workflow's text.
     *
     * @param include {@code true} to include children; {@code false} by default
     * @return this builder
     */
    public Builder includeChildren(boolean include) {
      this.includeChildren = include;
      return this;
    }

    /**
     * How many events may wait for this subscriber. When a live subscriber is that far behind, the
     * {@link #overflowPolicy(OverflowPolicy)} applies. Memory grows with the events actually
     * buffered, not with this bound.
     *
     * @param size 1 to 1,000,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder bufferSize(int size) {
      if (size < 1 || size > 1_000_000) {
        throw new IllegalArgumentException("bufferSize must be 1 to 1000000, got " + size);
      }
      this.bufferSize = size;
      return this;
    }

    /**
     * What happens when the buffer of a live subscriber is full; see {@link OverflowPolicy}.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder overflowPolicy(OverflowPolicy policy) {
      this.overflowPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * What happens when sequences are missing; see {@link GapPolicy}.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder gapPolicy(GapPolicy policy) {
      this.gapPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The stream fails with {@link StreamTimeoutException} when no event of it arrives for this
     * long (a broker outage, an agent that hangs). Zero waits forever.
     *
     * @param timeout not negative
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = nonNegative(timeout, "idleTimeout");
      return this;
    }

    /**
     * The stream fails with {@link StreamTimeoutException} when it has not ended this long after it
     * was opened. Zero (the default) is no limit.
     *
     * @param timeout not negative
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = nonNegative(timeout, "timeout");
      return this;
    }

    /**
     * How long a replay, resume, {@code text()} or {@code result()} of a workflow that is found
     * nowhere (not in the view, not in the searched part of the topic) waits for its first event
     * before failing with {@link UnknownWorkflowException}: a workflow may be asked for a moment
     * before it starts. Zero fails at once.
     *
     * @param timeout not negative
     * @return this builder
     */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = nonNegative(timeout, "startTimeout");
      return this;
    }

    /**
     * When the workflow started, roughly, if the caller knows. Only used when the materialized view
     * cannot give the replay index: the time search then starts around this instant instead of
     * searching backwards from now.
     *
     * @param startedAt a time close to the workflow's first event
     * @return this builder
     */
    public Builder startTimeHint(Instant startedAt) {
      this.startTimeHint = Objects.requireNonNull(startedAt, "startedAt");
      return this;
    }

    /**
     * The root workflow id of a child workflow. Events are keyed, and so partitioned, by root id;
     * the view knows the root of every workflow, so this is only needed to stream a child workflow
     * while the view is unavailable. Without it the id is taken to be a root.
     *
     * @param rootWorkflowId the id of the tree's top-level workflow
     * @return this builder
     */
    public Builder rootWorkflowId(String rootWorkflowId) {
      this.rootWorkflowId = requireText(rootWorkflowId, "rootWorkflowId");
      return this;
    }

    /**
     * Receives each gap under {@link GapPolicy#REPORT}. Runs on the consuming thread, in order.
     *
     * @param onGap the callback; the default logs a warning
     * @return this builder
     */
    public Builder onGap(Consumer<? super GapDetectedException> onGap) {
      this.onGap = Objects.requireNonNull(onGap, "onGap");
      return this;
    }

    /**
     * Receives each record of the stream that could not be deserialized and was skipped, with its
     * partition and offset. Runs on the consuming thread, in order.
     *
     * @param onSkippedRecord the callback; the default logs a warning
     * @return this builder
     */
    public Builder onSkippedRecord(Consumer<? super SkippedRecordException> onSkippedRecord) {
      this.onSkippedRecord = Objects.requireNonNull(onSkippedRecord, "onSkippedRecord");
      return this;
    }

    /**
     * The executor that calls a {@link java.util.concurrent.Flow.Subscriber}'s methods. By default
     * the client's {@link ClientConfig#DELIVERY_THREADS_CONFIG} delivery threads, shared by every
     * push subscriber of the client; a subscriber that blocks in {@code onNext} should bring its
     * own. It must run tasks on its own threads: one that runs them on the calling thread (such as
     * {@code Runnable::run}) would run the subscriber on the client's shared reader.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** The immutable options. */
    public StreamOptions build() {
      return new StreamOptions(this);
    }

    private static Duration nonNegative(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative, got " + d);
      }
      return d;
    }

    private static String requireText(String s, String name) {
      Objects.requireNonNull(s, name);
      if (s.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
      return s;
    }
  }
}
