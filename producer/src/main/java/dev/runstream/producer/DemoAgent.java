package dev.runstream.producer;

import dev.runstream.producer.internal.DemoScriptExecutor;
import dev.runstream.producer.internal.DemoScriptGenerator;
import dev.runstream.schemas.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.config.ConfigException;

/**
 * A simulated agent worker: runs that look real, published through an {@link AgentEventPublisher},
 * for demos and load. There is no LLM; a seeded generator decides everything:
 *
 * <ul>
 *   <li>agents (weather, research, support, travel, coding) with a prompt as input;
 *   <li>LLM steps that stream realistic words, one {@code text_delta} per token, at a set rate;
 *   <li>tool calls with JSON arguments, executed by TOOL steps ({@code tool_call_id} links them)
 *       whose output is a JSON result;
 *   <li>sub-agents behind {@code delegate_to_*} tools, published as child runs;
 *   <li>a fraction of runs that fail with an {@code error} event (rate limits, timeouts, tool
 *       errors), mid-step;
 *   <li>a fraction of runs that retry one LLM step mid-run ({@link RunStep#retry()}): a few tokens
 *       of a first attempt stream, then attempt 2 streams the step's text, so the first attempt's
 *       text is superseded;
 *   <li>usage per LLM step for the run's model, priced by the publisher ({@link #DEMO_PRICES}).
 * </ul>
 *
 * <p>Run {@code i} of a seed is always the same ({@link #plan(long)}), so a run can be reproduced.
 *
 * <pre>{@code
 * DemoAgent agent = new DemoAgent(DemoAgent.Options.newBuilder().seed(42).build());
 * LoadReport report = agent.runConcurrently(publisher, 100, 8);
 * }</pre>
 */
public final class DemoAgent {

  /** List prices (USD per million tokens) of the models the demo uses, for {@code prices}. */
  public static final String DEMO_PRICES =
      "gpt-4o:2.5:10,gpt-4o-mini:0.15:0.6,claude-sonnet-4:3:15,claude-haiku-3.5:0.8:4";

  private final Options options;
  private final DemoScriptGenerator generator;

  /**
   * What the simulated runs look like.
   *
   * @param seed the seed; run {@code i} of a seed is always the same
   * @param tokensPerSecond how fast LLM steps stream tokens; 0 streams as fast as possible
   * @param minLlmSteps fewest LLM steps of a top-level run, at least 1
   * @param maxLlmSteps most LLM steps of a top-level run
   * @param minTokensPerStep fewest tokens an LLM step streams, at least 1
   * @param maxTokensPerStep most tokens an LLM step streams
   * @param toolCallProbability chance that a non-final LLM step calls tools
   * @param subAgentProbability chance that a step with tool calls delegates to a sub-agent
   * @param maxDepth deepest sub-agent nesting; 0 for none
   * @param failureRate the fraction of runs that fail with an error event
   * @param models the models runs use; each must be priced by the publisher
   * @param retryRate the fraction of top-level runs that retry one of their LLM steps mid-stream
   */
  public record Options(
      long seed,
      double tokensPerSecond,
      int minLlmSteps,
      int maxLlmSteps,
      int minTokensPerStep,
      int maxTokensPerStep,
      double toolCallProbability,
      double subAgentProbability,
      int maxDepth,
      double failureRate,
      List<String> models,
      double retryRate) {

    /** The default {@code retryRate}: 10 % of runs retry a step. */
    public static final double DEFAULT_RETRY_RATE = 0.1;

    /**
     * Validates the options.
     *
     * @throws IllegalArgumentException if a range or probability is invalid
     */
    public Options {
      models = List.copyOf(models);
      if (tokensPerSecond < 0) {
        throw new IllegalArgumentException("tokensPerSecond must not be negative");
      }
      new DemoScriptGenerator(
          seed,
          minLlmSteps,
          maxLlmSteps,
          minTokensPerStep,
          maxTokensPerStep,
          toolCallProbability,
          subAgentProbability,
          maxDepth,
          failureRate,
          models,
          retryRate);
    }

    /**
     * A builder with the defaults: seed 42, 50 tokens/s, 1–4 LLM steps of 20–120 tokens, tool calls
     * 60 %, sub-agents 25 % up to depth 2, 10 % failed runs, 10 % runs with a retried step, the
     * models of {@link #DEMO_PRICES}.
     *
     * @return a new builder
     */
    public static Builder newBuilder() {
      return new Builder();
    }

    /** Builds {@link Options}. */
    public static final class Builder {
      private long seed = 42;
      private double tokensPerSecond = 50;
      private int minLlmSteps = 1;
      private int maxLlmSteps = 4;
      private int minTokensPerStep = 20;
      private int maxTokensPerStep = 120;
      private double toolCallProbability = 0.6;
      private double subAgentProbability = 0.25;
      private int maxDepth = 2;
      private double failureRate = 0.1;
      private double retryRate = DEFAULT_RETRY_RATE;
      private List<String> models =
          List.of("gpt-4o", "gpt-4o-mini", "claude-sonnet-4", "claude-haiku-3.5");

      private Builder() {}

      /**
       * Sets the seed.
       *
       * @param seed the seed
       * @return this builder
       */
      public Builder seed(long seed) {
        this.seed = seed;
        return this;
      }

      /**
       * Sets the token rate.
       *
       * @param tokensPerSecond tokens per second per run; 0 for as fast as possible
       * @return this builder
       */
      public Builder tokensPerSecond(double tokensPerSecond) {
        this.tokensPerSecond = tokensPerSecond;
        return this;
      }

      /**
       * Sets the number of LLM steps of a top-level run.
       *
       * @param min fewest
       * @param max most
       * @return this builder
       */
      public Builder llmSteps(int min, int max) {
        this.minLlmSteps = min;
        this.maxLlmSteps = max;
        return this;
      }

      /**
       * Sets the tokens an LLM step streams.
       *
       * @param min fewest
       * @param max most
       * @return this builder
       */
      public Builder tokensPerStep(int min, int max) {
        this.minTokensPerStep = min;
        this.maxTokensPerStep = max;
        return this;
      }

      /**
       * Sets the chance of tool calls.
       *
       * @param probability within [0, 1]
       * @return this builder
       */
      public Builder toolCallProbability(double probability) {
        this.toolCallProbability = probability;
        return this;
      }

      /**
       * Sets the chance of sub-agents and their deepest nesting.
       *
       * @param probability within [0, 1]
       * @param maxDepth deepest nesting
       * @return this builder
       */
      public Builder subAgents(double probability, int maxDepth) {
        this.subAgentProbability = probability;
        this.maxDepth = maxDepth;
        return this;
      }

      /**
       * Sets the fraction of failing runs.
       *
       * @param rate within [0, 1]
       * @return this builder
       */
      public Builder failureRate(double rate) {
        this.failureRate = rate;
        return this;
      }

      /**
       * Sets the fraction of top-level runs that retry one LLM step mid-stream.
       *
       * @param rate within [0, 1]
       * @return this builder
       */
      public Builder retryRate(double rate) {
        this.retryRate = rate;
        return this;
      }

      /**
       * Sets the models.
       *
       * @param models model names, priced by the publisher
       * @return this builder
       */
      public Builder models(List<String> models) {
        this.models = models;
        return this;
      }

      /**
       * Builds the options.
       *
       * @return the options
       */
      public Options build() {
        return new Options(
            seed,
            tokensPerSecond,
            minLlmSteps,
            maxLlmSteps,
            minTokensPerStep,
            maxTokensPerStep,
            toolCallProbability,
            subAgentProbability,
            maxDepth,
            failureRate,
            models,
            retryRate);
      }
    }
  }

  /**
   * What a batch of simulated runs did.
   *
   * @param runs top-level runs played
   * @param childRuns sub-agent runs among their workflows
   * @param failedRuns top-level runs that ended with an error event, as planned
   * @param brokenRuns runs that threw (backpressure, broker down); their first error is logged
   * @param events events the runs published (without coalescing)
   * @param elapsed from the first run's start until every event was acknowledged
   */
  public record LoadReport(
      long runs, long childRuns, long failedRuns, long brokenRuns, long events, Duration elapsed) {

    /**
     * Published events per second.
     *
     * @return events / elapsed seconds
     */
    public double eventsPerSecond() {
      return events / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }
  }

  /**
   * Creates a simulated agent.
   *
   * @param options what its runs look like
   */
  public DemoAgent(Options options) {
    this.options = Objects.requireNonNull(options, "options");
    this.generator =
        new DemoScriptGenerator(
            options.seed(),
            options.minLlmSteps(),
            options.maxLlmSteps(),
            options.minTokensPerStep(),
            options.maxTokensPerStep(),
            options.toolCallProbability(),
            options.subAgentProbability(),
            options.maxDepth(),
            options.failureRate(),
            options.models(),
            options.retryRate());
  }

  /**
   * The options.
   *
   * @return the options
   */
  public Options options() {
    return options;
  }

  /**
   * Decides run number {@code runIndex}: the same for the same seed and index.
   *
   * @param runIndex the run's index
   * @return the plan
   */
  public RunPlan plan(long runIndex) {
    return new RunPlan(runIndex, generator.script(runIndex));
  }

  /**
   * Plans runs {@code first} to {@code first + count - 1}.
   *
   * @param first the first index
   * @param count how many
   * @return the plans
   */
  public List<RunPlan> plans(long first, int count) {
    List<RunPlan> plans = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      plans.add(plan(first + i));
    }
    return plans;
  }

  /**
   * Plays one planned run (and its sub-agents) on the calling thread, streaming at the configured
   * token rate. Events are published asynchronously; flush the publisher to wait for them.
   *
   * @param publisher the publisher; its price table must price the plan's models
   * @param plan the plan
   * @return the top-level run
   * @throws PublishException if publishing fails
   */
  public AgentRun play(AgentEventPublisher publisher, RunPlan plan) {
    return new DemoScriptExecutor(options.tokensPerSecond()).play(plan.script(), publisher).run();
  }

  /**
   * Plans and plays runs {@code 0..runs-1} on {@code concurrency} threads, then flushes.
   *
   * @param publisher the publisher
   * @param runs how many top-level runs
   * @param concurrency how many run at once
   * @return what happened
   */
  public LoadReport runConcurrently(AgentEventPublisher publisher, int runs, int concurrency) {
    return playAll(publisher, plans(0, runs), concurrency);
  }

  /**
   * Plays planned runs on {@code concurrency} threads, each thread taking the next plan, then
   * flushes the publisher. Planning first keeps generation out of timed work.
   *
   * @param publisher the publisher
   * @param plans the plans
   * @param concurrency how many run at once, at least 1
   * @return what happened
   */
  public LoadReport playAll(AgentEventPublisher publisher, List<RunPlan> plans, int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1");
    }
    checkPrices(publisher.config().prices());
    AtomicLong failed = new AtomicLong();
    AtomicLong broken = new AtomicLong();
    long start = System.nanoTime();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            concurrency,
            r -> {
              Thread thread = new Thread(r, "demo-agent");
              thread.setDaemon(true);
              return thread;
            });
    try {
      List<Future<?>> futures = new ArrayList<>(plans.size());
      for (RunPlan plan : plans) {
        futures.add(
            pool.submit(
                () -> {
                  try {
                    if (play(publisher, plan).status() == RunStatus.FAILED) {
                      failed.incrementAndGet();
                    }
                  } catch (PublishException e) {
                    if (broken.getAndIncrement() == 0) {
                      System.err.println("demo run " + plan.runIndex() + " broke: " + e);
                    }
                  }
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("a demo run failed unexpectedly", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    publisher.flush();
    long events = plans.stream().mapToLong(RunPlan::eventCount).sum();
    long children = plans.stream().mapToLong(RunPlan::childRuns).sum();
    return new LoadReport(
        plans.size(),
        children,
        failed.get(),
        broken.get(),
        events,
        Duration.ofNanos(System.nanoTime() - start));
  }

  private void checkPrices(PriceTable prices) {
    if (prices.prices().isEmpty()) {
      return; // token counts only: the topology prices them from the price ledger
    }
    for (String model : options.models()) {
      if (prices.price(model).isEmpty()) {
        throw new IllegalArgumentException(
            "the publisher has no price for model "
                + model
                + "; configure "
                + PublisherConfig.PRICES_CONFIG
                + " (DemoAgent.DEMO_PRICES prices the demo's models)");
      }
    }
  }

  /**
   * Publishes simulated runs to the cluster of the environment's publisher configuration (by
   * default the local cluster of {@code ./runstream demo}). Options: {@code --runs N} (default 20),
   * {@code --concurrency C} (8), {@code --tokens-per-second R} (50; 0 as fast as possible), {@code
   * --seed S} (42), {@code --failure-rate F} (0.1), {@code --retry-rate F} (0.1). Without {@link
   * PublisherConfig#PRICES_CONFIG}, it first publishes {@link #DEMO_PRICES} to the price ledger
   * (effective from the epoch) and the simulated runs carry token counts only.
   *
   * @param args the options
   */
  public static void main(String[] args) {
    int runs = 20;
    int concurrency = 8;
    Options.Builder builder = Options.newBuilder();
    try {
      for (int i = 0; i < args.length; i++) {
        String value = i + 1 < args.length ? args[i + 1] : "";
        switch (args[i]) {
          case "--runs" -> runs = Integer.parseInt(value);
          case "--concurrency" -> concurrency = Integer.parseInt(value);
          case "--tokens-per-second" -> builder.tokensPerSecond(Double.parseDouble(value));
          case "--seed" -> builder.seed(Long.parseLong(value));
          case "--failure-rate" -> builder.failureRate(Double.parseDouble(value));
          case "--retry-rate" -> builder.retryRate(Double.parseDouble(value));
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
        i++;
      }
    } catch (IllegalArgumentException e) {
      System.err.println(
          "usage: DemoAgent [--runs N] [--concurrency C] [--tokens-per-second R] [--seed S]"
              + " [--failure-rate F] [--retry-rate F]: "
              + e.getMessage());
      System.exit(2);
      return;
    }
    PublisherConfig config;
    try {
      config = PublisherConfig.fromEnvironment();
    } catch (ConfigException e) {
      System.err.println("Invalid publisher configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    DemoAgent agent = new DemoAgent(builder.build());
    if (config.prices().prices().isEmpty()) {
      // Workers know no prices: the demo's list prices go to the ledger, the topology prices.
      try (PriceLedger ledger = PriceLedger.create(config)) {
        ledger.publishAll(PriceTable.parse(DEMO_PRICES), Instant.EPOCH, "demo list price");
      } catch (PublishException e) {
        System.err.println("Could not publish the demo prices to the ledger: " + e.getMessage());
      }
    }
    try (AgentEventPublisher publisher = AgentEventPublisher.create(config)) {
      System.out.println(
          "Publishing "
              + runs
              + " simulated runs ("
              + concurrency
              + " at a time) to "
              + config.topic()
              + " at "
              + String.join(",", config.bootstrapServers()));
      LoadReport report = agent.runConcurrently(publisher, runs, concurrency);
      System.out.printf(
          Locale.ROOT,
          "%d runs (%d sub-agent runs, %d failed as planned, %d broken), %d events in %.1f s:"
              + " %.0f events/s%n",
          report.runs(),
          report.childRuns(),
          report.failedRuns(),
          report.brokenRuns(),
          report.events(),
          report.elapsed().toMillis() / 1000.0,
          report.eventsPerSecond());
    } catch (PublishException e) {
      System.err.println("Publishing failed: " + e.getMessage());
      System.exit(1);
    }
  }
}
