package dev.runstream.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.runstream.cli.CliConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runstream runs [--status S] [--limit N] [--json]}: the workflow runs the topology has
 * materialized ({@code GET /workflows}), as an aligned table or as the service's JSON.
 */
@Command(
    name = "runs",
    description = "List workflow runs from the topology's materialized view.",
    mixinStandardHelpOptions = true)
final class RunsCommand implements Callable<Integer> {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Run statuses. */
  enum Status {
    RUNNING,
    FINISHED,
    FAILED,
    CANCELLED
  }

  @ParentCommand RootCommand root;

  @Option(
      names = "--status",
      paramLabel = "STATUS",
      description = "Only runs with this status: ${COMPLETION-CANDIDATES}.")
  Status status;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "At most N runs, sorted by workflow id (default ${DEFAULT-VALUE}).")
  int limit = 100;

  @Option(names = "--json", description = "Print the query service's JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (limit < 1 || limit > 10_000) {
      throw new CliException(ExitCodes.USAGE, "--limit must be between 1 and 10000");
    }
    CliConfig config = root.config();
    JsonNode answer = new QueryClient(config).runs(status == null ? null : status.name(), limit);
    if (json) {
      root.out.println(JSON.writeValueAsString(answer));
      root.out.flush();
      return ExitCodes.OK;
    }
    TextTable table = table(answer);
    if (table.size() == 0) {
      root.out.println(status == null ? "No runs." : "No " + status + " runs.");
      root.out.flush();
    } else {
      table.print(root.out);
    }
    return ExitCodes.OK;
  }

  /** The table of a {@code GET /workflows} answer. */
  static TextTable table(JsonNode answer) {
    TextTable table =
        new TextTable(
                "WORKFLOW",
                "AGENT",
                "STATUS",
                "STARTED",
                "DURATION",
                "EVENTS",
                "TOKENS",
                "COST",
                "PARENT")
            .rightAlign(4, 5, 6, 7);
    for (JsonNode run : answer.path("workflows")) {
      JsonNode usage = run.path("usage");
      table.row(
          run.path("workflow_id").asText(),
          run.path("agent_id").isNull() ? null : run.path("agent_id").asText(),
          run.path("status").asText(),
          Formats.time(run.get("started_at")),
          Formats.duration(run.get("started_at"), run.get("finished_at")),
          Formats.count(run.get("event_count")),
          Formats.count(usage.get("total_tokens")),
          Formats.usd(usage.get("cost_usd")),
          run.path("parent_workflow_id").isTextual()
              ? run.path("parent_workflow_id").asText()
              : "");
    }
    return table;
  }
}
