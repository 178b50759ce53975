package dev.runstream.cli;

import dev.runstream.cli.internal.CliException;
import dev.runstream.cli.internal.ExitCodes;
import dev.runstream.cli.internal.Failures;
import dev.runstream.cli.internal.LogLevels;
import dev.runstream.cli.internal.RootCommand;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import picocli.CommandLine;

/**
 * The {@code runstream} command line, what the {@code ./runstream} launcher runs.
 *
 * <h2>Commands</h2>
 *
 * <ul>
 *   <li>{@code runstream demo}: starts the local cluster, the topology, the gateway and simulated
 *       agents; streams an agent run live in the terminal (tailed through the consumer SDK, printed
 *       as Polos' streaming example does: {@code 🚀 Agent started}, {@code 🔧 Calling tool: …},
 *       {@code ⏳ Running step: …}, text as it streams, {@code ✓ Completed step: …}, {@code ✅ Agent
 *       finished - Tokens: N}, {@code ❌} for errors); prints the time from the command's start to
 *       the first streamed token and the web UI's address; keeps agents running until Ctrl-C, which
 *       stops everything.
 *   <li>{@code runstream up}: the local cluster only, until Ctrl-C.
 *   <li>{@code runstream tail <workflow>}: follow a workflow live until it ends.
 *   <li>{@code runstream replay <workflow> [--from-seq N] [--json]}: a workflow's events from its
 *       start (a progress bar on stderr for long replays).
 *   <li>{@code runstream cancel <workflow> [--reason TEXT] [--wait]}: ask the run's worker to stop
 *       it; the run ends cancelled.
 *   <li>{@code runstream runs [--status S]} and {@code runstream usage [--dimension D --from T --to
 *       T]}: the topology's materialized runs and usage aggregates as aligned tables, or {@code
 *       --json}.
 *   <li>{@code runstream worker [--runs N --concurrency C --tokens-per-second R]}: simulated agents
 *       against a running cluster, then their load report.
 * </ul>
 *
 * <h2>Exit codes</h2>
 *
 * <table>
 *   <caption>Exit codes</caption>
 *   <tr><td>{@value #EXIT_OK}</td><td>success (also after Ctrl-C of {@code demo} and {@code
 *       up})</td></tr>
 *   <tr><td>{@value #EXIT_FAILURE}</td><td>runtime failure</td></tr>
 *   <tr><td>{@value #EXIT_USAGE}</td><td>usage error: unknown command or option, invalid value,
 *       invalid configuration</td></tr>
 *   <tr><td>{@value #EXIT_UNKNOWN_WORKFLOW}</td><td>unknown workflow: no event of it within the
 *       start timeout ({@link CliConfig#START_TIMEOUT_MS_CONFIG})</td></tr>
 *   <tr><td>{@value #EXIT_UNREACHABLE}</td><td>the broker, the schema registry or the topology's
 *       query service cannot be reached within {@link CliConfig#CONNECT_TIMEOUT_MS_CONFIG}</td></tr>
 * </table>
 *
 * Failures are reported on stderr as one line, {@code runstream: <what happened>}; {@code
 * --verbose} adds the stack trace and library logging.
 *
 * <h2>Configuration</h2>
 *
 * {@link CliConfig}: defaults for the local platform, {@code RUNSTREAM_*} environment variables,
 * {@code -Drunstream.*} system properties, then the options {@code --bootstrap-servers}, {@code
 * --registry-url}, {@code --query-url}, {@code --gateway-port} and {@code --connect-timeout},
 * accepted by every command.
 */
public final class RunstreamCli {
  /** Exit code: success. */
  public static final int EXIT_OK = ExitCodes.OK;

  /** Exit code: a runtime failure. */
  public static final int EXIT_FAILURE = ExitCodes.FAILURE;

  /** Exit code: a usage error (unknown command or option, bad value, bad configuration). */
  public static final int EXIT_USAGE = ExitCodes.USAGE;

  /** Exit code: the workflow is unknown (no event of it within the start timeout). */
  public static final int EXIT_UNKNOWN_WORKFLOW = ExitCodes.UNKNOWN_WORKFLOW;

  /** Exit code: the broker, the registry or the query service is unreachable. */
  public static final int EXIT_UNREACHABLE = ExitCodes.UNREACHABLE;

  private RunstreamCli() {}

  /**
   * Runs one command and exits the JVM with its exit code. Standard output and error are written as
   * UTF-8, whatever the locale, so the event symbols print.
   *
   * @param args the command line, for example {@code tail 0193…} or {@code demo}
   */
  public static void main(String[] args) {
    LogLevels.useCliConfiguration();
    PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err =
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    System.setOut(out);
    System.setErr(err);
    int code = execute(out, err, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs one command in this JVM and returns its exit code, for embedding and tests. Never calls
   * {@link System#exit}.
   *
   * @param out standard output: data (events, tables, JSON)
   * @param err standard error: messages, errors, progress
   * @param args the command line
   * @return the exit code: {@value #EXIT_OK}, {@value #EXIT_FAILURE}, {@value #EXIT_USAGE}, {@value
   *     #EXIT_UNKNOWN_WORKFLOW} or {@value #EXIT_UNREACHABLE}
   */
  public static int execute(PrintStream out, PrintStream err, String... args) {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    boolean verbose = false;
    for (String arg : args) {
      verbose |= "-v".equals(arg) || "--verbose".equals(arg);
    }
    LogLevels.configure(verbose);
    RootCommand root = new RootCommand();
    root.streams(out, err);
    CommandLine commandLine = new CommandLine(root);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    commandLine.setExecutionExceptionHandler(
        (exception, cmd, parseResult) -> {
          CliException failure = Failures.classify(exception);
          err.println("runstream: " + failure.getMessage());
          if (root.verbose()) {
            exception.printStackTrace(err);
          }
          err.flush();
          return failure.exitCode();
        });
    return commandLine.execute(args);
  }
}
