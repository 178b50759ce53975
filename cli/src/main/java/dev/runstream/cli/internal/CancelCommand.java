package dev.runstream.cli.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.cli.CliConfig;
import dev.runstream.client.CancelOptions;
import dev.runstream.client.CancelReceipt;
import dev.runstream.client.RunResult;
import dev.runstream.client.RunstreamClient;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runstream cancel <workflow>}: asks the run's worker to stop it, through the SDK's {@code
 * RunstreamClient#cancel} (a {@code CANCEL} command on the control topic). The run ends when its
 * worker has stopped, with a cancelled {@code error} event; {@code --wait} waits for that and
 * prints how the run ended.
 */
@Command(
    name = "cancel",
    description = {
      "Ask the worker of a running workflow to stop it (a cancel command on the control topic).",
      "The run ends cancelled once its worker has stopped; --wait waits for that. Exit code 3 for"
          + " an unknown workflow, 1 for one that has already ended."
    },
    mixinStandardHelpOptions = true)
final class CancelCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand RootCommand root;

  @Parameters(index = "0", paramLabel = "WORKFLOW", description = "The workflow id.")
  String workflowId;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why; shown with the run.")
  String reason;

  @Option(
      names = "--requested-by",
      paramLabel = "NAME",
      description = "Who asks (default: the user name of this process).")
  String requestedBy;

  @Option(names = "--wait", description = "Wait until the run has ended and print its status.")
  boolean wait;

  @Option(
      names = "--wait-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long --wait waits for the worker to stop the run (default 60s).")
  Duration waitTimeout = Duration.ofSeconds(60);

  @Option(names = "--json", description = "Print the receipt (and the final status) as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    CliConfig config = root.config();
    Connections.requireRegistry(config);
    CancelOptions options;
    try {
      options =
          CancelOptions.newBuilder()
              .reason(reason)
              .requestedBy(requestedBy != null ? requestedBy : System.getProperty("user.name"))
              .source("cli")
              .build();
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
    }
    try (RunstreamClient client = RunstreamClient.create(Connections.clientConfig(config))) {
      CancelReceipt receipt;
      try {
        receipt = client.cancel(workflowId, options).get();
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
      }
      ObjectNode out = JSON.createObjectNode();
      if (json) {
        out.put("status", "cancel_requested");
        out.put("request_id", receipt.requestId());
        out.put("workflow_id", receipt.workflowId());
        out.put("root_workflow_id", receipt.rootWorkflowId());
        out.put("reason", receipt.reason());
        out.put("requested_by", receipt.requestedBy());
        out.put("requested_at", receipt.requestedAt().toString());
      } else {
        root.out.println(
            "⏹ Cancel requested for workflow "
                + workflowId
                + " (request "
                + receipt.requestId()
                + "); its worker stops the run.");
      }
      if (wait) {
        RunResult result =
            client.result(workflowId).get(waitTimeout.toMillis(), TimeUnit.MILLISECONDS);
        if (json) {
          out.put("run_status", result.status().name());
        } else {
          root.out.println(
              "Run ended: "
                  + result.status()
                  + result.error().map(e -> " — " + e.getMessage()).orElse(""));
        }
      }
      if (json) {
        root.out.println(out.toString());
      }
      root.out.flush();
    }
    return ExitCodes.OK;
  }
}
