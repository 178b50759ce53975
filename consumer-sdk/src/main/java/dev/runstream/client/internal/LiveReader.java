package dev.runstream.client.internal;

import dev.runstream.client.AccessDeniedException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared live reader of one partition: one Kafka consumer and one thread, {@code assign()}ed
 * (no consumer group) and positioned at the end of the log when it starts, feeding every live
 * session of the client on that partition.
 *
 * <p>Records are routed by key (the root workflow id) to the sessions of that tree, so records of
 * other trees cost a map lookup; a session then judges from the headers whether it wants the
 * record, and the value is decoded once for all the sessions that do. Sessions never block this
 * thread: each applies its own overflow policy.
 *
 * <p>Registration and removal are commands executed by the reader thread between two polls, so the
 * offset a registration answers — the consumer's position — is exactly the first offset the session
 * will be given.
 *
 * <p>When the registry is unreachable a record cannot be decoded; the reader then seeks back to it
 * and retries after a pause rather than skipping it (every session of the partition waits: they all
 * need the same schemas). When the broker is unreachable the consumer keeps retrying; the sessions
 * simply see no records.
 */
final class LiveReader implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveReader.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long REGISTRY_BACKOFF_NANOS = Duration.ofMillis(500).toNanos();

  private final ClientRuntime runtime;
  private final TopicPartition partition;
  private final Consumer<byte[], byte[]> consumer;
  private final Duration brokerTimeout;
  private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
  private final Map<String, List<StreamSession>> routes = new HashMap<>();
  private final List<StreamSession> wanting = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private long pauseUntilNanos;
  private boolean warnedRegistry;

  LiveReader(
      ClientRuntime runtime,
      TopicPartition partition,
      Consumer<byte[], byte[]> consumer,
      Duration brokerTimeout) {
    this.runtime = runtime;
    this.partition = partition;
    this.consumer = consumer;
    this.brokerTimeout = brokerTimeout;
    this.thread = new Thread(this, "runstream-live-" + partition);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  TopicPartition partition() {
    return partition;
  }

  /**
   * Routes {@code session}'s tree to it, from the reader's current position on.
   *
   * @return the offset of the first record the session will be given; fails with the consumer's
   *     exception if the position cannot be known (broker unreachable)
   */
  CompletableFuture<Long> register(StreamSession session) {
    CompletableFuture<Long> registered = new CompletableFuture<>();
    command(
        () -> {
          try {
            long position = position();
            routes.computeIfAbsent(session.rootId(), k -> new ArrayList<>(2)).add(session);
            session.attached(this);
            registered.complete(position);
          } catch (RuntimeException e) {
            registered.completeExceptionally(e);
          }
        });
    return registered;
  }

  /** The consumer's position; a wake-up meant for {@code poll()} may interrupt it once. */
  private long position() {
    while (true) {
      try {
        return consumer.position(partition, brokerTimeout);
      } catch (WakeupException e) {
        // The wake-up that announced this command; the next call goes through.
      }
    }
  }

  /** Stops routing to {@code session}. */
  void unregister(StreamSession session) {
    command(
        () -> {
          List<StreamSession> list = routes.get(session.rootId());
          if (list != null) {
            list.remove(session);
            if (list.isEmpty()) {
              routes.remove(session.rootId());
            }
          }
        });
  }

  private void command(Runnable command) {
    commands.add(command);
    consumer.wakeup();
  }

  @Override
  public void run() {
    try {
      consumer.assign(List.of(partition));
      consumer.seekToEnd(List.of(partition));
      while (running) {
        runCommands();
        if (!running) {
          break;
        }
        if (pauseUntilNanos != 0) {
          long wait = pauseUntilNanos - System.nanoTime();
          if (wait > 0) {
            sleepNanos(Math.min(wait, Duration.ofMillis(50).toNanos()));
            continue;
          }
          pauseUntilNanos = 0;
        }
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(POLL);
        } catch (WakeupException e) {
          continue;
        } catch (InterruptException e) {
          break;
        } catch (AuthenticationException | AuthorizationException e) {
          // Retrying cannot help: fail the subscribers now rather than poll forever.
          AccessDeniedException denied = runtime.accessDenied(e);
          LOG.warn("live reader of {} stops: {}", partition, denied.getMessage());
          for (List<StreamSession> sessions : routes.values()) {
            List.copyOf(sessions).forEach(session -> session.fail(denied));
          }
          routes.clear();
          sleepNanos(Duration.ofMillis(500).toNanos());
          continue;
        } catch (KafkaException e) {
          LOG.warn("live reader of {} failed to poll, retrying: {}", partition, e.toString());
          sleepNanos(Duration.ofMillis(500).toNanos());
          continue;
        }
        if (!records.isEmpty()) {
          dispatch(records.records(partition));
        }
      }
    } catch (RuntimeException | Error e) {
      if (running) {
        LOG.error("live reader of {} stopped", partition, e);
      }
    } finally {
      try {
        consumer.close(CloseOptions.timeout(Duration.ZERO));
      } catch (RuntimeException e) {
        LOG.debug("closing the live reader of {}", partition, e);
      }
    }
  }

  private void runCommands() {
    Runnable command;
    while ((command = commands.poll()) != null) {
      try {
        command.run();
      } catch (RuntimeException e) {
        LOG.warn("live reader command failed on {}", partition, e);
      }
    }
  }

  private void dispatch(List<ConsumerRecord<byte[], byte[]>> records) {
    runtime.stats().liveRecords.add(records.size());
    if (routes.isEmpty()) {
      return;
    }
    for (ConsumerRecord<byte[], byte[]> record : records) {
      byte[] keyBytes = record.key();
      if (keyBytes == null) {
        continue;
      }
      List<StreamSession> sessions = routes.get(new String(keyBytes, StandardCharsets.UTF_8));
      if (sessions == null) {
        continue;
      }
      RecordMeta meta = RecordMeta.of(record);
      wanting.clear();
      for (StreamSession session : sessions) {
        if (session.liveWants(meta)) {
          wanting.add(session);
        }
      }
      if (wanting.isEmpty()) {
        continue;
      }
      EventDecoder.Decoded decoded = runtime.decode(record.value());
      if (decoded.isRetriable()) {
        if (!warnedRegistry) {
          LOG.warn(
              "live reader of {} cannot decode offset {} while the schema registry is"
                  + " unavailable; retrying: {}",
              partition,
              record.offset(),
              decoded.failure().toString());
          warnedRegistry = true;
        }
        consumer.seek(partition, record.offset());
        pauseUntilNanos = System.nanoTime() + REGISTRY_BACKOFF_NANOS;
        return;
      }
      warnedRegistry = false;
      for (StreamSession session : wanting) {
        session.liveRecord(meta, decoded.event(), decoded.failure());
      }
    }
    wanting.clear();
  }

  private static void sleepNanos(long nanos) {
    try {
      Thread.sleep(Math.max(1, nanos / 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the thread and closes the consumer. */
  void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  int routedTrees() {
    return routes.size();
  }
}
