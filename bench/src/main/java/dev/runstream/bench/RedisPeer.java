package dev.runstream.bench;

import dev.runstream.bench.internal.CpuMeter;
import dev.runstream.bench.internal.RedisServer;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AvroDeserializer;
import dev.runstream.schemas.AvroSerializer;
import dev.runstream.schemas.EventHeaders;
import dev.runstream.schemas.TextDelta;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadParams;

/**
 * The Redis Streams peer: the same events as one stream per workflow ({@code XADD wf:<id> * v
 * <avro> k <key> <headers...>}), on a {@link RedisServer} with AOF {@code appendfsync everysec}.
 */
final class RedisPeer {
  private static final byte[] VALUE = "v".getBytes(StandardCharsets.UTF_8);
  private static final byte[] KEY = "k".getBytes(StandardCharsets.UTF_8);
  private static final int PIPELINE_DEPTH = 1_000;

  private final RedisServer server;

  RedisPeer(RedisServer server) {
    this.server = server;
  }

  Jedis connect() {
    Jedis jedis = new Jedis("127.0.0.1", server.port(), 30_000);
    jedis.connect();
    return jedis;
  }

  void flushAll() {
    try (Jedis jedis = connect()) {
      jedis.flushAll();
    }
  }

  static byte[] streamKey(String workflowId) {
    return ("wf:" + workflowId).getBytes(StandardCharsets.UTF_8);
  }

  /** The stream a record belongs to: its workflow id header. */
  static byte[] streamKey(ProducerRecord<byte[], byte[]> record) {
    Header header = record.headers().lastHeader(EventHeaders.WORKFLOW_ID);
    return streamKey(new String(header.value(), StandardCharsets.UTF_8));
  }

  /** The fields of a record's stream entry: value, key and headers, the same bytes. */
  static Map<byte[], byte[]> fields(ProducerRecord<byte[], byte[]> record) {
    Map<byte[], byte[]> fields = new LinkedHashMap<>();
    fields.put(VALUE, record.value());
    fields.put(KEY, record.key());
    for (Header h : record.headers()) {
      fields.put(h.key().getBytes(StandardCharsets.UTF_8), h.value());
    }
    return fields;
  }

  /**
   * XADDs the records from {@code threads} connections, dealt round-robin like the raw Kafka side,
   * timed until every reply is in.
   */
  PublisherBench.Result publish(
      List<ProducerRecord<byte[], byte[]>> records, int threads, boolean pipelined)
      throws Exception {
    List<List<ProducerRecord<byte[], byte[]>>> parts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      parts.add(new ArrayList<>(records.size() / threads + 1));
    }
    for (int i = 0; i < records.size(); i++) {
      parts.get(i % threads).add(records.get(i));
    }
    List<Jedis> connections = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      connections.add(connect());
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long start = System.nanoTime();
      double cpuStart = CpuMeter.processTreeSeconds();
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Jedis jedis = connections.get(t);
        List<ProducerRecord<byte[], byte[]>> part = parts.get(t);
        futures.add(
            pool.submit(
                () -> {
                  XAddParams params = XAddParams.xAddParams();
                  if (pipelined) {
                    Pipeline pipeline = jedis.pipelined();
                    int pending = 0;
                    for (ProducerRecord<byte[], byte[]> r : part) {
                      pipeline.xadd(streamKey(r), params, fields(r));
                      if (++pending == PIPELINE_DEPTH) {
                        pipeline.sync();
                        pending = 0;
                      }
                    }
                    pipeline.sync();
                  } else {
                    for (ProducerRecord<byte[], byte[]> r : part) {
                      jedis.xadd(streamKey(r), params, fields(r));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      long elapsed = System.nanoTime() - start;
      double cpu = CpuMeter.processTreeSeconds() - cpuStart;
      long bytes = records.stream().mapToLong(PublisherBench::size).sum();
      return new PublisherBench.Result(
          records.size(), bytes, java.time.Duration.ofNanos(elapsed), cpu);
    } finally {
      pool.shutdownNow();
      connections.forEach(Jedis::close);
    }
  }

  /** Appends records pipelined on one connection (the replay background), untimed. */
  void append(List<ProducerRecord<byte[], byte[]>> records) {
    try (Jedis jedis = connect()) {
      Pipeline pipeline = jedis.pipelined();
      XAddParams params = XAddParams.xAddParams();
      int pending = 0;
      for (ProducerRecord<byte[], byte[]> r : records) {
        pipeline.xadd(streamKey(r), params, fields(r));
        if (++pending == PIPELINE_DEPTH) {
          pipeline.sync();
          pending = 0;
        }
      }
      pipeline.sync();
    }
  }

  /** XRANGE of a workflow's whole stream, each value decoded; the events read. */
  int replay(Jedis jedis, String workflowId, AvroDeserializer<AgentEvent> deserializer) {
    List<Object> entries = jedis.xrange(streamKey(workflowId), bytes("-"), bytes("+"));
    int count = 0;
    for (Object entry : entries) {
      AgentEvent event = deserializer.deserialize("redis", value((List<?>) entry));
      if (event != null) {
        count++;
      }
    }
    return count;
  }

  /** The {@code v} field of a raw stream entry {@code [id, [field, value, ...]]}. */
  private static byte[] value(List<?> entry) {
    List<?> fields = (List<?>) entry.get(1);
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      if (java.util.Arrays.equals((byte[]) fields.get(i), VALUE)) {
        return (byte[]) fields.get(i + 1);
      }
    }
    throw new IllegalStateException("stream entry without a value field");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Latency over Redis: {@code workflows} streams, text deltas (Avro-encoded events, as runstream
   * publishes them) XADDed by {@code senders} paced threads, each on its own connection; one reader
   * doing {@code XREAD BLOCK} over every stream decodes them and takes the latency.
   */
  LatencyBench.Outcome latency(
      int rate,
      int seconds,
      int warmupSeconds,
      int workflows,
      int senders,
      AvroSerializer<AgentEvent> serializer,
      AvroDeserializer<AgentEvent> deserializer)
      throws Exception {
    flushAll();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < workflows; i++) {
      ids.add("latency-" + UUID.randomUUID());
    }
    int measured = rate * seconds;
    LatencyBench.Recorder recorder = new LatencyBench.Recorder(measured + 1_000);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong sequence = new AtomicLong();
    java.util.concurrent.CompletableFuture<Void> ready =
        new java.util.concurrent.CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (Jedis jedis = connect()) {
                Map<byte[], byte[]> last = new HashMap<>();
                List<byte[]> keys = new ArrayList<>();
                for (String id : ids) {
                  byte[] key = streamKey(id);
                  keys.add(key);
                  last.put(key, bytes("$"));
                }
                ready.complete(null);
                while (running.get()) {
                  @SuppressWarnings("unchecked")
                  Map.Entry<byte[], byte[]>[] streams = new Map.Entry[keys.size()];
                  for (int i = 0; i < keys.size(); i++) {
                    streams[i] = Map.entry(keys.get(i), last.get(keys.get(i)));
                  }
                  List<Object> reply =
                      jedis.xread(XReadParams.xReadParams().block(100).count(1_000), streams);
                  if (reply == null) {
                    continue;
                  }
                  for (Object s : reply) {
                    List<?> stream = (List<?>) s;
                    byte[] key = (byte[]) stream.get(0);
                    byte[] lastId = null;
                    for (Object e : (List<?>) stream.get(1)) {
                      List<?> entry = (List<?>) e;
                      lastId = (byte[]) entry.get(0);
                      LatencyBench.observe(
                          deserializer.deserialize("redis", value(entry)), recorder);
                    }
                    if (lastId != null) {
                      for (byte[] k : keys) {
                        if (java.util.Arrays.equals(k, key)) {
                          last.put(k, lastId);
                        }
                      }
                    }
                  }
                }
              } catch (RuntimeException e) {
                ready.completeExceptionally(e);
                if (running.get()) {
                  throw e;
                }
              }
            },
            "redis-latency-reader");
    reader.setDaemon(true);
    reader.start();
    ready.get(30, java.util.concurrent.TimeUnit.SECONDS);
    Thread.sleep(200);
    List<Jedis> connections = new ArrayList<>();
    for (int t = 0; t < senders; t++) {
      connections.add(connect());
    }
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    try {
      long[] elapsed = new long[1];
      for (boolean measure : new boolean[] {false, true}) {
        int secs = measure ? seconds : warmupSeconds;
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < senders; t++) {
          Jedis jedis = connections.get(t);
          int offset = t;
          futures.add(
              pool.submit(
                  () -> {
                    XAddParams params = XAddParams.xAddParams();
                    LatencyBench.pace(
                        (i, content) -> {
                          String id = ids.get((i * senders + offset) % ids.size());
                          AgentEvent event =
                              AgentEvent.newBuilder()
                                  .setEventId(UUID.randomUUID().toString())
                                  .setRootWorkflowId(id)
                                  .setWorkflowId(id)
                                  .setAgentId("latency-agent")
                                  .setSequence(sequence.incrementAndGet())
                                  .setTimestamp(Instant.now())
                                  .setTenantId("tenant-a")
                                  .setPayload(
                                      TextDelta.newBuilder()
                                          .setStepKey("llm")
                                          .setContent(content)
                                          .build())
                                  .build();
                          Map<byte[], byte[]> fields = new LinkedHashMap<>();
                          fields.put(VALUE, serializer.serialize("redis", event));
                          fields.put(KEY, bytes(id));
                          jedis.xadd(streamKey(id), params, fields);
                        },
                        Math.max(1, rate / senders),
                        secs,
                        measure);
                    return null;
                  }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
        elapsed[0] = System.nanoTime() - start;
      }
      Thread.sleep(1_000);
      running.set(false);
      reader.join(5_000);
      long sent = (long) Math.max(1, rate / senders) * senders * seconds;
      return new LatencyBench.Outcome(
          rate, sent / (elapsed[0] / 1e9), recorder.sorted(), new long[0], new long[0]);
    } finally {
      pool.shutdownNow();
      connections.forEach(Jedis::close);
      running.set(false);
    }
  }
}
