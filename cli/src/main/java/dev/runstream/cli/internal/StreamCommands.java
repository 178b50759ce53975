package dev.runstream.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.cli.CliConfig;
import dev.runstream.schemas.AgentEvent;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** What {@code tail} and {@code replay} share: the view lookup and the event output. */
final class StreamCommands {
  private StreamCommands() {}

  /**
   * The view of a workflow, or empty when the topology does not know it or cannot be reached (the
   * SDK then finds the workflow in the topic by itself).
   */
  static Optional<JsonNode> view(CliConfig config, String workflowId) {
    try {
      return new QueryClient(config).workflow(workflowId);
    } catch (CliException e) {
      return Optional.empty();
    }
  }

  /** Events of the workflow and, with children, of its sub-agents, from their views. */
  static long eventCount(CliConfig config, JsonNode view, boolean children) {
    long count = view.path("event_count").asLong(0);
    if (!children) {
      return count;
    }
    Set<String> seen = new HashSet<>();
    for (JsonNode child : view.path("children")) {
      if (seen.add(child.asText())) {
        Optional<JsonNode> childView = view(config, child.asText());
        if (childView.isPresent()) {
          count += eventCount(config, childView.get(), true);
        }
      }
    }
    return count;
  }

  /** Writes events as NDJSON or as Polos-style lines. */
  static final class Output {
    private final PrintStream out;
    private final boolean json;
    private final EventPrinter printer;

    Output(PrintStream out, boolean json) {
      this.out = out;
      this.json = json;
      this.printer = new EventPrinter(out);
    }

    void write(AgentEvent event) {
      if (json) {
        out.println(EventJson.toJson(event));
      } else {
        printer.print(event);
      }
    }

    void finish() {
      if (json) {
        out.flush();
      } else {
        printer.finish();
      }
    }
  }
}
