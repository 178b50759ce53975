package dev.runstream.client.internal;

import dev.runstream.client.ClientConfig;
import dev.runstream.client.GapDetectedException;
import dev.runstream.client.GapPolicy;
import dev.runstream.client.OverflowPolicy;
import dev.runstream.client.SkippedRecordException;
import dev.runstream.client.StreamOptions;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link StreamOptions} with every unset value taken from the {@link ClientConfig}.
 *
 * @param includeChildren whether child workflows are included
 * @param bufferSize the per-subscriber buffer size
 * @param overflowPolicy the overflow policy
 * @param gapPolicy the gap policy
 * @param gapWaitNanos how long a held event waits for a missing sequence
 * @param idleTimeoutNanos the idle timeout, 0 for none
 * @param timeoutNanos the overall timeout, 0 for none
 * @param startTimeoutNanos how long an unknown workflow is waited for
 * @param startTimeHint the caller's start time hint, or {@code null}
 * @param rootWorkflowId the caller's root id hint, or {@code null}
 * @param onGap the gap callback
 * @param onSkippedRecord the skipped record callback
 * @param executor the push delivery executor
 */
public record StreamSettings(
    boolean includeChildren,
    int bufferSize,
    OverflowPolicy overflowPolicy,
    GapPolicy gapPolicy,
    long gapWaitNanos,
    long idleTimeoutNanos,
    long timeoutNanos,
    long startTimeoutNanos,
    Instant startTimeHint,
    String rootWorkflowId,
    Consumer<? super GapDetectedException> onGap,
    Consumer<? super SkippedRecordException> onSkippedRecord,
    Executor executor) {

  private static final Logger LOG = LoggerFactory.getLogger(StreamSettings.class);

  /** Resolves {@code options} against {@code config}. */
  public static StreamSettings resolve(
      StreamOptions options, ClientConfig config, Executor deliveryExecutor) {
    return new StreamSettings(
        options.includeChildren(),
        options.bufferSize().orElse(config.bufferSize()),
        options.overflowPolicy().orElse(config.overflowPolicy()),
        options.gapPolicy().orElse(config.gapPolicy()),
        config.gapWait().toNanos(),
        options.idleTimeout().orElse(config.idleTimeout()).toNanos(),
        options.timeout().map(d -> d.toNanos()).orElse(0L),
        options.startTimeout().orElse(config.startTimeout()).toNanos(),
        options.startTimeHint().orElse(null),
        options.rootWorkflowId().orElse(null),
        options.onGap().orElse(gap -> LOG.warn("{}", gap.getMessage())),
        options.onSkippedRecord().orElse(skipped -> LOG.warn("{}", skipped.getMessage())),
        options.executor().orElse(deliveryExecutor));
  }
}
