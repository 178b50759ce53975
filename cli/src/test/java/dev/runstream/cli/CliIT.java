package dev.runstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runstream.cli.RunstreamCliTest.Result;
import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.DemoAgent;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.producer.RunOptions;
import dev.runstream.producer.RunPlan;
import dev.runstream.producer.RunStep;
import dev.runstream.producer.TokenUsage;
import dev.runstream.schemas.StepType;
import dev.runstream.topology.TopologyApp;
import dev.runstream.topology.TopologyConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands against a real broker and registry (local cluster) and the real topology: replay,
 * tail, runs, usage, worker, and the exit codes of an unknown workflow and an unreachable broker.
 */
class CliIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perClass();

  @TempDir static Path stateDir;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static TopologyApp topology;
  private static AgentEventPublisher publisher;
  private static String queryUrl;

  @BeforeAll
  static void start() {
    topology =
        TopologyApp.start(
            TopologyConfig.newBuilder()
                .isolated()
                .bootstrapServers(CLUSTER.cluster().bootstrapServers())
                .schemaRegistryUrl(CLUSTER.cluster().schemaRegistryUrl())
                .applicationId("cli-it-" + UUID.randomUUID())
                .stateDir(stateDir)
                .httpPort(0)
                .commitInterval(Duration.ofMillis(100))
                .snapshotInterval(Duration.ofMillis(200))
                .build());
    assertThat(topology.awaitRunning(Duration.ofSeconds(90))).isTrue();
    String address = topology.httpAddress().toString();
    queryUrl = address.substring(0, address.length() - 1);
    publisher =
        AgentEventPublisher.create(
            PublisherConfig.newBuilder()
                .bootstrapServers(CLUSTER.cluster().bootstrapServers())
                .schemaRegistryUrl(CLUSTER.cluster().schemaRegistryUrl())
                .linger(Duration.ofMillis(1))
                .prices(DemoAgent.DEMO_PRICES)
                .build());
  }

  @AfterAll
  static void stop() {
    if (publisher != null) {
      publisher.close();
    }
    if (topology != null) {
      topology.close();
    }
  }

  /** Runs a command against this class's cluster and topology. */
  private static Result cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (!all.contains("--bootstrap-servers")) {
      all.addAll(List.of("--bootstrap-servers", CLUSTER.cluster().bootstrapServers()));
    }
    all.addAll(List.of("--registry-url", CLUSTER.cluster().schemaRegistryUrl()));
    all.addAll(List.of("--query-url", queryUrl));
    return RunstreamCliTest.run(all.toArray(String[]::new));
  }

  private static JsonNode awaitView(String workflowId, Predicate<JsonNode> ready) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(queryUrl + "/workflows/" + workflowId)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        last = JSON.readTree(r.body());
        if (ready.test(last)) {
          return last;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the view of " + workflowId + " did not get ready: " + last);
  }

  private static boolean ended(JsonNode view) {
    return !"RUNNING".equals(view.path("status").asText());
  }

  /** A finished demo run with a sub-agent, played at full speed. */
  private static String publishShowcaseRun() throws Exception {
    DemoAgent agent = new DemoAgent(DemoAgent.Options.newBuilder().tokensPerSecond(0).build());
    RunPlan plan = null;
    for (int i = 0; plan == null; i++) {
      RunPlan candidate = agent.plan(i);
      if (candidate.childRuns() > 0 && !candidate.fails()) {
        plan = candidate;
      }
    }
    AgentRun run = agent.play(publisher, plan);
    publisher.flush();
    awaitView(run.workflowId(), CliIT::ended);
    return run.workflowId();
  }

  @Test
  void shouldPrintEveryEventAsJsonWithAProgressBarWhenReplayingAPublishedRun() throws Exception {
    String workflowId = publishShowcaseRun();
    JsonNode view = awaitView(workflowId, CliIT::ended);

    Result result = cli("replay", workflowId, "--json", "--progress", "always");

    assertThat(result.exitCode()).as(result.err()).isZero();
    List<JsonNode> events = new ArrayList<>();
    for (String line : result.out().split("\n")) {
      events.add(JSON.readTree(line));
    }
    List<Long> own =
        events.stream()
            .filter(e -> e.path("workflow_id").asText().equals(workflowId))
            .map(e -> e.path("sequence").asLong())
            .toList();
    assertThat(own).hasSize(view.path("event_count").asInt());
    assertThat(own).isSorted().startsWith(0L);
    assertThat(events.get(0).path("event_type").asText()).isEqualTo("agent_start");
    assertThat(events.get(events.size() - 1).path("event_type").asText()).isEqualTo("agent_finish");
    assertThat(events).anyMatch(e -> !e.path("parent_workflow_id").isNull());
    assertThat(result.err()).contains("replay [", "100%", "events");

    Result fromSeq = cli("replay", workflowId, "--json", "--from-seq", "3", "--no-children");
    assertThat(fromSeq.exitCode()).isZero();
    assertThat(JSON.readTree(fromSeq.out().split("\n")[0]).path("sequence").asLong()).isEqualTo(3);
    assertThat(fromSeq.out().split("\n")).hasSize(own.size() - 3);
  }

  @Test
  void shouldPrintPolosStyleLinesFromTheStartWhenTailingAWorkflowBeforeItStarts() throws Exception {
    String workflowId = "tail-" + UUID.randomUUID();
    CompletableFuture<Result> tail =
        CompletableFuture.supplyAsync(() -> cli("tail", workflowId, "--start-timeout", "60s"));
    Thread.sleep(1_000);
    AgentRun run =
        publisher.startRun(
            RunOptions.newBuilder()
                .agentId("research-agent")
                .input("go")
                .workflowId(workflowId)
                .build());
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    llm.textDelta("Let me ");
    llm.textDelta("search.");
    llm.toolCall("call_1", "search_web", "{\"q\":\"agents\"}");
    llm.finish(null, "gpt-4o-mini", TokenUsage.of(1000, 47));
    run.startToolStep("search_web", "call_1").finish("{\"hits\":3}");
    RunStep summary = run.startStep("generate_summary", StepType.LLM);
    summary.textDelta("Based on recent research, AI agents are...");
    summary.finish(null, "gpt-4o-mini", TokenUsage.of(150, 50));
    run.finish("done").get(30, TimeUnit.SECONDS);

    Result result = tail.get(90, TimeUnit.SECONDS);
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out().split("\n"))
        .containsExactly(
            "🚀 Agent started",
            "⏳ Running step: llm_1",
            "Let me search.",
            "🔧 Calling tool: search_web",
            "✓ Completed step: llm_1",
            "⏳ Running step: search_web",
            "✓ Completed step: search_web",
            "⏳ Running step: generate_summary",
            "Based on recent research, AI agents are...",
            "✓ Completed step: generate_summary",
            "✅ Agent finished - Tokens: 1247");
  }

  @Test
  void shouldFollowFromNowWhenTailingARunningWorkflow() throws Exception {
    AgentRun run = publisher.startRun("weather-agent", "Tokyo?");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    llm.textDelta("before ");
    publisher.flush();
    awaitView(run.workflowId(), v -> v.path("event_count").asLong() >= 3);
    List<String> out = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Result> tail =
        CompletableFuture.supplyAsync(
            () -> {
              Result r = cli("tail", run.workflowId());
              out.add(r.out());
              return r;
            });
    // The tail follows from "now": keep streaming until it has had time to open.
    for (int i = 0; i < 30; i++) {
      llm.textDelta("live" + i + " ");
      Thread.sleep(100);
    }
    llm.finish(null, "gpt-4o", TokenUsage.of(10, 30));
    run.fail("timeout", "the model timed out", true).get(30, TimeUnit.SECONDS);

    Result result = tail.get(60, TimeUnit.SECONDS);
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .doesNotContain("🚀 Agent started", "before")
        .contains("live29 ", "✓ Completed step: llm_1")
        .endsWith("❌ Agent failed: the model timed out (timeout)\n");

    // The view is eventually consistent: the tail can end before the topology applies the error.
    awaitView(run.workflowId(), v -> "FAILED".equals(v.path("status").asText()));
    Result ended = cli("tail", run.workflowId());
    assertThat(ended.exitCode()).isZero();
    assertThat(ended.err()).contains("already ended (FAILED)");
  }

  @Test
  void shouldCancelARunningWorkflowAndWaitForItToEndCancelledWhenCancelIsRun() throws Exception {
    AgentRun run = publisher.startRun("cancel-me", "a long task");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    llm.textDelta("working ");
    publisher.flush();
    awaitView(run.workflowId(), v -> v.path("event_count").asLong() >= 3);
    // The worker: stops when it is asked to.
    run.cancellation().thenRun(() -> run.cancel(null));

    Result result =
        cli(
            "cancel",
            run.workflowId(),
            "--reason",
            "no longer needed",
            "--requested-by",
            "ops",
            "--wait");
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("⏹ Cancel requested for workflow " + run.workflowId())
        .contains("Run ended: CANCELLED — cancelled by ops: no longer needed");
    assertThat(run.status()).isEqualTo(dev.runstream.schemas.RunStatus.CANCELLED);

    Result replay = cli("replay", run.workflowId());
    assertThat(replay.out()).endsWith("⏹ Agent cancelled: no longer needed (by ops)\n");

    awaitView(run.workflowId(), CliIT::ended);
    Result again = cli("cancel", run.workflowId());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("already ended (CANCELLED)").hasLineCount(1);
    Result unknown = cli("cancel", "no-such-" + UUID.randomUUID(), "--start-timeout", "1s");
    assertThat(unknown.exitCode()).isEqualTo(RunstreamCli.EXIT_UNKNOWN_WORKFLOW);
    Result blank = cli("cancel", " ");
    assertThat(blank.exitCode()).isEqualTo(2);
  }

  @Test
  void shouldSetListAndDeleteBudgetsAndCancelARunThatCrossesOneWhenBudgetCommandsAreRun()
      throws Exception {
    String agent = "cli-budget-" + UUID.randomUUID();
    Result set =
        cli("budget", "set", "--agent", agent, "--max-tokens", "500", "--max-cost", "0.25");
    assertThat(set.exitCode()).as(set.err()).isZero();
    assertThat(set.out())
        .isEqualTo("Budget AGENT:" + agent + " set: max 500 tokens, max $0.25 (PER_RUN)\n");
    Result tenant =
        cli("budget", "set", "--tenant", "cli-tenant", "--max-cost", "10", "--period", "DAY");
    assertThat(tenant.exitCode()).as(tenant.err()).isZero();

    Result list = cli("budget", "list", "--json");
    assertThat(list.exitCode()).as(list.err()).isZero();
    JsonNode budgets = JSON.readTree(list.out());
    JsonNode mine = null;
    for (JsonNode b : budgets) {
      if (b.path("budget").asText().equals("AGENT:" + agent)) {
        mine = b;
      }
    }
    assertThat(mine).as(list.out()).isNotNull();
    assertThat(mine.path("max_tokens").asLong()).isEqualTo(500);
    assertThat(mine.path("max_cost_usd").asText()).isEqualTo("0.25");
    assertThat(mine.path("period").asText()).isEqualTo("PER_RUN");
    assertThat(cli("budget", "list").out())
        .contains("AGENT:" + agent)
        .contains("TENANT:cli-tenant")
        .contains("DAY");

    // A run of the agent crosses 500 tokens: the topology asks its worker to cancel it.
    AgentRun run = publisher.startRun(agent, "spend");
    run.cancellation().thenRun(() -> run.cancel(null));
    for (int i = 0; i < 6 && !run.isCancelRequested(); i++) {
      run.startStep("llm_" + i, StepType.LLM).finish(null, "gpt-4o-mini", TokenUsage.of(90, 10));
      publisher.flush();
    }
    JsonNode view = awaitView(run.workflowId(), CliIT::ended);
    assertThat(view.path("status").asText()).isEqualTo("CANCELLED");
    assertThat(view.path("cancellation").path("reason").asText())
        .startsWith("budget_exceeded: AGENT:" + agent);
    Result replay = cli("replay", run.workflowId());
    assertThat(replay.out()).contains("⏹ Agent cancelled: budget_exceeded: AGENT:" + agent);

    Result delete = cli("budget", "delete", "--agent", agent);
    assertThat(delete.exitCode()).as(delete.err()).isZero();
    assertThat(cli("budget", "list").out()).doesNotContain("AGENT:" + agent);
  }

  @Test
  void shouldPublishWithWorkerAndListRunsAndUsageAsTablesWhenTheTopologyHasThem() throws Exception {
    Result worker = cli("worker", "--runs", "3", "--concurrency", "3", "--tokens-per-second", "0");
    assertThat(worker.exitCode()).as(worker.err()).isZero();
    assertThat(worker.out()).startsWith("3 runs (").contains("events in");

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    JsonNode runs;
    do {
      Thread.sleep(200);
      Result json = cli("runs", "--json", "--limit", "1000");
      assertThat(json.exitCode()).isZero();
      runs = JSON.readTree(json.out());
    } while (countEnded(runs) < 3 && System.nanoTime() < deadline);
    assertThat(countEnded(runs)).isGreaterThanOrEqualTo(3);

    Result table = cli("runs", "--status", "finished");
    assertThat(table.exitCode()).isZero();
    String[] lines = table.out().split("\n");
    assertThat(lines[0]).startsWith("WORKFLOW").contains("AGENT", "STATUS", "TOKENS", "COST");
    assertThat(List.of(lines).subList(1, lines.length))
        .allSatisfy(line -> assertThat(line).contains(" FINISHED "));
    int statusColumn = lines[0].indexOf("STATUS");
    assertThat(List.of(lines).subList(1, lines.length))
        .allSatisfy(l -> assertThat(l.indexOf("FINISHED")).isEqualTo(statusColumn));

    // Aggregates follow the events by a commit interval or so.
    Result usage;
    long usageDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    do {
      Thread.sleep(200);
      usage = cli("usage");
      assertThat(usage.exitCode()).as(usage.err()).isZero();
    } while (!(usage.out().contains("AGENT  ") && usage.out().contains("MODEL  "))
        && System.nanoTime() < usageDeadline);
    assertThat(usage.out().split("\n")[0]).startsWith("DIMENSION").contains("TOTAL", "COST");
    assertThat(usage.out()).contains("AGENT  ", "MODEL  ", "$");

    Result models = cli("usage", "--dimension", "MODEL", "--from", "2h", "--json");
    assertThat(models.exitCode()).isZero();
    JsonNode aggregates = JSON.readTree(models.out()).path("aggregates");
    assertThat(aggregates).isNotEmpty();
    assertThat(aggregates)
        .allSatisfy(a -> assertThat(a.path("dimension").asText()).isEqualTo("MODEL"));
  }

  @Test
  void shouldSetListAndRetractPricesWhenTheLedgerIsManagedFromTheCli() {
    String model = "cli-model-" + UUID.randomUUID();
    Result set =
        cli(
            "prices",
            "set",
            model,
            "--input",
            "2.5",
            "--output",
            "10",
            "--effective-from",
            "2026-01-01T00:00:00Z",
            "--note",
            "list price");
    assertThat(set.exitCode()).as(set.err()).isZero();
    assertThat(set.out()).contains("Published " + model + "@1767225600000 to model-prices");
    assertThat(
            cli(
                    "prices",
                    "set",
                    model,
                    "--input",
                    "3",
                    "--output",
                    "12",
                    "--effective-from",
                    "2026-06-01T00:00:00Z")
                .exitCode())
        .isZero();

    Result list = cli("prices", "list", "--model", model);
    assertThat(list.exitCode()).as(list.err()).isZero();
    String[] lines = list.out().split("\n");
    assertThat(lines[0]).startsWith("MODEL").contains("EFFECTIVE FROM", "INPUT/M", "OUTPUT/M");
    assertThat(lines).hasSize(3);
    assertThat(lines[1]).contains(model, "2026-01-01T00:00:00Z", "2.5", "10", "list price");
    assertThat(lines[2]).contains("2026-06-01T00:00:00Z", "12");

    Result retract = cli("prices", "retract", model, "--effective-from", "2026-06-01T00:00:00Z");
    assertThat(retract.exitCode()).as(retract.err()).isZero();
    assertThat(cli("prices", "list", "--model", model).out().split("\n")).hasSize(2);
  }

  private static long countEnded(JsonNode runs) {
    long n = 0;
    for (JsonNode run : runs.path("workflows")) {
      if (run.path("parent_workflow_id").isNull() && ended(run)) {
        n++;
      }
    }
    return n;
  }

  @Test
  void shouldExitThreeOnOneLineWhenTheWorkflowIsUnknown() {
    long start = System.nanoTime();
    Result result = cli("replay", "no-such-workflow-" + UUID.randomUUID(), "--start-timeout", "2s");
    assertThat(result.exitCode()).isEqualTo(RunstreamCli.EXIT_UNKNOWN_WORKFLOW);
    assertThat(result.err())
        .startsWith("runstream: unknown workflow no-such-workflow-")
        .hasLineCount(1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void shouldExitFourWithinSecondsWhenTheBrokerIsUnreachable() throws Exception {
    String closed = "127.0.0.1:" + RunstreamCliTest.closedPort();
    for (String[] command :
        new String[][] {{"replay", "wf-" + UUID.randomUUID()}, {"worker", "--runs", "1"}}) {
      List<String> args = new ArrayList<>(List.of(command));
      args.addAll(List.of("--bootstrap-servers", closed, "--connect-timeout", "2s"));
      Result result = cli(args.toArray(String[]::new));
      assertThat(result.exitCode())
          .as(command[0] + ": " + result.err())
          .isEqualTo(RunstreamCli.EXIT_UNREACHABLE);
      assertThat(result.err()).contains("unreachable").hasLineCount(1);
      assertThat(result.millis()).as(command[0]).isLessThan(15_000);
    }
  }
}
