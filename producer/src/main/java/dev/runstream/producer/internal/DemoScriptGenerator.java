package dev.runstream.producer.internal;

import dev.runstream.producer.internal.DemoScript.Action;
import dev.runstream.producer.internal.DemoScript.CallTool;
import dev.runstream.producer.internal.DemoScript.Fail;
import dev.runstream.producer.internal.DemoScript.Finish;
import dev.runstream.producer.internal.DemoScript.FinishStep;
import dev.runstream.producer.internal.DemoScript.RetryStep;
import dev.runstream.producer.internal.DemoScript.RunChild;
import dev.runstream.producer.internal.DemoScript.StartLlmStep;
import dev.runstream.producer.internal.DemoScript.StartToolStep;
import dev.runstream.producer.internal.DemoScript.Token;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates {@link DemoScript}s that look like real agent runs: LLM steps streaming realistic
 * words, tool calls with JSON arguments and results, sub-agents behind delegate tools, failures and
 * per-model usage. Deterministic: the same parameters and run index give the same script.
 *
 * @param seed the base seed
 * @param minLlmSteps fewest LLM steps of a top-level run
 * @param maxLlmSteps most LLM steps of a top-level run
 * @param minTokens fewest tokens an LLM step streams
 * @param maxTokens most tokens an LLM step streams
 * @param toolCallProbability chance that a non-final LLM step calls tools
 * @param subAgentProbability chance that a step with tool calls delegates one to a sub-agent
 * @param maxDepth deepest sub-agent nesting (0: none)
 * @param failureRate chance that a run fails with an error event
 * @param models the models runs use
 * @param retryRate chance that a top-level run retries one of its LLM steps mid-stream (drawn from
 *     a random stream of its own, so the rest of a seed's scripts do not change with it)
 */
public record DemoScriptGenerator(
    long seed,
    int minLlmSteps,
    int maxLlmSteps,
    int minTokens,
    int maxTokens,
    double toolCallProbability,
    double subAgentProbability,
    int maxDepth,
    double failureRate,
    List<String> models,
    double retryRate) {

  private static final String[] WORDS = {
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "is",
    "for",
    "that",
    "with",
    "on",
    "as",
    "it",
    "this",
    "be",
    "are",
    "from",
    "by",
    "at",
    "or",
    "an",
    "which",
    "can",
    "will",
    "more",
    "your",
    "about",
    "their",
    "has",
    "have",
    "data",
    "results",
    "weather",
    "forecast",
    "temperature",
    "city",
    "today",
    "tomorrow",
    "morning",
    "evening",
    "expected",
    "likely",
    "around",
    "degrees",
    "rain",
    "sunny",
    "cloudy",
    "wind",
    "humidity",
    "research",
    "sources",
    "article",
    "report",
    "summary",
    "findings",
    "analysis",
    "model",
    "agent",
    "tool",
    "search",
    "query",
    "answer",
    "question",
    "order",
    "customer",
    "shipping",
    "delivery",
    "status",
    "ticket",
    "support",
    "flight",
    "hotel",
    "travel",
    "price",
    "booking",
    "schedule",
    "options",
    "recommend",
    "based",
    "recent",
    "several",
    "important",
    "however",
    "also",
    "because",
    "while",
    "after",
    "before",
    "between",
    "during",
    "each",
    "first",
    "next",
    "finally",
    "overall",
    "approximately",
    "percent",
    "increase",
    "decrease",
    "compared",
    "previous",
    "week",
    "month",
    "year",
    "level",
    "system",
    "performance",
    "latency",
    "throughput",
    "tests",
    "passed",
    "failed",
    "code",
    "function",
    "file",
    "change",
    "review",
    "update",
    "version",
    "issue",
    "fix",
    "check",
    "should",
    "could",
    "would",
    "may",
    "might",
    "please",
    "note",
    "here",
    "there",
    "these",
    "those",
    "some",
    "many",
    "most",
    "all",
    "any",
    "only",
    "just",
    "very",
    "quite",
    "rather",
    "clear",
    "high",
    "low",
    "warm",
    "cold",
    "mild",
    "strong",
    "light",
    "heavy",
    "early",
    "late",
    "new",
    "current"
  };

  private static final String[] CITIES = {
    "Tokyo", "Paris", "New York", "Mumbai", "Berlin", "Sydney", "Toronto", "Lagos", "Lima", "Seoul"
  };

  private static final String[] CONDITIONS = {"sunny", "cloudy", "light rain", "windy", "clear"};

  private static final String[] TOPICS = {
    "AI agents",
    "vector databases",
    "Kafka tuning",
    "battery recycling",
    "solar storage",
    "remote work",
    "supply chains",
    "quantum error correction"
  };

  private record Agent(String id, String[] tools, String prompt) {}

  private static final Agent[] AGENTS = {
    new Agent(
        "weather-agent",
        new String[] {"get_weather", "get_forecast"},
        "What is the weather in %s? Compare it with tomorrow."),
    new Agent(
        "research-agent",
        new String[] {"search_web", "fetch_page"},
        "Research %s and create a short summary."),
    new Agent(
        "support-agent",
        new String[] {"lookup_order", "create_ticket"},
        "Where is my order %s? It is late."),
    new Agent(
        "travel-agent",
        new String[] {"search_flights", "get_weather"},
        "Plan a weekend trip to %s with flights."),
    new Agent(
        "coding-agent",
        new String[] {"read_file", "run_tests"},
        "Fix the failing test in module %s.")
  };

  private static final String[] SUB_AGENTS = {"summarizer-agent", "weather-agent", "fact-checker"};

  private static final String[][] ERRORS = {
    {
      "RateLimitError", "429 Too Many Requests: rate limit of 30000 tokens per minute exceeded", "1"
    },
    {"ContextLengthExceeded", "prompt of 131072 tokens exceeds the model's context window", "0"},
    {"ProviderTimeout", "the model provider did not answer within 60 s", "1"},
    {"ToolExecutionError", "tool raised ConnectionError: upstream API unreachable", "0"}
  };

  /**
   * Validates the parameters.
   *
   * @throws IllegalArgumentException if a range or a probability is invalid
   */
  public DemoScriptGenerator {
    if (minLlmSteps < 1 || maxLlmSteps < minLlmSteps) {
      throw new IllegalArgumentException(
          "LLM steps need 1 <= min <= max, got " + minLlmSteps + ".." + maxLlmSteps);
    }
    if (minTokens < 1 || maxTokens < minTokens) {
      throw new IllegalArgumentException(
          "tokens per step need 1 <= min <= max, got " + minTokens + ".." + maxTokens);
    }
    checkProbability("toolCallProbability", toolCallProbability);
    checkProbability("subAgentProbability", subAgentProbability);
    checkProbability("failureRate", failureRate);
    checkProbability("retryRate", retryRate);
    if (maxDepth < 0) {
      throw new IllegalArgumentException("maxDepth must not be negative");
    }
    models = List.copyOf(models);
    if (models.isEmpty()) {
      throw new IllegalArgumentException("at least one model is needed");
    }
  }

  private static void checkProbability(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be within [0, 1], got " + value);
    }
  }

  /**
   * The script of run number {@code runIndex}.
   *
   * @param runIndex the run's index
   * @return the script, the same for the same generator and index
   */
  public DemoScript script(long runIndex) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + runIndex);
    Agent agent = AGENTS[random.nextInt(AGENTS.length)];
    String input = String.format(Locale.ROOT, agent.prompt, subject(agent, random));
    DemoScript script = generate(agent.id, agent.tools, input, 0, minLlmSteps, maxLlmSteps, random);
    SplittableRandom retries =
        new SplittableRandom((seed ^ 0x2545F4914F6CDD1DL) * 0x9E3779B97F4A7C15L + runIndex);
    return retries.nextDouble() < retryRate ? withRetry(script, retries) : script;
  }

  /**
   * Inserts a retry into one LLM step of {@code script} that is not its failing one: right after
   * the step starts, a few tokens of a first attempt stream, then the step is retried and streams
   * its text as before.
   */
  private static DemoScript withRetry(DemoScript script, SplittableRandom random) {
    List<Action> actions = script.actions();
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < actions.size(); i++) {
      if (actions.get(i) instanceof StartLlmStep && !failsInStep(actions, i)) {
        candidates.add(i);
      }
    }
    if (candidates.isEmpty()) {
      return script;
    }
    // The middle of the run, so the retry is surrounded by other steps' events.
    int at = candidates.get(candidates.size() / 2);
    List<Action> retried = new ArrayList<>(actions.subList(0, at + 1));
    int partial = 3 + random.nextInt(6);
    for (int t = 0; t < partial; t++) {
      retried.add(new Token((t == 0 ? "" : " ") + pick(FIRST_ATTEMPT_WORDS, random)));
    }
    retried.add(new RetryStep());
    retried.addAll(actions.subList(at + 1, actions.size()));
    return new DemoScript(script.agentId(), script.input(), script.config(), retried);
  }

  /** Whether the LLM step started at {@code start} ends the run with a failure of its own. */
  private static boolean failsInStep(List<Action> actions, int start) {
    for (int i = start + 1; i < actions.size(); i++) {
      Action action = actions.get(i);
      if (action instanceof Fail) {
        return true;
      }
      if (!(action instanceof Token)) {
        return false;
      }
    }
    return false;
  }

  /** The words of a first attempt that a retry supersedes: easy to spot if they ever leak. */
  private static final String[] FIRST_ATTEMPT_WORDS = {
    "(interrupted", "partial", "draft", "lost", "stream", "attempt…)"
  };

  private static String subject(Agent agent, SplittableRandom random) {
    return switch (agent.id) {
      case "research-agent" -> pick(TOPICS, random);
      case "support-agent" -> "A-" + (10_000 + random.nextInt(90_000));
      case "coding-agent" -> pick(new String[] {"billing", "auth", "search", "ingest"}, random);
      default -> pick(CITIES, random);
    };
  }

  private DemoScript generate(
      String agentId,
      String[] tools,
      String input,
      int depth,
      int minSteps,
      int maxSteps,
      SplittableRandom random) {
    String model = models.get(random.nextInt(models.size()));
    Map<String, String> config = new LinkedHashMap<>();
    config.put("model", model);
    config.put("temperature", String.format(Locale.ROOT, "%.1f", random.nextInt(11) / 10.0));
    config.put("max_steps", "10");
    int steps = minSteps + random.nextInt(maxSteps - minSteps + 1);
    boolean fails = random.nextDouble() < failureRate;
    int failingStep = fails ? 1 + random.nextInt(steps) : -1;
    List<Action> actions = new ArrayList<>();
    long context = 150 + random.nextInt(1_000);
    int toolIndex = 0;
    String lastText = "";
    for (int round = 1; round <= steps; round++) {
      actions.add(new StartLlmStep("llm_" + round));
      int tokens = minTokens + random.nextInt(maxTokens - minTokens + 1);
      boolean failsHere = round == failingStep;
      boolean toolFails = failsHere && round < steps && random.nextInt(4) == 0;
      boolean llmFails = failsHere && !toolFails;
      int streamed = llmFails ? Math.max(1, tokens / 2) : tokens;
      StringBuilder text = new StringBuilder();
      boolean capital = true;
      for (int t = 0; t < streamed; t++) {
        String word = WORDS[random.nextInt(WORDS.length)];
        if (capital) {
          word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
        }
        capital = random.nextInt(12) == 0;
        String token = (t == 0 ? "" : " ") + word + (capital || t == streamed - 1 ? "." : "");
        if (!capital && t < streamed - 1 && random.nextInt(15) == 0) {
          token += ",";
        }
        text.append(token);
        actions.add(new Token(token));
      }
      if (llmFails) {
        String[] error = ERRORS[random.nextInt(ERRORS.length - 1)];
        actions.add(new Fail(error[0], error[1], "1".equals(error[2])));
        return new DemoScript(agentId, input, config, actions);
      }
      lastText = text.toString();
      List<CallTool> calls = new ArrayList<>();
      List<DemoScript> children = new ArrayList<>();
      if (toolFails) {
        String tool = pick(tools, random);
        String callId = "call_" + Long.toHexString(random.nextLong() >>> 16);
        actions.add(new CallTool(callId, tool, arguments(tool, random)));
        actions.add(new FinishStep(null, model, context, streamed + 20L));
        actions.add(new StartToolStep(tool + "_" + (++toolIndex), callId));
        String[] error = ERRORS[ERRORS.length - 1];
        actions.add(new Fail(error[0], error[1], "1".equals(error[2])));
        return new DemoScript(agentId, input, config, actions);
      }
      if (round < steps && random.nextDouble() < toolCallProbability) {
        int count = 1 + random.nextInt(2);
        for (int c = 0; c < count; c++) {
          String callId = "call_" + Long.toHexString(random.nextLong() >>> 16);
          if (c == 0 && depth < maxDepth && random.nextDouble() < subAgentProbability) {
            String child = pick(SUB_AGENTS, random);
            String task = "Help with: " + input;
            calls.add(
                new CallTool(callId, "delegate_to_" + child, "{\"task\":" + json(task) + "}"));
            children.add(
                generate(
                    child,
                    new String[] {"search_web", "get_weather"},
                    task,
                    depth + 1,
                    1,
                    Math.max(1, maxSteps / 2),
                    random));
          } else {
            String tool = pick(tools, random);
            calls.add(new CallTool(callId, tool, arguments(tool, random)));
            children.add(null);
          }
        }
      }
      actions.addAll(calls);
      actions.add(new FinishStep(null, model, context, streamed + 20L * calls.size()));
      context += streamed + 20L * calls.size();
      for (int c = 0; c < calls.size(); c++) {
        CallTool call = calls.get(c);
        actions.add(new StartToolStep(call.toolName() + "_" + (++toolIndex), call.callId()));
        DemoScript child = children.get(c);
        if (child != null) {
          actions.add(new RunChild(child));
          actions.add(new FinishStep(null, null, 0, 0));
          context += 120;
        } else {
          String result = result(call.toolName(), random);
          actions.add(new FinishStep(result, null, 0, 0));
          context += result.length() / 4;
        }
      }
    }
    actions.add(new Finish(lastText));
    return new DemoScript(agentId, input, config, actions);
  }

  private static String arguments(String tool, SplittableRandom random) {
    return switch (tool) {
      case "get_weather" -> "{\"city\":" + json(pick(CITIES, random)) + ",\"unit\":\"celsius\"}";
      case "get_forecast" -> "{\"city\":" + json(pick(CITIES, random)) + ",\"days\":3}";
      case "search_web" -> "{\"query\":" + json(pick(TOPICS, random)) + ",\"max_results\":5}";
      case "fetch_page" ->
          "{\"url\":\"https://example.org/articles/" + random.nextInt(9999) + "\"}";
      case "lookup_order" -> "{\"order_id\":\"A-" + (10_000 + random.nextInt(90_000)) + "\"}";
      case "create_ticket" -> "{\"subject\":\"Late delivery\",\"priority\":\"high\"}";
      case "search_flights" ->
          "{\"from\":"
              + json(pick(CITIES, random))
              + ",\"to\":"
              + json(pick(CITIES, random))
              + ",\"date\":\"2025-0"
              + (1 + random.nextInt(9))
              + "-1"
              + random.nextInt(10)
              + "\"}";
      case "read_file" -> "{\"path\":\"src/main/java/App" + random.nextInt(50) + ".java\"}";
      default -> "{\"path\":\"tests/\",\"pattern\":\"*Test\"}";
    };
  }

  private static String result(String tool, SplittableRandom random) {
    return switch (tool) {
      case "get_weather", "get_forecast" ->
          String.format(
              Locale.ROOT,
              "{\"temp_c\":%.1f,\"conditions\":%s,\"humidity\":%d}",
              -5 + random.nextInt(400) / 10.0,
              json(pick(CONDITIONS, random)),
              20 + random.nextInt(75));
      case "search_web" ->
          "{\"results\":[{\"title\":\"Overview\",\"url\":\"https://example.org/a\"},"
              + "{\"title\":\"Deep dive\",\"url\":\"https://example.org/b\"}],\"total\":"
              + random.nextInt(1000)
              + "}";
      case "fetch_page" -> "{\"status\":200,\"words\":" + (300 + random.nextInt(3000)) + "}";
      case "lookup_order" ->
          "{\"status\":\"in_transit\",\"eta_days\":" + (1 + random.nextInt(5)) + "}";
      case "create_ticket" -> "{\"ticket_id\":\"T-" + random.nextInt(100_000) + "\"}";
      case "search_flights" ->
          "{\"flights\":"
              + (1 + random.nextInt(9))
              + ",\"cheapest_usd\":"
              + (90 + random.nextInt(600))
              + "}";
      case "read_file" -> "{\"lines\":" + (20 + random.nextInt(500)) + "}";
      default ->
          "{\"passed\":" + (10 + random.nextInt(200)) + ",\"failed\":" + random.nextInt(3) + "}";
    };
  }

  private static String pick(String[] values, SplittableRandom random) {
    return values[random.nextInt(values.length)];
  }

  /**
   * A JSON string literal.
   *
   * @param text the text
   * @return the quoted, escaped text
   */
  static String json(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
