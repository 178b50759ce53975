package dev.runstream.cli.internal;

import dev.runstream.cli.CliConfig;
import dev.runstream.client.ClientConfig;
import dev.runstream.client.RunstreamClient;
import dev.runstream.client.StreamOptions;
import dev.runstream.client.WorkflowStream;
import dev.runstream.cluster.LocalCluster;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.DemoAgent;
import dev.runstream.producer.RunPlan;
import dev.runstream.schemas.AgentError;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AgentFinish;
import dev.runstream.schemas.TextDelta;
import dev.runstream.topology.TopologyApp;
import dev.runstream.topology.TopologyConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runstream demo}: the whole platform on this machine. Starts the local cluster, the
 * topology and the gateway, then simulated agents; streams one agent run live in the terminal by
 * tailing it through the consumer SDK (Polos' example output); prints the time from the command's
 * start to the first streamed token and the web UI's address; keeps agents running at a slow pace
 * until Ctrl-C, which stops everything in order.
 */
@Command(
    name = "demo",
    description = {
      "Start the local platform and simulated agents; stream a run live; Ctrl-C stops it.",
      "Starts the cluster, the topology, the gateway (web UI) and simulated agents, streams one"
          + " agent run in the terminal through the consumer SDK, prints the web UI's address and"
          + " keeps agents running at a slow pace until Ctrl-C."
    },
    mixinStandardHelpOptions = true)
final class DemoCommand implements Callable<Integer> {
  /** System property (epoch milliseconds) the launcher sets when the command was typed. */
  static final String LAUNCHED_AT_PROPERTY = "runstream.launched.at.ms";

  /** The line that reports the time to the first token starts with this. */
  static final String FIRST_TOKEN_LINE = "⏱  First token streamed";

  /** The line that gives the web UI's address starts with this. */
  static final String WEB_UI_LINE = "Web UI: ";

  @ParentCommand RootCommand root;

  @Option(
      names = "--tokens-per-second",
      paramLabel = "R",
      description = "Token rate of the run streamed in the terminal (default ${DEFAULT-VALUE}).")
  double tokensPerSecond = 25;

  @Option(
      names = "--agents",
      paramLabel = "N",
      description = "Simulated agents that keep running afterwards (default ${DEFAULT-VALUE}).")
  int agents = 2;

  @Option(
      names = "--background-tokens-per-second",
      paramLabel = "R",
      description = "Token rate of those agents (default ${DEFAULT-VALUE}).")
  double backgroundTokensPerSecond = 8;

  @Option(names = "--seed", paramLabel = "S", description = "Seed of the simulated runs.")
  long seed = 7;

  @Option(
      names = "--free-ports",
      description = "Pick free ports for the broker, registry, topology and gateway.")
  boolean freePorts;

  @Option(
      names = "--secure",
      description =
          "Secure mode: SASL_SSL (SCRAM-SHA-512) and TLS on the broker, ACLs for tenant '"
              + DemoAccess.TENANT
              + "' whose worker, topology and reader principals get only what they need, and an"
              + " API key for the gateway and web UI.")
  boolean secure;

  private final Deque<Part> parts = new ArrayDeque<>();
  private final AtomicBoolean stopping = new AtomicBoolean();

  /** How long stopping one part may take before the demo moves on to the next. */
  private static final Duration STOP_BOUND = Duration.ofSeconds(10);

  /** A started part of the platform, stopped in reverse order. */
  private record Part(String name, AutoCloseable closeable) {}

  @Override
  public Integer call() throws Exception {
    if (tokensPerSecond < 0 || backgroundTokensPerSecond < 0) {
      throw new CliException(ExitCodes.USAGE, "token rates must not be negative");
    }
    if (agents < 0) {
      throw new CliException(ExitCodes.USAGE, "--agents must not be negative");
    }
    long launchedAt = launchedAtMillis();
    CliConfig config = root.config();
    PrintStream out = root.out;
    PrintStream err = root.err;
    StopSignal stop = new StopSignal().install();
    try {
      // 1. The cluster.
      err.println("▶ Starting the local cluster (Kafka broker + schema registry)…");
      LocalCluster cluster =
          LocalCluster.start(
              UpCommand.clusterConfig(
                  freePorts, secure ? DemoAccess.secureClusterOverrides() : Map.of()));
      parts.push(new Part("the local cluster", cluster));
      err.printf(
          Locale.ROOT,
          "  broker %s%s · registry %s (%.1f s)%n",
          cluster.bootstrapServers(),
          secure ? " (SASL_SSL, mTLS on " + cluster.security().mtlsBootstrapServers() + ")" : "",
          cluster.schemaRegistryUrl(),
          cluster.startupDuration().toMillis() / 1000.0);
      DemoAccess access = secure ? DemoAccess.secure(cluster) : DemoAccess.plain(cluster);
      if (secure) {
        err.println(
            "  tenant "
                + DemoAccess.TENANT
                + ": principals "
                + DemoAccess.principals()
                + " with least-privilege ACLs; reader settings in "
                + access.readerProperties());
      }
      if (stop.isRequested()) {
        return ExitCodes.OK;
      }

      // The demo's list prices, on the price ledger: the simulated workers publish token counts
      // only and the topology prices them.
      try {
        if (Connections.publishDemoPrices(
            Connections.publisherConfig(config, access.admin(), cluster.schemaRegistryUrl()),
            err)) {
          err.println("  demo prices published to the price ledger (runstream prices list)");
        }
      } catch (RuntimeException e) {
        err.println("  could not publish the demo prices: " + e.getMessage());
      }

      // 2. The topology.
      err.println("▶ Starting the topology (Kafka Streams, materialized view, usage)…");
      Path stateDir = Files.createTempDirectory("runstream-demo-state");
      parts.push(new Part("the topology state", () -> deleteTree(stateDir)));
      TopologyConfig.Builder topologyConfig = TopologyConfig.newBuilder();
      access.topology().forEach(topologyConfig::set);
      if (!secure) {
        topologyConfig.applicationId("runstream-demo");
      }
      TopologyApp topology =
          TopologyApp.start(
              topologyConfig
                  .schemaRegistryUrl(cluster.schemaRegistryUrl())
                  .stateDir(stateDir)
                  .httpPort(freePorts ? 0 : config.queryPort())
                  .commitInterval(Duration.ofMillis(100))
                  .snapshotInterval(Duration.ofMillis(250))
                  .set(TopologyConfig.STORE_TYPE_CONFIG, "in_memory")
                  .streamsProperty("producer.max.block.ms", 5_000)
                  .streamsProperty("task.timeout.ms", 5_000)
                  .build());
      parts.push(new Part("the topology", topology));
      if (!topology.awaitRunning(Duration.ofSeconds(90))) {
        throw new CliException(ExitCodes.FAILURE, "the topology did not start within 90 s");
      }
      String queryUrl = stripSlash(topology.httpAddress().toString());
      err.println("  queries " + queryUrl);
      if (stop.isRequested()) {
        return ExitCodes.OK;
      }

      // 3. The gateway and web UI.
      err.println("▶ Starting the gateway (HTTP/SSE API + web UI)…");
      WebGateway gateway =
          WebGateway.start(
              access.gateway(),
              cluster.schemaRegistryUrl(),
              queryUrl,
              freePorts ? 0 : config.gatewayPort());
      parts.push(new Part("the gateway", gateway));
      String webUi = gateway.address() + (secure ? "/#token=" + access.apiKey() : "");
      err.println("  web UI " + webUi);
      if (secure) {
        err.println(
            "  API key of tenant "
                + DemoAccess.TENANT
                + ": "
                + access.apiKey()
                + " (curl -H 'Authorization: Bearer "
                + access.apiKey()
                + "' "
                + gateway.address()
                + "/v1/workflows)");
      }

      // 4. Publisher and client.
      AgentEventPublisher publisher =
          AgentEventPublisher.create(
              Connections.publisherConfig(config, access.worker(), cluster.schemaRegistryUrl()));
      parts.push(new Part("the publisher", () -> publisher.close(Duration.ofSeconds(5))));
      ClientConfig.Builder clientConfig = ClientConfig.newBuilder();
      access.reader().forEach(clientConfig::set);
      RunstreamClient client =
          RunstreamClient.create(
              clientConfig
                  .schemaRegistryUrl(cluster.schemaRegistryUrl())
                  .queryUrl(queryUrl)
                  .set(ClientConfig.CLIENT_ID_CONFIG, "runstream-demo")
                  .build());
      parts.push(new Part("the client", client));
      if (stop.isRequested()) {
        return ExitCodes.OK;
      }

      // 5. One run streamed live, tailed through the SDK.
      DemoAgent featured =
          new DemoAgent(
              DemoAgent.Options.newBuilder().seed(seed).tokensPerSecond(tokensPerSecond).build());
      RunPlan plan = showcase(featured);
      err.println("▶ Streaming a " + plan.agentId() + " run through the consumer SDK:");
      out.println();
      out.println("» " + plan.agentId() + ": \"" + plan.input() + "\"");
      out.flush();
      AtomicLong firstToken = new AtomicLong();
      CompletableFuture<Void> printed = new CompletableFuture<>();
      EventPrinter printer = new EventPrinter(out);
      AgentEventPublisher tapped =
          new TappedPublisher(
              publisher,
              id -> {
                WorkflowStream stream =
                    client.tail(id, StreamOptions.newBuilder().includeChildren(true).build());
                stream.opened().orTimeout(30, TimeUnit.SECONDS).join();
                stream
                    .forEachAsync(
                        event -> {
                          if (event.getPayload() instanceof TextDelta) {
                            firstToken.compareAndSet(0, System.currentTimeMillis());
                          }
                          synchronized (out) {
                            printer.print(event);
                          }
                        })
                    .whenComplete(
                        (v, e) -> {
                          stream.close();
                          if (e != null) {
                            printed.completeExceptionally(e);
                          } else {
                            printed.complete(null);
                          }
                        });
              });
      ExecutorService featuredThread = Executors.newSingleThreadExecutor(daemon("demo-featured"));
      parts.push(new Part("the streamed run", featuredThread::shutdownNow));
      CompletableFuture<Void> played =
          CompletableFuture.runAsync(() -> featured.play(tapped, plan), featuredThread);
      while (!stop.isRequested() && !printed.isDone() && !played.isCompletedExceptionally()) {
        Thread.sleep(50);
      }
      if (stop.isRequested()) {
        synchronized (out) {
          printer.finish();
        }
        return ExitCodes.OK;
      }
      played.join();
      printed.join();
      synchronized (out) {
        printer.finish();
        out.println();
        if (firstToken.get() > 0) {
          out.printf(
              Locale.ROOT,
              "%s %.1f s after the command started%n",
              FIRST_TOKEN_LINE,
              (firstToken.get() - launchedAt) / 1000.0);
        }
        out.println(WEB_UI_LINE + webUi);
        out.println(
            "Simulated agents keep running at a slow pace ("
                + agents
                + " at a time); Ctrl-C stops everything.");
        out.println();
        out.flush();
      }

      // 6. Agents at a slow pace, one line per finished run.
      startBackgroundAgents(publisher, client, out);
      stop.await();
      return ExitCodes.OK;
    } finally {
      stopAll(err);
      stop.stopped();
    }
  }

  /**
   * The first run of the seed that calls tools, delegates to a sub-agent, retries a step and
   * succeeds; else the first that delegates and succeeds.
   */
  static RunPlan showcase(DemoAgent agent) {
    RunPlan fallback = null;
    for (int i = 0; i < 200; i++) {
      RunPlan plan = agent.plan(i);
      if (plan.childRuns() > 0 && !plan.fails()) {
        if (plan.retries() > 0) {
          return plan;
        }
        if (fallback == null) {
          fallback = plan;
        }
      }
    }
    return fallback != null ? fallback : agent.plan(0);
  }

  private void startBackgroundAgents(
      AgentEventPublisher publisher, RunstreamClient client, PrintStream out) {
    if (agents == 0) {
      return;
    }
    DemoAgent agent =
        new DemoAgent(
            DemoAgent.Options.newBuilder()
                .seed(seed + 1)
                .tokensPerSecond(backgroundTokensPerSecond)
                .build());
    AgentEventPublisher tapped =
        new TappedPublisher(
            publisher,
            id -> {
              WorkflowStream stream = client.tail(id);
              stream.opened().orTimeout(30, TimeUnit.SECONDS).join();
              stream
                  .forEachAsync(event -> summarize(out, event))
                  .whenComplete((v, e) -> stream.close());
            });
    ExecutorService pool = Executors.newFixedThreadPool(agents, daemon("demo-agent"));
    parts.push(
        new Part(
            "the simulated agents",
            () -> {
              pool.shutdownNow();
              pool.awaitTermination(10, TimeUnit.SECONDS);
            }));
    AtomicInteger next = new AtomicInteger(1_000);
    for (int i = 0; i < agents; i++) {
      pool.execute(
          () -> {
            while (!stopping.get()) {
              try {
                agent.play(tapped, agent.plan(next.getAndIncrement()));
                Thread.sleep(ThreadLocalRandom.current().nextLong(500, 3_000));
              } catch (InterruptedException e) {
                return;
              } catch (RuntimeException e) {
                if (stopping.get()) {
                  return;
                }
                synchronized (out) {
                  out.println("❌ simulated agent: " + Failures.oneLine(e));
                }
              }
            }
          });
    }
  }

  private static void summarize(PrintStream out, AgentEvent event) {
    Object payload = event.getPayload();
    String line = null;
    if (payload instanceof AgentFinish finish) {
      line =
          "✅ "
              + event.getAgentId()
              + " finished - Tokens: "
              + finish.getUsage().getTotalTokens()
              + "  ("
              + event.getWorkflowId()
              + ")";
    } else if (payload instanceof AgentError error) {
      line =
          "❌ "
              + event.getAgentId()
              + " failed: "
              + error.getMessage()
              + "  ("
              + event.getWorkflowId()
              + ")";
    }
    if (line != null) {
      synchronized (out) {
        out.println(line);
        out.flush();
      }
    }
  }

  private void stopAll(PrintStream err) {
    stopping.set(true);
    if (parts.isEmpty()) {
      return;
    }
    err.println();
    err.println("■ Stopping…");
    while (!parts.isEmpty()) {
      Part part = parts.pop();
      long start = System.nanoTime();
      CompletableFuture<Void> closing = new CompletableFuture<>();
      Thread closer =
          new Thread(
              () -> {
                try {
                  part.closeable().close();
                  closing.complete(null);
                } catch (Throwable e) {
                  closing.completeExceptionally(e);
                }
              },
              "demo-stop");
      closer.setDaemon(true);
      closer.start();
      try {
        closing.get(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (!part.name().startsWith("the topology state")) {
          err.println(
              "  stopped "
                  + part.name()
                  + (millis >= 1_000
                      ? String.format(Locale.ROOT, " (%.1f s)", millis / 1000.0)
                      : ""));
        }
      } catch (java.util.concurrent.TimeoutException e) {
        // The broker may already be going down with the same Ctrl-C (it is in the terminal's
        // process group); what is left of this part ends with the JVM.
        err.println(
            "  "
                + part.name()
                + " did not stop within "
                + STOP_BOUND.toSeconds()
                + " s; moving on");
      } catch (java.util.concurrent.ExecutionException e) {
        err.println("  stopping " + part.name() + " failed: " + Failures.oneLine(e.getCause()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        err.println("  stopping " + part.name() + " was interrupted");
      }
    }
    err.println("Stopped.");
    err.flush();
  }

  private static long launchedAtMillis() {
    String property = System.getProperty(LAUNCHED_AT_PROPERTY);
    if (property != null) {
      try {
        return Long.parseLong(property.trim());
      } catch (NumberFormatException e) {
        // fall back to the JVM's start
      }
    }
    return ManagementFactory.getRuntimeMXBean().getStartTime();
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
