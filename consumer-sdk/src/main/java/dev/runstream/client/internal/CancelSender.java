package dev.runstream.client.internal;

import dev.runstream.client.AccessDeniedException;
import dev.runstream.client.BrokerUnavailableException;
import dev.runstream.client.CancelOptions;
import dev.runstream.client.CancelReceipt;
import dev.runstream.client.ClientClosedException;
import dev.runstream.client.ClientConfig;
import dev.runstream.client.RegistryUnavailableException;
import dev.runstream.client.RunstreamClientException;
import dev.runstream.client.StreamFailedException;
import dev.runstream.client.UnknownWorkflowException;
import dev.runstream.client.ViewUnavailableException;
import dev.runstream.client.WorkflowEndedException;
import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.AvroSerializer;
import dev.runstream.schemas.ControlCommand;
import dev.runstream.schemas.ControlCommandType;
import dev.runstream.schemas.SchemaRegistry;
import dev.runstream.schemas.SchemaRegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes cancel requests ({@code ControlCommand} {@code CANCEL}) to the control topic, keyed by
 * the workflow's root, which the view tells (or the caller gives). One idempotent producer, created
 * at the first request.
 */
public final class CancelSender implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CancelSender.class);
  private static final long LOOKUP_RETRY_MS = 250;

  /** The longest workflow id accepted. */
  public static final int MAX_ID_LENGTH = 256;

  private final ClientConfig config;
  private final ViewClient view;
  private final ExecutorService ioPool;
  private final ScheduledExecutorService timer;
  private final Duration brokerTimeout;
  private Producer<byte[], byte[]> producer;
  private AvroSerializer<ControlCommand> serializer;
  private volatile boolean closed;

  CancelSender(
      ClientConfig config,
      ViewClient view,
      ExecutorService ioPool,
      ScheduledExecutorService timer) {
    this.config = config;
    this.view = view;
    this.ioPool = ioPool;
    this.timer = timer;
    this.brokerTimeout = config.brokerTimeout();
  }

  /**
   * Checks a workflow id given to {@code cancel}.
   *
   * @param workflowId the id
   * @throws IllegalArgumentException if it is blank, too long or has control characters
   * @throws NullPointerException if it is {@code null}
   */
  public static void checkId(String workflowId) {
    if (workflowId == null) {
      throw new NullPointerException("workflowId");
    }
    if (workflowId.isBlank()) {
      throw new IllegalArgumentException("workflowId must not be blank");
    }
    if (workflowId.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException(
          "workflowId is " + workflowId.length() + " characters long; at most 256 are allowed");
    }
    if (workflowId.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("workflowId must not contain control characters");
    }
  }

  CompletableFuture<CancelReceipt> cancel(String workflowId, CancelOptions options) {
    CompletableFuture<CancelReceipt> out = new CompletableFuture<>();
    long deadline = System.nanoTime() + config.startTimeout().toNanos();
    resolve(workflowId, options, deadline, out);
    return out;
  }

  private void resolve(
      String workflowId,
      CancelOptions options,
      long deadline,
      CompletableFuture<CancelReceipt> out) {
    String givenRoot = options.rootWorkflowId().orElse(null);
    view.lookup(workflowId, givenRoot)
        .whenComplete(
            (lookup, impossible) -> {
              if (out.isDone()) {
                return;
              }
              if (lookup instanceof ViewClient.Lookup.Found found) {
                ViewSnapshot snapshot = found.snapshot();
                if (snapshot.isTerminal()) {
                  out.completeExceptionally(
                      new WorkflowEndedException(workflowId, snapshot.status()));
                } else {
                  send(workflowId, snapshot.rootWorkflowId(), options, out);
                }
              } else if (givenRoot != null) {
                send(workflowId, givenRoot, options, out);
              } else if (lookup instanceof ViewClient.Lookup.NotFound) {
                if (System.nanoTime() - deadline < 0 && !closed) {
                  // The view lags the events by a commit interval: a run that just started may
                  // not be materialized yet.
                  timer.schedule(
                      () -> resolve(workflowId, options, deadline, out),
                      LOOKUP_RETRY_MS,
                      TimeUnit.MILLISECONDS);
                } else {
                  out.completeExceptionally(
                      new UnknownWorkflowException(
                          workflowId,
                          "the view does not know it (waited "
                              + config.startTimeout().toMillis()
                              + " ms, "
                              + ClientConfig.START_TIMEOUT_MS_CONFIG
                              + "); nothing was published"));
                }
              } else {
                String reason = ((ViewClient.Lookup.Unavailable) lookup).reason();
                out.completeExceptionally(
                    new ViewUnavailableException(
                        "cancelling workflow "
                            + workflowId
                            + " needs the view to find its root workflow id (or give"
                            + " CancelOptions.rootWorkflowId): "
                            + reason
                            + "; nothing was published",
                        null));
              }
            });
  }

  private void send(
      String workflowId, String root, CancelOptions options, CompletableFuture<CancelReceipt> out) {
    try {
      ioPool.execute(() -> sendNow(workflowId, root, options, out));
    } catch (RejectedExecutionException e) {
      out.completeExceptionally(new ClientClosedException("the client is closed"));
    }
  }

  private void sendNow(
      String workflowId, String root, CancelOptions options, CompletableFuture<CancelReceipt> out) {
    try {
      Instant now = Instant.now();
      String tenant = config.tenantId();
      ControlCommand command =
          ControlCommand.newBuilder()
              .setRequestId(UUID.randomUUID().toString())
              .setRootWorkflowId(root)
              .setWorkflowId(workflowId)
              .setCommand(ControlCommandType.CANCEL)
              .setReason(options.reason().orElse(null))
              .setRequestedBy(options.requestedBy().orElse(null))
              .setSource(options.source())
              .setTimestamp(now)
              .setTenantId(tenant.isEmpty() ? null : tenant)
              .build();
      String topic = config.controlTopic();
      Producer<byte[], byte[]> p;
      byte[] value;
      synchronized (this) {
        if (closed) {
          throw new ClientClosedException("the client is closed");
        }
        p = producer();
        value = serializer.serialize(topic, command);
      }
      ProducerRecord<byte[], byte[]> record =
          new ProducerRecord<>(
              topic, null, now.toEpochMilli(), root.getBytes(StandardCharsets.UTF_8), value);
      p.send(
          record,
          (metadata, error) -> {
            if (error != null) {
              out.completeExceptionally(translate(workflowId, error));
            } else {
              LOG.info(
                  "Cancel of workflow {} requested ({}): {}",
                  workflowId,
                  command.getRequestId(),
                  command.getReason());
              out.complete(
                  new CancelReceipt(
                      command.getRequestId(),
                      workflowId,
                      root,
                      command.getReason(),
                      command.getRequestedBy(),
                      command.getSource(),
                      now,
                      topic,
                      metadata.partition(),
                      metadata.offset()));
            }
          });
    } catch (RuntimeException e) {
      out.completeExceptionally(translate(workflowId, e));
    }
  }

  private Producer<byte[], byte[]> producer() {
    if (producer == null) {
      Map<String, Object> serde = new HashMap<>(config.serdeConfig().originals());
      serde.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG, true);
      AvroSerdeConfig serdeConfig = new AvroSerdeConfig(serde);
      serializer = new AvroSerializer<>(SchemaRegistry.connect(serdeConfig), serdeConfig, false);
      int timeout = (int) brokerTimeout.toMillis();
      Map<String, Object> props = new HashMap<>(config.securityProperties());
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
      props.put(ProducerConfig.CLIENT_ID_CONFIG, config.clientId() + "-control");
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
      props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
      props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(30_000, timeout));
      props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout + Math.min(30_000, timeout));
      props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
      producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
    return producer;
  }

  private RunstreamClientException translate(String workflowId, Throwable t) {
    if (t instanceof RunstreamClientException r) {
      return r;
    }
    if (t instanceof SchemaRegistryUnavailableException) {
      return new RegistryUnavailableException(
          "the schema registry at "
              + config.schemaRegistryUrl()
              + " is unavailable, so the cancel request of workflow "
              + workflowId
              + " was not published: "
              + t.getMessage(),
          t);
    }
    if (t instanceof AuthenticationException) {
      return new AccessDeniedException(
          "authentication to "
              + config.bootstrapServers()
              + " failed; check security.protocol, the SASL user and password or the"
              + " certificates: "
              + t.getMessage(),
          t);
    }
    if (t instanceof AuthorizationException) {
      return new AccessDeniedException(
          "the client's principal may not write to the control topic "
              + config.controlTopic()
              + "; it needs WRITE and DESCRIBE on it (see `runstream acl`): "
              + t.getMessage(),
          t);
    }
    if (t instanceof TimeoutException) {
      return new BrokerUnavailableException(
          "the broker at "
              + config.bootstrapServers()
              + " did not take the cancel request of workflow "
              + workflowId
              + " within "
              + brokerTimeout.toMillis()
              + " ms ("
              + ClientConfig.BROKER_TIMEOUT_MS_CONFIG
              + "); is it up, and does topic "
              + config.controlTopic()
              + " exist?",
          t);
    }
    return new StreamFailedException(
        "the cancel request of workflow " + workflowId + " failed: " + t, t);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (producer != null) {
      try {
        producer.close(Duration.ofSeconds(1));
      } catch (RuntimeException e) {
        LOG.debug("closing the control producer", e);
      }
    }
  }
}
