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
 * {@code runstream tail <workflow>}: a running workflow's events from now on, live, until it ends,
 * printed as Polos' streaming example does. A workflow that the topology does not know yet is
 * waited for (up to the start timeout) and then followed from its first event; one that already
 * ended is reported and not waited for.
 */
@Command(
    name = "tail",
    description = {
      "Follow a workflow live, printing its events as they happen, until it ends.",
      "A workflow that has not started is waited for (--start-timeout); exit code 3 if it never"
          + " does."
    },
    mixinStandardHelpOptions = true)
final class TailCommand implements Callable<Integer> {
  @ParentCommand RootCommand root;

  @Parameters(index = "0", paramLabel = "WORKFLOW", description = "The workflow id.")
  String workflowId;

  @Option(names = "--json", description = "One JSON object per event (NDJSON) on stdout.")
  boolean json;

  @Option(names = "--no-children", description = "Leave out the events of sub-agents.")
  boolean noChildren;

  @Override
  public Integer call() {
    CliConfig config = root.config();
    Connections.requireRegistry(config);
    Optional<JsonNode> view = StreamCommands.view(config, workflowId);
    if (view.isPresent() && !"RUNNING".equals(view.get().path("status").asText())) {
      root.err.println(
          "workflow "
              + workflowId
              + " already ended ("
              + view.get().path("status").asText()
              + "); `runstream replay "
              + workflowId
              + "` prints it");
      return ExitCodes.OK;
    }
    StreamOptions options = StreamOptions.newBuilder().includeChildren(!noChildren).build();
    StreamCommands.Output output = new StreamCommands.Output(root.out, json);
    try (RunstreamClient client = RunstreamClient.create(Connections.clientConfig(config));
        WorkflowStream stream =
            view.isPresent()
                ? client.tail(workflowId, options)
                // Unknown so far: wait for its start, then follow it from its first event.
                : client.replay(workflowId, options)) {
      for (AgentEvent event : stream) {
        output.write(event);
      }
    } finally {
      output.finish();
    }
    return ExitCodes.OK;
  }
}
