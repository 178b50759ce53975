package dev.runstream.topology;

import static dev.runstream.topology.ItSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.cluster.LocalCluster;
import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.RunStep;
import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.StepType;
import dev.runstream.schemas.WorkflowRun;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once under a crash: the topology runs in a child JVM that is killed (SIGKILL, no close,
 * transactions left open) while it is applying events; a new instance on the same state directory
 * finishes the runs. Every materialized text must equal what was published, with no delta lost or
 * applied twice, in the store and in every committed record of the runs topic.
 */
class ExactlyOnceCrashIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perClass();

  static final int RUNS = 12;
  static final int DELTAS_PER_PHASE = 1500;

  @TempDir Path stateDir;
  @TempDir Path logDir;
  Process child;
  TopologyApp successor;

  @AfterEach
  void cleanUp() {
    if (child != null) {
      child.destroyForcibly();
    }
    if (successor != null) {
      successor.close();
    }
  }

  @Test
  void shouldMaterializeEveryTextExactlyOnceWhenInstanceIsKilledMidRun() throws Exception {
    LocalCluster cluster = CLUSTER.cluster();
    URI childHttp = startChild(cluster);
    await().atMost(Duration.ofSeconds(120)).until(() -> get(childHttp, "health").status() == 200);

    Map<String, StringBuilder> expected = new LinkedHashMap<>();
    Map<String, RunStep> steps = new HashMap<>();
    List<AgentRun> runs = new ArrayList<>();
    try (AgentEventPublisher publisher =
        AgentEventPublisher.create(
            ItSupport.publisherConfig(cluster).coalesceWindow(Duration.ZERO).build())) {
      for (int r = 0; r < RUNS; r++) {
        AgentRun run = publisher.startRun("crash-agent-" + r, null);
        runs.add(run);
        steps.put(run.workflowId(), run.startStep("s", StepType.LLM));
        expected.put(run.workflowId(), new StringBuilder());
      }
      publishDeltas(runs, steps, expected, 0);
      publisher.flush();

      // Kill it while it is still working through the backlog, between commits.
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> applied(childHttp) > RUNS * DELTAS_PER_PHASE / 3);
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      double appliedAtKill = lastApplied;
      assertThat(appliedAtKill)
          .as("killed mid-run, not after the backlog was done")
          .isLessThan(RUNS * (DELTAS_PER_PHASE + 2));

      publishDeltas(runs, steps, expected, 1);
      for (AgentRun run : runs) {
        steps.get(run.workflowId()).finish(null);
        run.finish("done");
      }
      publisher.flush();
    }

    successor = TopologyApp.start(ItSupport.topologyConfig(cluster, stateDir, "crash-it").build());
    URI http = successor.httpAddress();
    await()
        .atMost(Duration.ofSeconds(180))
        .until(
            () ->
                expected.keySet().stream()
                    .allMatch(id -> "FINISHED".equals(status(get(http, "workflows/" + id)))));

    long events = 2 * DELTAS_PER_PHASE + 4L; // agent_start, step_start, deltas, step_finish, finish
    for (Map.Entry<String, StringBuilder> e : expected.entrySet()) {
      JsonNode run = get(http, "workflows/" + e.getKey()).body();
      assertThat(run.path("text").asText()).as(e.getKey()).isEqualTo(e.getValue().toString());
      assertThat(run.path("event_count").asLong()).isEqualTo(events);
      assertThat(run.path("last_sequence").asLong()).isEqualTo(events - 1);
      assertThat(run.path("gaps")).isEmpty();
    }

    // Every committed record of the runs topic: finals equal, snapshots are exact prefixes.
    try (KafkaConsumer<String, WorkflowRun> consumer = ItSupport.runsConsumer(cluster)) {
      Map<String, WorkflowRun> latest = new HashMap<>();
      List<WorkflowRun> all = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!expected.keySet().stream()
          .allMatch(
              id -> latest.containsKey(id) && latest.get(id).getStatus() == RunStatus.FINISHED)) {
        assertThat(System.nanoTime()).as("final records on the runs topic").isLessThan(deadline);
        for (ConsumerRecord<String, WorkflowRun> r : consumer.poll(Duration.ofMillis(200))) {
          latest.put(r.key(), r.value());
          all.add(r.value());
        }
      }
      for (WorkflowRun run : all) {
        String want = expected.get(run.getWorkflowId()).toString();
        assertThat(want)
            .as("snapshot of %s at %d", run.getWorkflowId(), run.getLastSequence())
            .startsWith(run.getText());
        // The text of a snapshot holds exactly the deltas up to its last sequence.
        long deltas = Math.max(0, Math.min(run.getLastSequence() - 1, 2L * DELTAS_PER_PHASE));
        assertThat(run.getText()).isEqualTo(want.substring(0, prefixLength(deltas)));
      }
      expected.forEach(
          (id, text) -> assertThat(latest.get(id).getText()).isEqualTo(text.toString()));
    }
  }

  double lastApplied;

  private double applied(URI http) {
    ItSupport.Reply reply = get(http, "metrics?format=json");
    lastApplied = reply.body().path("events-applied-total").asDouble();
    return lastApplied;
  }

  /** Delta {@code i} is "<i>|" padded, so the text of n deltas has a known length. */
  private static String delta(int i) {
    return String.format("%06d|", i);
  }

  private static int prefixLength(long deltas) {
    return (int) deltas * 7;
  }

  private static void publishDeltas(
      List<AgentRun> runs,
      Map<String, RunStep> steps,
      Map<String, StringBuilder> expected,
      int phase) {
    for (int i = phase * DELTAS_PER_PHASE; i < (phase + 1) * DELTAS_PER_PHASE; i++) {
      for (AgentRun run : runs) {
        String d = delta(i);
        steps.get(run.workflowId()).textDelta(d);
        expected.get(run.workflowId()).append(d);
      }
    }
  }

  private static String status(ItSupport.Reply reply) {
    return reply.status() == 200 ? reply.body().path("status").asText() : null;
  }

  private URI startChild(LocalCluster cluster) throws IOException, InterruptedException {
    Path log = logDir.resolve("topology-child.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    Optional.ofNullable(System.getProperty("logback.configurationFile"))
        .ifPresent(f -> command.add("-Dlogback.configurationFile=" + f));
    command.add("-Drunstream.bootstrap.servers=" + cluster.bootstrapServers());
    command.add("-Drunstream.schema.registry.url=" + cluster.schemaRegistryUrl());
    command.add("-Drunstream.topology.application.id=crash-it");
    command.add("-Drunstream.topology.state.dir=" + stateDir);
    command.add("-Drunstream.topology.http.port=0");
    // Long enough between commits that the kill lands on uncommitted work.
    command.add("-Drunstream.topology.commit.interval.ms=700");
    command.add("-Drunstream.topology.snapshot.interval.ms=200");
    command.add("-Drunstream.streams.session.timeout.ms=6000");
    command.add("-Drunstream.streams.heartbeat.interval.ms=1000");
    command.add("-Drunstream.streams.consumer.max.poll.records=200");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(TopologyApp.class.getName());
    child =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Process started = child;
    Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (!child.isAlive()) {
        throw new AssertionError("the topology child exited: " + Files.readString(log));
      }
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        if (line.startsWith("http=")) {
          return URI.create(line.substring("http=".length()));
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the topology child did not start: " + Files.readString(log));
  }
}
