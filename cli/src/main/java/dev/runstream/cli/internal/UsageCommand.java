package dev.runstream.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.cli.CliConfig;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runstream usage [--dimension D] [--key K] [--from T] [--to T] [--json]}: token usage and
 * exact cost per agent, model and tenant in the topology's windows ({@code GET /usage}), as an
 * aligned table or as the service's JSON.
 */
@Command(
    name = "usage",
    description = "Token usage and cost per agent, model and tenant, per window.",
    mixinStandardHelpOptions = true)
final class UsageCommand implements Callable<Integer> {

  /** Usage dimensions. */
  enum Dimension {
    AGENT,
    MODEL,
    TENANT
  }

  @ParentCommand RootCommand root;

  @Option(
      names = "--dimension",
      paramLabel = "DIMENSION",
      description = "Only this dimension: ${COMPLETION-CANDIDATES} (default: all).")
  Dimension dimension;

  @Option(
      names = "--key",
      paramLabel = "KEY",
      description = "Only this agent, model or tenant (needs --dimension).")
  String key;

  @Option(
      names = "--from",
      paramLabel = "TIME",
      description =
          "Windows starting at or after TIME: ISO-8601 or an age such as 2h (default 24h).")
  String from;

  @Option(
      names = "--to",
      paramLabel = "TIME",
      description = "Windows starting at or before TIME: ISO-8601 or an age (default now).")
  String to;

  @Option(names = "--json", description = "Print the query service's JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (key != null && dimension == null) {
      throw new CliException(ExitCodes.USAGE, "--key needs --dimension (AGENT, MODEL or TENANT)");
    }
    Instant now = Instant.now();
    String fromTime = from == null ? null : instant(from, "--from", now).toString();
    String toTime = to == null ? null : instant(to, "--to", now).toString();
    CliConfig config = root.config();
    JsonNode answer =
        new QueryClient(config)
            .usage(dimension == null ? null : dimension.name(), key, fromTime, toTime);
    if (json) {
      root.out.println(RunsCommand.JSON.writeValueAsString(answer));
      root.out.flush();
      return ExitCodes.OK;
    }
    TextTable table = table(answer);
    if (table.size() == 0) {
      root.out.println("No usage in this time range.");
      root.out.flush();
    } else {
      table.print(root.out);
    }
    return ExitCodes.OK;
  }

  /** ISO-8601 instant, or an age before {@code now} such as {@code 2h}. */
  static Instant instant(String value, String option, Instant now) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      try {
        return now.minus(DurationConverter.parse(value));
      } catch (RuntimeException notDuration) {
        throw new CliException(
            ExitCodes.USAGE,
            option + " '" + value + "' is neither an ISO-8601 time nor an age such as 2h");
      }
    }
  }

  /** The table of a {@code GET /usage} answer, sorted by dimension, key and window. */
  static TextTable table(JsonNode answer) {
    List<JsonNode> rows = new ArrayList<>();
    answer.path("aggregates").forEach(rows::add);
    rows.sort(
        Comparator.comparing((JsonNode n) -> n.path("dimension").asText())
            .thenComparing(n -> n.path("key").asText())
            .thenComparing(n -> n.path("window_start").asText()));
    TextTable table =
        new TextTable(
                "DIMENSION",
                "KEY",
                "WINDOW START",
                "WINDOW END",
                "STEPS",
                "INPUT",
                "OUTPUT",
                "TOTAL",
                "COST")
            .rightAlign(4, 5, 6, 7, 8);
    for (JsonNode row : rows) {
      JsonNode usage = row.path("usage");
      table.row(
          row.path("dimension").asText(),
          row.path("key").asText(),
          Formats.time(row.get("window_start")),
          Formats.time(row.get("window_end")),
          Formats.count(row.get("steps")),
          Formats.count(usage.get("input_tokens")),
          Formats.count(usage.get("output_tokens")),
          Formats.count(usage.get("total_tokens")),
          Formats.usd(usage.get("cost_usd")));
    }
    return table;
  }
}
