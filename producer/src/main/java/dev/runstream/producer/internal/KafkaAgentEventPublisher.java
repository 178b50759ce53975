package dev.runstream.producer.internal;

import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.BrokerUnavailableException;
import dev.runstream.producer.CancelRequest;
import dev.runstream.producer.DeliveryFailedException;
import dev.runstream.producer.FatalPublishException;
import dev.runstream.producer.InvalidEventException;
import dev.runstream.producer.PublishException;
import dev.runstream.producer.PublisherClosedException;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.producer.PublisherStats;
import dev.runstream.producer.RegistryUnavailableException;
import dev.runstream.producer.RunOptions;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AvroSerdeException;
import dev.runstream.schemas.SchemaRegistry;
import dev.runstream.schemas.SchemaRegistryUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link AgentEventPublisher} on one idempotent {@code KafkaProducer<byte[], byte[]>}. */
public final class KafkaAgentEventPublisher implements AgentEventPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaAgentEventPublisher.class);

  private final PublisherConfig config;
  private final Producer<byte[], byte[]> producer;
  private final EventEncoder encoder;
  private final String topic;
  private final boolean coalescing;
  private final long coalesceWindowMs;
  private final ScheduledThreadPoolExecutor timer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<Run> openRuns = ConcurrentHashMap.newKeySet();
  private final Map<String, Run> openRunsById = new ConcurrentHashMap<>();
  private volatile ControlListener control;
  private final Set<Run> pendingRuns = ConcurrentHashMap.newKeySet();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder acknowledged = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder coalesced = new LongAdder();
  private final AtomicLong failedSinceFlush = new AtomicLong();
  private final AtomicReference<PublishException> firstFailureSinceFlush = new AtomicReference<>();

  /**
   * A publisher on an existing producer, for tests: no registry call, no broker check.
   *
   * @param config the configuration
   * @param producer the producer; closed by {@link #close()}
   * @param schemaId the registry id of the {@link AgentEvent} schema
   */
  public KafkaAgentEventPublisher(
      PublisherConfig config, Producer<byte[], byte[]> producer, int schemaId) {
    this.config = Objects.requireNonNull(config, "config");
    this.producer = Objects.requireNonNull(producer, "producer");
    this.encoder = new EventEncoder(schemaId);
    this.topic = config.topic();
    this.coalesceWindowMs = config.coalesceWindow().toMillis();
    this.coalescing = coalesceWindowMs > 0;
    if (coalescing) {
      timer =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread thread = new Thread(r, "runstream-publisher-coalescer");
                thread.setDaemon(true);
                return thread;
              });
      timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    } else {
      timer = null;
    }
  }

  /**
   * Creates a publisher as {@link AgentEventPublisher#create(PublisherConfig)} documents.
   *
   * @param config the configuration
   * @return the publisher
   */
  public static KafkaAgentEventPublisher create(PublisherConfig config) {
    int schemaId = registerSchema(config);
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config.kafkaProducerProperties());
    try {
      producer.partitionsFor(config.topic());
    } catch (TimeoutException e) {
      producer.close(Duration.ZERO);
      throw new BrokerUnavailableException(
          "Broker unavailable: could not fetch metadata for topic "
              + config.topic()
              + " from "
              + String.join(",", config.bootstrapServers())
              + " within max.block.ms="
              + config.maxBlock().toMillis()
              + " ms. Is the broker up, and does the topic exist?",
          e);
    } catch (AuthenticationException e) {
      producer.close(Duration.ZERO);
      throw new FatalPublishException(
          "Authentication to "
              + String.join(",", config.bootstrapServers())
              + " failed ("
              + e.getMessage()
              + "); check security.protocol, the SASL user and password or the certificates."
              + " Not retried: the credentials will not become valid by waiting.",
          e);
    } catch (AuthorizationException e) {
      producer.close(Duration.ZERO);
      throw new FatalPublishException(
          "Not authorized for topic "
              + config.topic()
              + " ("
              + e.getMessage()
              + "): the publisher's principal needs WRITE and DESCRIBE on it (see `runstream"
              + " acl`).",
          e);
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw new FatalPublishException(
          "could not fetch metadata for topic " + config.topic() + ": " + e, e);
    }
    LOG.debug("Publisher created: {}", config);
    KafkaAgentEventPublisher publisher = new KafkaAgentEventPublisher(config, producer, schemaId);
    if (config.controlEnabled()) {
      try {
        publisher.control = ControlListener.start(config, publisher::cancelRequested);
      } catch (RuntimeException e) {
        // Cancellation is an extra: publishing must not depend on it.
        LOG.warn(
            "Cancellation disabled: cannot read control topic {}: {}",
            config.controlTopic(),
            e.toString());
      }
    }
    return publisher;
  }

  private static int registerSchema(PublisherConfig config) {
    String subject = SchemaRegistry.topicSubject(config.topic(), false);
    try {
      return SchemaRegistry.connect(config.registryConfig())
          .register(subject, AgentEvent.getClassSchema());
    } catch (SchemaRegistryUnavailableException e) {
      throw new RegistryUnavailableException(
          "Schema registry unavailable: could not register "
              + subject
              + " at "
              + config.schemaRegistryUrl()
              + ": "
              + e.getMessage(),
          e);
    } catch (AvroSerdeException e) {
      throw new FatalPublishException(
          "The schema registry at "
              + config.schemaRegistryUrl()
              + " refused the AgentEvent schema under "
              + subject
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public AgentRun startRun(RunOptions options) {
    Objects.requireNonNull(options, "options");
    if (closed.get()) {
      refused.increment();
      throw new PublisherClosedException(
          "the publisher is closed; run of agent " + options.agentId() + " refused");
    }
    Optional<String> tenant = config.tenantId();
    if (tenant.isPresent()) {
      if (options.tenantId() == null) {
        options = options.toBuilder().tenantId(tenant.get()).build();
      } else if (!options.tenantId().equals(tenant.get())) {
        refused.increment();
        throw new InvalidEventException(
            "run of agent "
                + options.agentId()
                + " is for tenant "
                + options.tenantId()
                + ", but this publisher serves tenant "
                + tenant.get()
                + " (tenant.id); nothing was published",
            null);
      }
    }
    return Run.start(this, options);
  }

  @Override
  public void flush() {
    for (Run run : List.copyOf(pendingRuns)) {
      run.sendPendingNow();
    }
    producer.flush();
    reportFailures();
  }

  private void reportFailures() {
    long count = failedSinceFlush.getAndSet(0);
    PublishException first = firstFailureSinceFlush.getAndSet(null);
    if (count > 0 && first != null) {
      throw new DeliveryFailedException(
          count
              + " event(s) accepted since the previous flush were not delivered; the first: "
              + first.getMessage(),
          first);
    }
  }

  @Override
  public PublisherConfig config() {
    return config;
  }

  @Override
  public PublisherStats stats() {
    return new PublisherStats(
        accepted.sum(), acknowledged.sum(), failed.sum(), refused.sum(), coalesced.sum());
  }

  @Override
  public void close() {
    close(config.deliveryTimeout().plus(config.requestTimeout()));
  }

  @Override
  public void close(Duration timeout) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    RuntimeException pendingFailure = null;
    for (Run run : List.copyOf(pendingRuns)) {
      try {
        run.sendPendingNow();
      } catch (RuntimeException e) {
        pendingFailure = e;
      }
    }
    if (timer != null) {
      timer.shutdownNow();
    }
    ControlListener listener = control;
    if (listener != null) {
      listener.close();
    }
    producer.close(timeout);
    int open = openRuns.size();
    if (open > 0) {
      LOG.warn(
          "Publisher closed with {} run(s) still open; they get no terminal event: {}",
          open,
          openRuns.stream().limit(5).map(Run::toString).toList());
    }
    if (pendingFailure != null) {
      throw pendingFailure;
    }
    reportFailures();
  }

  // ---------------------------------------------------------------- for runs

  boolean isClosed() {
    return closed.get();
  }

  boolean coalescing() {
    return coalescing;
  }

  void send(
      Run run, AgentEvent event, PendingEvent pending, RecordHeaders headers, long timestamp) {
    byte[] value;
    try {
      value = encoder.encode(event);
    } catch (RuntimeException e) {
      refused.increment();
      throw new InvalidEventException("could not encode " + pending.describe() + ": " + e, e);
    }
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(topic, null, timestamp, run.key, value, headers);
    pending.enterSend();
    try {
      producer.send(record, pending);
    } catch (RuntimeException e) {
      refused.increment();
      throw KafkaFailures.synchronous(e, pending.describe(), config);
    } finally {
      pending.exitSend();
    }
    if (pending.syncFailure != null) {
      Exception failure = pending.syncFailure;
      pending.syncFailure = null;
      refused.increment();
      throw KafkaFailures.synchronous(failure, pending.describe(), config);
    }
    accepted.increment();
  }

  void runStarted(Run run) {
    openRuns.add(run);
    openRunsById.put(run.workflowId(), run);
  }

  void runEnded(Run run) {
    openRuns.remove(run);
    openRunsById.remove(run.workflowId(), run);
  }

  /**
   * Hands a cancel request to the open run it names, if this publisher runs it (other workers' runs
   * share the topic); the run passes it on to its open children.
   *
   * @param request the request
   */
  public void cancelRequested(CancelRequest request) {
    Run run = openRunsById.get(request.workflowId());
    if (run == null) {
      LOG.debug("Cancel request {} for a workflow not run here ignored", request.requestId());
      return;
    }
    LOG.info(
        "Cancel requested for workflow {} by {} ({}): {}",
        request.workflowId(),
        request.requestedBy(),
        request.source(),
        request.reason());
    run.requestCancel(request);
  }

  void pendingStarted(Run run, long generation) {
    pendingRuns.add(run);
    try {
      timer.schedule(() -> run.windowElapsed(generation), coalesceWindowMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Closing: close() sends the pending text.
    }
  }

  void pendingCleared(Run run) {
    pendingRuns.remove(run);
  }

  void acknowledged() {
    acknowledged.increment();
  }

  void deliveryFailed(PublishException failure) {
    failed.increment();
    failedSinceFlush.incrementAndGet();
    firstFailureSinceFlush.compareAndSet(null, failure);
    LOG.warn("Event not delivered: {}", failure.getMessage());
  }

  void refused() {
    refused.increment();
  }

  void coalesced(int merged) {
    if (merged > 0) {
      coalesced.add(merged);
    }
  }
}
