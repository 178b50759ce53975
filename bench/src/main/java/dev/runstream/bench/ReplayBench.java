package dev.runstream.bench;

import com.sun.net.httpserver.HttpServer;
import dev.runstream.client.ClientConfig;
import dev.runstream.client.RunstreamClient;
import dev.runstream.client.StreamOptions;
import dev.runstream.client.WorkflowStream;
import dev.runstream.cluster.LocalCluster;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AgentFinish;
import dev.runstream.schemas.AgentStart;
import dev.runstream.schemas.AvroDeserializer;
import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.AvroSerializer;
import dev.runstream.schemas.EventHeaders;
import dev.runstream.schemas.EventType;
import dev.runstream.schemas.SchemaRegistry;
import dev.runstream.schemas.StepFinish;
import dev.runstream.schemas.StepStart;
import dev.runstream.schemas.StepType;
import dev.runstream.schemas.TextDelta;
import dev.runstream.schemas.Usage;
import dev.runstream.topology.TopologyApp;
import dev.runstream.topology.TopologyConfig;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Indexed replay against a full scan: one workflow of {@code --workflow-events} events sits behind
 * {@code --filler} events of other workflows on a one-partition topic.
 *
 * <ul>
 *   <li><b>indexed</b>: {@code RunstreamClient.replay()} with the replay index (partition and
 *       offset of the first event) from the view: by default the real topology ({@link
 *       TopologyApp}, run in-process on this topic), which materializes every event first; with
 *       {@code --view stub}, an HTTP server answering in the topology's {@code GET /workflows/{id}}
 *       format with the offset from the producer's acknowledgement. Then {@code assign()}, {@code
 *       seek()}, read;
 *   <li><b>time search</b>: the same replay with the view unavailable and a start-time hint, the
 *       workflow published 2 s after the filler, first search window 1 s;
 *   <li><b>full scan, headers</b>: a plain consumer from the beginning of the partition to the
 *       workflow's terminal event, selecting its records by header and decoding only those — the
 *       best a naive consumer does;
 *   <li><b>full scan, decode all</b>: the same with a value deserializer, decoding every record.
 * </ul>
 *
 * Each is run once cold, then {@value #REPEATS} times; the median is reported.
 */
final class ReplayBench {
  static final String TOPIC = "bench-replay";
  private static final TopologyConfig.Topics TOPICS =
      new TopologyConfig.Topics(TOPIC, TOPIC + "-runs", TOPIC + "-usage", TOPIC + "-dlq");
  private static final int REPEATS = 5;

  static {
    // Its static initializer declares runstream's generated classes trusted to Avro.
    try {
      Class.forName(AvroDeserializer.class.getName());
    } catch (ClassNotFoundException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private ReplayBench() {}

  static List<Measure> run(LocalCluster cluster, Map<String, String> options) throws Exception {
    int filler = ConsumerBench.intOption(options, "filler", 1_000_000);
    int workflowEvents = ConsumerBench.intOption(options, "workflow-events", 1_000);
    System.out.printf(
        Locale.ROOT,
        "%n== Replay: one %,d-event workflow behind %,d other events on its partition ==%n",
        workflowEvents,
        filler);
    boolean realView = !"stub".equals(options.getOrDefault("view", "topology"));
    TopologyBench.createTopologyTopics(cluster, TOPICS);
    TopologyApp topology = realView ? startTopology(cluster) : null;
    try {
      return run(cluster, filler, workflowEvents, topology);
    } finally {
      if (topology != null) {
        topology.close();
      }
    }
  }

  private static TopologyApp startTopology(LocalCluster cluster) throws Exception {
    Path state = Files.createTempDirectory("bench-replay-topology");
    TopologyApp app =
        TopologyBench.startTopology(cluster, "bench-replay-" + UUID.randomUUID(), TOPICS, state);
    if (!app.awaitRunning(Duration.ofMinutes(2))) {
      throw new IllegalStateException("the topology did not start");
    }
    return app;
  }

  private static List<Measure> run(
      LocalCluster cluster, int filler, int workflowEvents, TopologyApp topology) throws Exception {
    AvroSerdeConfig serde =
        new AvroSerdeConfig(
            Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, cluster.schemaRegistryUrl()));
    AvroSerializer<AgentEvent> serializer =
        new AvroSerializer<>(SchemaRegistry.connect(serde), serde, false);

    String target = "replay-target-" + UUID.randomUUID();
    RecordMetadata first;
    Instant targetStart;
    long fillStart = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.BATCH_SIZE_CONFIG,
                65_536),
            new StringSerializer(),
            new ByteArraySerializer())) {
      int sent = 0;
      while (sent < filler) {
        String other = "filler-" + UUID.randomUUID();
        for (AgentEvent e : workflow(other, Math.min(100, filler - sent))) {
          send(producer, serializer, e);
          sent++;
        }
      }
      producer.flush();
      System.out.printf(
          Locale.ROOT,
          "Published %,d filler events in %.1f s%n",
          filler,
          (System.nanoTime() - fillStart) / 1e9);
      Thread.sleep(2_000);
      targetStart = Instant.now();
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (AgentEvent e : workflow(target, workflowEvents)) {
        acks.add(send(producer, serializer, e));
      }
      producer.flush();
      first = acks.get(0).get();
    }
    System.out.printf(
        Locale.ROOT,
        "The workflow's first event is at offset %,d of partition %d%n",
        first.offset(),
        first.partition());

    HttpServer stub =
        topology == null
            ? viewServer(target, workflowEvents, first.partition(), first.offset())
            : null;
    try {
      String viewUrl;
      if (topology == null) {
        viewUrl = "http://127.0.0.1:" + stub.getAddress().getPort();
        System.out.println("Replay index from an HTTP stub of the view (--view stub)");
      } else {
        viewUrl = topology.httpAddress().toString();
        long wait = System.nanoTime();
        awaitFinished(topology.httpAddress(), target);
        System.out.printf(
            Locale.ROOT,
            "Replay index from the real topology, which materialized all %,d events (%.1f s after"
                + " the last publish)%n",
            filler + workflowEvents,
            (System.nanoTime() - wait) / 1e9);
      }
      ClientConfig indexedConfig = clientConfig(cluster).queryUrl(viewUrl).build();
      ClientConfig searchConfig =
          clientConfig(cluster)
              .withoutView()
              .set(ClientConfig.REPLAY_LOOKBACK_INITIAL_MS_CONFIG, 1_000)
              .build();
      List<Measure> results = new ArrayList<>();
      try (RunstreamClient client = RunstreamClient.create(indexedConfig)) {
        results.add(
            measure(
                "indexed replay (view index, seek)",
                workflowEvents,
                () -> replay(client, target, StreamOptions.DEFAULTS, workflowEvents),
                () -> client.stats().catchUpRecordsRead()));
      }
      try (RunstreamClient client = RunstreamClient.create(searchConfig)) {
        StreamOptions hinted = StreamOptions.newBuilder().startTimeHint(targetStart).build();
        results.add(
            measure(
                "time search (no view, start hint)",
                workflowEvents,
                () -> replay(client, target, hinted, workflowEvents),
                () -> client.stats().catchUpRecordsRead()));
      }
      long[] scanned = new long[1];
      results.add(
          measure(
              "full scan, select by header",
              workflowEvents,
              () -> fullScan(cluster, target, false, scanned),
              () -> scanned[0]));
      results.add(
          measure(
              "full scan, decode every record",
              workflowEvents,
              () -> fullScan(cluster, target, true, scanned),
              () -> scanned[0]));

      Measure indexed = results.get(0);
      System.out.printf(
          Locale.ROOT,
          "%-34s %12s %12s %16s %10s%n",
          "",
          "cold ms",
          "median ms",
          "records read",
          "vs indexed");
      for (Measure m : results) {
        System.out.printf(
            Locale.ROOT,
            "%-34s %12.1f %12.1f %,16d %9.0fx%n",
            m.name(),
            m.coldMs(),
            m.medianMs(),
            m.recordsRead(),
            m.medianMs() / indexed.medianMs());
      }
      System.out.printf(
          Locale.ROOT,
          "Indexed replay is %.0fx faster than the header-selecting full scan and %.0fx faster"
              + " than decoding every record (medians).%n",
          results.get(2).medianMs() / indexed.medianMs(),
          results.get(3).medianMs() / indexed.medianMs());
      return results;
    } finally {
      if (stub != null) {
        stub.stop(0);
      }
    }
  }

  /** Waits until the view says the workflow finished. */
  private static void awaitFinished(URI view, String workflowId) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(view.resolve("/workflows/" + workflowId)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200 && r.body().contains("\"FINISHED\"")) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the topology did not materialize " + workflowId);
  }

  record Measure(String name, double coldMs, double medianMs, long recordsRead) {}

  interface Task {
    int run() throws Exception;
  }

  private static Measure measure(String name, int expected, Task task, LongSupplier records)
      throws Exception {
    return measure(name, expected, task, records, REPEATS);
  }

  /** Runs {@code task} once cold and {@code repeats} times warm; the median of the warm runs. */
  static Measure measure(String name, int expected, Task task, LongSupplier records, int repeats)
      throws Exception {
    double[] ms = new double[repeats + 1];
    long readBefore = records.getAsLong();
    long readOnce = 0;
    for (int i = 0; i <= repeats; i++) {
      long start = System.nanoTime();
      int got = task.run();
      ms[i] = (System.nanoTime() - start) / 1e6;
      if (got != expected) {
        throw new IllegalStateException(name + " read " + got + " events, expected " + expected);
      }
      if (i == 0) {
        readOnce = records.getAsLong() - readBefore;
      }
    }
    double[] warm = Arrays.copyOfRange(ms, 1, ms.length);
    Arrays.sort(warm);
    return new Measure(name, ms[0], warm[warm.length / 2], readOnce);
  }

  static int replay(
      RunstreamClient client, String workflowId, StreamOptions options, int expected) {
    int count = 0;
    try (WorkflowStream stream = client.replay(workflowId, options)) {
      for (AgentEvent ignored : stream) {
        count++;
      }
    }
    return count;
  }

  /** A naive reader: the partition from its beginning up to the workflow's terminal event. */
  static int fullScan(LocalCluster cluster, String workflowId, boolean decodeAll, long[] scanned) {
    AvroSerdeConfig serde =
        new AvroSerdeConfig(
            Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, cluster.schemaRegistryUrl()));
    AvroDeserializer<AgentEvent> deserializer =
        new AvroDeserializer<>(AgentEvent.class, SchemaRegistry.connect(serde));
    byte[] id = workflowId.getBytes(StandardCharsets.UTF_8);
    int count = 0;
    long read = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(TOPIC, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      while (true) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          read++;
          AgentEvent event = null;
          if (decodeAll) {
            event = deserializer.deserialize(TOPIC, r.value());
            if (!workflowId.equals(event.getWorkflowId())) {
              continue;
            }
          } else {
            Header header = r.headers().lastHeader(EventHeaders.WORKFLOW_ID);
            if (header == null || !Arrays.equals(id, header.value())) {
              continue;
            }
            event = deserializer.deserialize(TOPIC, r.value());
          }
          count++;
          if (EventType.of(event).isTerminal()) {
            scanned[0] += read;
            return count;
          }
        }
      }
    }
  }

  static ClientConfig.Builder clientConfig(LocalCluster cluster) {
    return ClientConfig.newBuilder()
        .bootstrapServers(cluster.bootstrapServers())
        .schemaRegistryUrl(cluster.schemaRegistryUrl())
        .topic(TOPIC);
  }

  private static Future<RecordMetadata> send(
      KafkaProducer<String, byte[]> producer, AvroSerializer<AgentEvent> serializer, AgentEvent e) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(EventHeaders.WORKFLOW_ID, e.getWorkflowId().getBytes(StandardCharsets.UTF_8));
    headers.add(
        EventHeaders.SEQUENCE, Long.toString(e.getSequence()).getBytes(StandardCharsets.UTF_8));
    headers.add(
        EventHeaders.EVENT_TYPE, EventType.of(e).wireName().getBytes(StandardCharsets.UTF_8));
    return producer.send(
        new ProducerRecord<>(
            TOPIC, null, e.getRootWorkflowId(), serializer.serialize(TOPIC, e), headers));
  }

  /** A run of {@code count} events: start, an LLM step streaming text, finish. */
  static List<AgentEvent> workflow(String id, int count) {
    List<AgentEvent> events = new ArrayList<>(count);
    Usage usage =
        Usage.newBuilder()
            .setInputTokens(400)
            .setOutputTokens(count)
            .setTotalTokens(400 + count)
            .setCostUsd(new BigDecimal("0.000123000000"))
            .build();
    for (int seq = 0; seq < count; seq++) {
      Object payload;
      if (seq == 0) {
        payload = AgentStart.newBuilder().setInput("What is the weather in Tokyo?").build();
      } else if (seq == count - 1) {
        payload =
            AgentFinish.newBuilder()
                .setOutput("It is sunny in Tokyo.")
                .setTotalSteps(1)
                .setUsage(usage)
                .build();
      } else if (seq == 1) {
        payload = StepStart.newBuilder().setStepKey("llm_1").setStepType(StepType.LLM).build();
      } else if (seq == count - 2) {
        payload =
            StepFinish.newBuilder()
                .setStepKey("llm_1")
                .setDurationMs(800)
                .setUsage(usage)
                .setModel("gpt-4o-mini")
                .build();
      } else {
        payload = TextDelta.newBuilder().setStepKey("llm_1").setContent(" token" + seq).build();
      }
      events.add(
          AgentEvent.newBuilder()
              .setEventId(UUID.randomUUID().toString())
              .setRootWorkflowId(id)
              .setWorkflowId(id)
              .setAgentId("weather-agent")
              .setSequence(seq)
              .setTimestamp(Instant.now())
              .setTenantId("tenant-a")
              .setPayload(payload)
              .build());
    }
    return events;
  }

  /** Serves the replay index as the topology's query service does. */
  static HttpServer viewServer(String workflowId, int events, int partition, long offset)
      throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String json =
        String.format(
            Locale.ROOT,
            "{\"workflow_id\":\"%s\",\"root_workflow_id\":\"%s\",\"status\":\"FINISHED\","
                + "\"last_sequence\":%d,\"text\":\"\",\"output\":\"It is sunny in Tokyo.\","
                + "\"total_steps\":1,\"tool_results\":[],"
                + "\"usage\":{\"input_tokens\":400,\"output_tokens\":%d,\"total_tokens\":%d,"
                + "\"cost_usd\":\"0.000123000000\"},\"error\":null,"
                + "\"first_event_partition\":%d,\"first_event_offset\":%d}",
            workflowId,
            workflowId,
            events - 1,
            events,
            400 + events,
            partition,
            offset);
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/workflows/",
        exchange -> {
          boolean known = exchange.getRequestURI().getPath().endsWith("/" + workflowId);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(known ? 200 : 404, known ? body.length : -1);
          if (known) {
            exchange.getResponseBody().write(body);
          }
          exchange.close();
        });
    server.start();
    return server;
  }
}
