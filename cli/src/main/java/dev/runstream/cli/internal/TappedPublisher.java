package dev.runstream.cli.internal;

import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.producer.PublisherStats;
import dev.runstream.producer.RunOptions;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A publisher that tells the demo a top-level run's workflow id before the run's first event is
 * published, so a consumer can be following it from its very first event. Everything else goes to
 * the wrapped publisher; closing this one leaves the wrapped publisher open.
 */
final class TappedPublisher implements AgentEventPublisher {
  private final AgentEventPublisher delegate;
  private final Consumer<String> beforeStart;

  /**
   * @param delegate the real publisher
   * @param beforeStart called with the workflow id of each top-level run, before its {@code
   *     agent_start} is published; may block (for example until a tail is open)
   */
  TappedPublisher(AgentEventPublisher delegate, Consumer<String> beforeStart) {
    this.delegate = delegate;
    this.beforeStart = beforeStart;
  }

  @Override
  public AgentRun startRun(RunOptions options) {
    String id = options.workflowId() != null ? options.workflowId() : UUID.randomUUID().toString();
    beforeStart.accept(id);
    return delegate.startRun(options.toBuilder().workflowId(id).build());
  }

  @Override
  public void flush() {
    delegate.flush();
  }

  @Override
  public PublisherConfig config() {
    return delegate.config();
  }

  @Override
  public PublisherStats stats() {
    return delegate.stats();
  }

  @Override
  public void close() {
    // The wrapped publisher is shared; its owner closes it.
  }

  @Override
  public void close(Duration timeout) {
    // The wrapped publisher is shared; its owner closes it.
  }
}
