package dev.runstream.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.cli.CliConfig;
import dev.runstream.client.RunstreamClient;
import dev.runstream.client.StreamOptions;
import dev.runstream.client.WorkflowStream;
import dev.runstream.schemas.AgentEvent;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runstream replay <workflow> [--from-seq N] [--json]}: a workflow's events from its first
 * one (or sequence N), through the consumer SDK's indexed replay, following a running workflow to
 * its end. A long replay shows a progress bar on stderr, whose total is the materialized view's
 * event count.
 */
@Command(
    name = "replay",
    description = {
      "Print a workflow's events from its first one (or --from-seq), following it to its end.",
      "Exit code 3 if no event of the workflow appears within the start timeout."
    },
    mixinStandardHelpOptions = true)
final class ReplayCommand implements Callable<Integer> {
  /** Replays with at least this many events show a progress bar in {@code auto} mode. */
  static final long PROGRESS_THRESHOLD = 200;

  /** When to draw the progress bar. */
  enum Progress {
    auto,
    always,
    never
  }

  @ParentCommand RootCommand root;

  @Parameters(index = "0", paramLabel = "WORKFLOW", description = "The workflow id.")
  String workflowId;

  @Option(
      names = "--from-seq",
      paramLabel = "N",
      description = "Start at this sequence of the workflow (default 0).")
  Long fromSequence;

  @Option(names = "--json", description = "One JSON object per event (NDJSON) on stdout.")
  boolean json;

  @Option(names = "--no-children", description = "Leave out the events of sub-agents.")
  boolean noChildren;

  @Option(
      names = "--progress",
      paramLabel = "WHEN",
      description =
          "Progress bar on stderr: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}: for"
              + " replays of "
              + PROGRESS_THRESHOLD
              + "+ events when stdout is not a terminal or --json).")
  Progress progress = Progress.auto;

  @Override
  public Integer call() {
    if (fromSequence != null && fromSequence < 0) {
      throw new CliException(ExitCodes.USAGE, "--from-seq must be 0 or more");
    }
    CliConfig config = root.config();
    Connections.requireRegistry(config);
    boolean children = !noChildren;
    Optional<JsonNode> view = StreamCommands.view(config, workflowId);
    long total =
        view.map(v -> StreamCommands.eventCount(config, v, children)).orElse(0L)
            - (fromSequence == null ? 0 : fromSequence);
    boolean showProgress =
        switch (progress) {
          case always -> true;
          case never -> false;
          case auto -> total >= PROGRESS_THRESHOLD && (json || System.console() == null);
        };
    StreamOptions options = StreamOptions.newBuilder().includeChildren(children).build();
    StreamCommands.Output output = new StreamCommands.Output(root.out, json);
    try (RunstreamClient client = RunstreamClient.create(Connections.clientConfig(config));
        WorkflowStream stream =
            fromSequence == null || fromSequence == 0
                ? client.replay(workflowId, options)
                : client.resume(workflowId, fromSequence - 1, options);
        ProgressBar bar = showProgress ? new ProgressBar(root.err, "replay", total) : null) {
      for (AgentEvent event : stream) {
        output.write(event);
        if (bar != null) {
          bar.advance(1);
        }
      }
      output.finish();
    } finally {
      output.finish();
    }
    return ExitCodes.OK;
  }
}
