package dev.runstream.topology;

import static dev.runstream.topology.ItSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.RunOptions;
import dev.runstream.producer.RunStep;
import dev.runstream.producer.TokenUsage;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.AvroSerializer;
import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.StepType;
import dev.runstream.schemas.TextDelta;
import dev.runstream.schemas.WorkflowRun;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** End to end on a real broker and registry, with events from the producer library. */
class TopologyIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perClass();

  @TempDir static Path stateDir;
  static TopologyApp app;
  static AgentEventPublisher publisher;

  @BeforeAll
  static void start() {
    app =
        TopologyApp.start(
            ItSupport.topologyConfig(CLUSTER.cluster(), stateDir, "topology-it").build());
    assertThat(app.awaitRunning(Duration.ofSeconds(90))).isTrue();
    publisher = AgentEventPublisher.create(ItSupport.publisherConfig(CLUSTER.cluster()).build());
  }

  @AfterAll
  static void stop() {
    if (publisher != null) {
      publisher.close();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  void shouldMaterializeRunTreeEndToEndWhenPublishedWithThePublisher() throws Exception {
    AgentRun root =
        publisher.startRun(
            RunOptions.newBuilder().agentId("weather").input("Tokyo?").tenantId("acme").build());
    RunStep llm = root.startStep("llm_1", StepType.LLM);
    StringBuilder expected = new StringBuilder();
    for (String word : List.of("It ", "is ", "sunny ", "in ", "Tokyo ☀")) {
      llm.textDelta(word);
      expected.append(word);
    }
    llm.toolCall("call_1", "get_weather", "{\"city\":\"Tokyo\"}");
    llm.finish("{}", "gpt-4o-mini", TokenUsage.of(400, 40, new BigDecimal("0.000084")));
    RunStep tool = root.startToolStep("get_weather", "call_1");
    tool.finish("{\"temp_c\":18}");
    AgentRun child = root.startChildRun("researcher", "dig");
    RunStep childStep = child.startStep("c1", StepType.LLM);
    childStep.textDelta("child says hi");
    childStep.finish(null, "gpt-4o", TokenUsage.of(10, 5, new BigDecimal("0.0001")));
    child.finish("ok");
    root.finish("It is sunny in Tokyo.").get();
    String rootId = root.workflowId();
    String childId = child.workflowId();

    URI base = app.httpAddress();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> status(get(base, "workflows/" + rootId)).equals("FINISHED"));
    JsonNode run = get(base, "workflows/" + rootId).body();
    assertThat(run.path("text").asText()).isEqualTo(expected.toString());
    assertThat(run.path("agent_id").asText()).isEqualTo("weather");
    assertThat(run.path("tenant_id").asText()).isEqualTo("acme");
    assertThat(run.path("parent_workflow_id").isNull()).isTrue();
    assertThat(run.path("children")).extracting(JsonNode::asText).containsExactly(childId);
    assertThat(run.path("steps")).hasSize(2);
    assertThat(run.path("steps").get(0).path("step_type").asText()).isEqualTo("LLM");
    assertThat(run.path("steps").get(0).path("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(run.path("steps").get(0).path("usage").path("cost_usd").asText())
        .isEqualTo("0.000084000000");
    assertThat(run.path("tool_results").get(0).path("output").asText())
        .isEqualTo("{\"temp_c\":18}");
    assertThat(Instant.parse(run.path("started_at").asText())).isBefore(Instant.now());
    assertThat(run.path("usage").path("input_tokens").asLong()).isEqualTo(400);
    assertThat(run.path("first_event_partition").asInt()).isBetween(0, 5);
    assertThat(run.path("first_event_offset").asLong()).isNotNegative();
    assertThat(run.path("gaps")).isEmpty();

    JsonNode childRun = get(base, "workflows/" + childId + "?root=" + rootId).body();
    assertThat(childRun.path("text").asText()).isEqualTo("child says hi");
    assertThat(childRun.path("parent_workflow_id").asText()).isEqualTo(rootId);
    assertThat(childRun.path("first_event_partition").asInt())
        .isEqualTo(run.path("first_event_partition").asInt());
    assertThat(get(base, "workflows/" + childId).body().path("workflow_id").asText())
        .as("found without the root hint too")
        .isEqualTo(childId);
    assertThat(get(base, "workflows/no-such-run").status()).isEqualTo(404);

    try (KafkaConsumer<String, WorkflowRun> consumer = ItSupport.runsConsumer(CLUSTER.cluster())) {
      Map<String, WorkflowRun> latest =
          ItSupport.latestRuns(
              consumer,
              new HashMap<>(),
              m -> isFinished(m.get(rootId)) && isFinished(m.get(childId)),
              Duration.ofSeconds(60));
      assertThat(latest.get(rootId).getText()).isEqualTo(expected.toString());
      assertThat(latest.get(childId).getText()).isEqualTo("child says hi");
    }

    JsonNode finished = get(base, "workflows?status=FINISHED&limit=1000").body();
    assertThat(finished.path("workflows").findValuesAsText("workflow_id"))
        .contains(rootId, childId);
    assertThat(finished.path("workflows").get(0).has("text")).isFalse();
    assertThat(
            get(base, "workflows?status=RUNNING")
                .body()
                .path("workflows")
                .findValuesAsText("workflow_id"))
        .doesNotContain(rootId, childId);

    JsonNode usage = get(base, "usage?dimension=MODEL&key=gpt-4o-mini").body();
    assertThat(usage.path("aggregates")).isNotEmpty();
    assertThat(usage.path("aggregates").get(0).path("dimension").asText()).isEqualTo("MODEL");
    assertThat(usage.path("aggregates").get(0).path("steps").asLong()).isPositive();
    JsonNode tenants = get(base, "usage?dimension=TENANT").body();
    assertThat(tenants.path("aggregates").findValuesAsText("key")).contains("acme");
  }

  @Test
  void shouldDropSupersededTextWhenAStepIsRetriedMidRun() throws Exception {
    AgentRun run = publisher.startRun("retrying", "Explain retries");
    RunStep intro = run.startStep("llm_1", StepType.LLM);
    intro.textDelta("Intro. ");
    intro.finish(null);
    RunStep first = run.startStep("llm_2", StepType.LLM);
    first.textDelta("FIRST ATTEMPT ");
    first.textDelta("cut short");
    publisher.flush();
    String id = run.workflowId();
    URI base = app.httpAddress();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              ItSupport.Reply reply = get(base, "workflows/" + id);
              return reply.status() == 200
                  && reply.body().path("text").asText().endsWith("FIRST ATTEMPT cut short");
            });

    RunStep second = first.retry();
    second.textDelta("Second attempt. ");
    second.finish(null);
    RunStep outro = run.startStep("llm_3", StepType.LLM);
    outro.textDelta("The end.");
    outro.finish(null);
    run.finish("done").get();

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> status(get(base, "workflows/" + id)).equals("FINISHED"));
    JsonNode view = get(base, "workflows/" + id).body();
    assertThat(view.path("text").asText()).isEqualTo("Intro. Second attempt. The end.");
    assertThat(view.path("steps").findValuesAsText("step_key"))
        .containsExactly("llm_1", "llm_2", "llm_3");
    assertThat(view.path("steps").get(1).path("attempts").asInt()).isEqualTo(2);
    assertThat(view.path("steps").get(0).path("attempts").asInt()).isEqualTo(1);
    try (KafkaConsumer<String, WorkflowRun> consumer = ItSupport.runsConsumer(CLUSTER.cluster())) {
      Map<String, WorkflowRun> latest =
          ItSupport.latestRuns(
              consumer, new HashMap<>(), m -> isFinished(m.get(id)), Duration.ofSeconds(60));
      assertThat(latest.get(id).getText()).isEqualTo("Intro. Second attempt. The end.");
      assertThat(latest.get(id).getSteps().get(1).getAttempts()).isEqualTo(2);
    }
  }

  @Test
  void shouldSendPoisonPillsToDeadLetterTopicAndKeepGoingWhenEventsAreBad() throws Exception {
    AgentRun done = publisher.startRun("poisoned", null);
    done.startStep("s", StepType.LLM).finish("x");
    done.finish("ok").get();
    String id = done.workflowId();
    URI base = app.httpAddress();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> status(get(base, "workflows/" + id)).equals("FINISHED"));
    double before = app.metricTotal("dead-letter-records-total");

    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.cluster().bootstrapServers());
    props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, CLUSTER.cluster().schemaRegistryUrl());
    List<RecordMetadata> sent = new ArrayList<>();
    try (KafkaProducer<String, byte[]> raw =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      sent.add(
          raw.send(
                  new ProducerRecord<>(
                      "agent-events", id, "not avro".getBytes(StandardCharsets.UTF_8)))
              .get());
      byte[] unknownId = ByteBuffer.allocate(9).put((byte) 0).putInt(987654).putInt(7).array();
      sent.add(raw.send(new ProducerRecord<>("agent-events", id, unknownId)).get());
    }
    AvroSerializer<AgentEvent> serializer = new AvroSerializer<>();
    serializer.configure(props, false);
    try (KafkaProducer<String, AgentEvent> events =
        new KafkaProducer<>(props, new StringSerializer(), serializer)) {
      AgentEvent late =
          AgentEvent.newBuilder()
              .setEventId(UUID.randomUUID().toString())
              .setRootWorkflowId(id)
              .setWorkflowId(id)
              .setAgentId("poisoned")
              .setSequence(100)
              .setTimestamp(Instant.now())
              .setPayload(new TextDelta("s", "after the end"))
              .build();
      sent.add(events.send(new ProducerRecord<>("agent-events", id, late)).get());
    }

    List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> dlq =
        ItSupport.bytesConsumer(CLUSTER.cluster(), "agent-events-dlq")) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                dlq.poll(Duration.ofMillis(200)).forEach(letters::add);
                return letters.stream().filter(r -> key(r).equals(id)).count() >= 3;
              });
    }
    List<ConsumerRecord<byte[], byte[]>> ours =
        letters.stream().filter(r -> key(r).equals(id)).toList();
    assertThat(ours)
        .extracting(r -> header(r, DeadLetterHeaders.REASON))
        .containsExactly("MALFORMED_RECORD", "UNKNOWN_SCHEMA", "INVALID_EVENT");
    assertThat(header(ours.get(2), DeadLetterHeaders.DETAIL)).isEqualTo("AFTER_TERMINAL");
    for (int i = 0; i < 3; i++) {
      assertThat(header(ours.get(i), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("agent-events");
      assertThat(header(ours.get(i), DeadLetterHeaders.SOURCE_PARTITION))
          .isEqualTo(Integer.toString(sent.get(i).partition()));
      assertThat(header(ours.get(i), DeadLetterHeaders.SOURCE_OFFSET))
          .isEqualTo(Long.toString(sent.get(i).offset()));
    }
    assertThat(ours.get(0).value()).isEqualTo("not avro".getBytes(StandardCharsets.UTF_8));
    assertThat(app.metricTotal("dead-letter-records-total") - before).isEqualTo(3);

    // Still processing.
    AgentRun after = publisher.startRun("after-poison", null);
    after.finish("fine").get();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> status(get(base, "workflows/" + after.workflowId())).equals("FINISHED"));
    assertThat(get(base, "workflows/" + id).body().path("text").asText()).isEmpty();
  }

  @Test
  void shouldPublishFinalRecordWhenRunHasOneMegabyteOfText() throws Exception {
    AgentRun run = publisher.startRun("verbose", null);
    RunStep step = run.startStep("s", StepType.LLM);
    StringBuilder expected = new StringBuilder(1_100_000);
    for (int i = 0; expected.length() < 1_050_000; i++) {
      String delta = String.format("token-%07d ", i);
      expected.append(delta);
      step.textDelta(delta);
    }
    step.finish(null);
    run.finish("done").get();
    String id = run.workflowId();

    try (KafkaConsumer<String, WorkflowRun> consumer = ItSupport.runsConsumer(CLUSTER.cluster())) {
      Map<String, WorkflowRun> latest =
          ItSupport.latestRuns(
              consumer, new HashMap<>(), m -> isFinished(m.get(id)), Duration.ofSeconds(120));
      assertThat(latest.get(id).getText()).isEqualTo(expected.toString());
    }
    JsonNode viaHttp = get(app.httpAddress(), "workflows/" + id).body();
    assertThat(viaHttp.path("text").asText()).isEqualTo(expected.toString());
    assertThat(app.metricTotal("output-records-dropped-total")).isZero();
  }

  static boolean isFinished(WorkflowRun run) {
    return run != null && run.getStatus() == RunStatus.FINISHED;
  }

  static String status(ItSupport.Reply reply) {
    return reply.status() == 200 ? reply.body().path("status").asText() : "HTTP " + reply.status();
  }

  static String key(ConsumerRecord<byte[], byte[]> record) {
    return record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
  }

  static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
