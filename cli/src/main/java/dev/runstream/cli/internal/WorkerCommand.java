package dev.runstream.cli.internal;

import dev.runstream.cli.CliConfig;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.DemoAgent;
import dev.runstream.producer.PublisherConfig;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runstream worker [--runs N --concurrency C --tokens-per-second R]}: simulated agent runs
 * ({@link DemoAgent}) published to a running cluster, then a one-line {@link DemoAgent.LoadReport}.
 */
@Command(
    name = "worker",
    description = "Publish simulated agent runs (DemoAgent) to a running cluster.",
    mixinStandardHelpOptions = true)
final class WorkerCommand implements Callable<Integer> {
  @ParentCommand RootCommand root;

  @Option(
      names = "--runs",
      paramLabel = "N",
      description = "Top-level runs (default ${DEFAULT-VALUE}).")
  int runs = 20;

  @Option(
      names = "--concurrency",
      paramLabel = "C",
      description = "Runs at once (default ${DEFAULT-VALUE}).")
  int concurrency = 8;

  @Option(
      names = "--tokens-per-second",
      paramLabel = "R",
      description = "Tokens per second per run; 0 as fast as possible (default ${DEFAULT-VALUE}).")
  double tokensPerSecond = 50;

  @Option(names = "--seed", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(
      names = "--failure-rate",
      paramLabel = "F",
      description = "Fraction of runs failing with an error event (default ${DEFAULT-VALUE}).")
  double failureRate = 0.1;

  @Option(
      names = "--retry-rate",
      paramLabel = "F",
      description =
          "Fraction of runs that retry one LLM step mid-stream, superseding its first attempt's"
              + " text (default ${DEFAULT-VALUE}).")
  double retryRate = 0.1;

  @Option(
      names = "--demo-prices",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Publish the demo's list prices to the price ledger (effective from the epoch) before"
              + " the runs; the simulated agents themselves publish token counts only (default"
              + " ${DEFAULT-VALUE}).")
  boolean demoPrices = true;

  @Override
  public Integer call() {
    if (runs < 1) {
      throw new CliException(ExitCodes.USAGE, "--runs must be at least 1");
    }
    if (concurrency < 1) {
      throw new CliException(ExitCodes.USAGE, "--concurrency must be at least 1");
    }
    if (tokensPerSecond < 0) {
      throw new CliException(ExitCodes.USAGE, "--tokens-per-second must not be negative");
    }
    if (failureRate < 0 || failureRate > 1) {
      throw new CliException(ExitCodes.USAGE, "--failure-rate must be within [0, 1]");
    }
    if (retryRate < 0 || retryRate > 1) {
      throw new CliException(ExitCodes.USAGE, "--retry-rate must be within [0, 1]");
    }
    DemoAgent agent;
    try {
      agent =
          new DemoAgent(
              DemoAgent.Options.newBuilder()
                  .seed(seed)
                  .tokensPerSecond(tokensPerSecond)
                  .failureRate(failureRate)
                  .retryRate(retryRate)
                  .build());
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
    }
    CliConfig config = root.config();
    PublisherConfig publisherConfig =
        Connections.publisherConfig(config, config.bootstrapServers(), config.schemaRegistryUrl());
    try (AgentEventPublisher publisher = AgentEventPublisher.create(publisherConfig)) {
      if (demoPrices) {
        // The simulated agents know no prices: the demo's list prices go to the ledger instead.
        Connections.publishDemoPrices(publisherConfig, root.err);
      }
      root.err.printf(
          Locale.ROOT,
          "Publishing %d simulated runs (%d at a time, %s tokens/s) to %s%n",
          runs,
          concurrency,
          tokensPerSecond == 0 ? "max" : String.valueOf(tokensPerSecond),
          config.bootstrapServers());
      DemoAgent.LoadReport report = agent.runConcurrently(publisher, runs, concurrency);
      print(root.out, report);
      return report.brokenRuns() > 0 ? ExitCodes.FAILURE : ExitCodes.OK;
    }
  }

  /** Prints the report on one line. */
  static void print(PrintStream out, DemoAgent.LoadReport report) {
    out.printf(
        Locale.ROOT,
        "%d runs (%d sub-agent runs, %d failed as planned, %d broken), %,d events in %.1f s:"
            + " %,.0f events/s%n",
        report.runs(),
        report.childRuns(),
        report.failedRuns(),
        report.brokenRuns(),
        report.events(),
        report.elapsed().toMillis() / 1000.0,
        report.eventsPerSecond());
    out.flush();
  }
}
