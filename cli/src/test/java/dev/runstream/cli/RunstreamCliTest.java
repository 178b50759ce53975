package dev.runstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Parsing, usage errors and the exit codes that need no cluster. */
class RunstreamCliTest {

  /** What a command printed and returned. */
  record Result(int exitCode, String out, String err, long millis) {}

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    long start = System.nanoTime();
    int code =
        RunstreamCli.execute(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new Result(
        code,
        out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8),
        (System.nanoTime() - start) / 1_000_000);
  }

  /** A port nothing listens on. */
  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void shouldPrintUsageAndExitZeroWhenAskedForHelp() {
    Result result = run("--help");
    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("demo", "up", "tail", "replay", "runs", "usage", "worker")
        .contains("Exit codes:", "3  unknown workflow", "4  the broker");
  }

  @Test
  void shouldExitWithUsageErrorWhenTheCommandIsUnknown() {
    Result result = run("bogus");
    assertThat(result.exitCode()).isEqualTo(RunstreamCli.EXIT_USAGE);
    assertThat(result.err()).contains("bogus");
  }

  @Test
  void shouldExitWithUsageErrorWhenAnOptionIsUnknownOrInvalid() {
    assertThat(run("runs", "--colour").exitCode()).isEqualTo(RunstreamCli.EXIT_USAGE);
    assertThat(run("runs", "--status", "DONE").exitCode()).isEqualTo(RunstreamCli.EXIT_USAGE);
    assertThat(run("replay").exitCode()).isEqualTo(RunstreamCli.EXIT_USAGE);
    assertThat(run("worker", "--runs", "many").exitCode()).isEqualTo(RunstreamCli.EXIT_USAGE);
    assertThat(run("runs", "--connect-timeout", "soon").exitCode())
        .isEqualTo(RunstreamCli.EXIT_USAGE);
  }

  @Test
  void shouldRefusePriceVersionsWithAClearMessageWhenTheyAreInvalid() {
    Result negative = run("prices", "set", "gpt-x", "--input", "-1", "--output", "2");
    assertThat(negative.exitCode()).isEqualTo(RunstreamCli.EXIT_USAGE);
    assertThat(negative.err()).contains("input price of model gpt-x is negative").hasLineCount(1);
    Result notNumber = run("prices", "set", "gpt-x", "--input", "cheap", "--output", "2");
    assertThat(notNumber.exitCode()).isEqualTo(RunstreamCli.EXIT_USAGE);
    assertThat(notNumber.err()).contains("--input must be a decimal number");
    Result badTime =
        run("prices", "set", "gpt-x", "--input", "1", "--output", "2", "--effective-from", "soon");
    assertThat(badTime.exitCode()).isEqualTo(RunstreamCli.EXIT_USAGE);
    assertThat(badTime.err()).contains("--effective-from must be an ISO-8601 instant");
    assertThat(run("prices", "set", "gpt-x", "--input", "1").exitCode())
        .as("--output is required")
        .isEqualTo(RunstreamCli.EXIT_USAGE);
    assertThat(run("prices").exitCode()).isEqualTo(RunstreamCli.EXIT_USAGE);
  }

  void shouldExitWithUsageErrorWhenABudgetIsInvalid() {
    String closed = "127.0.0.1:1";
    for (String[] args :
        new String[][] {
          {"budget", "set", "--agent", "a"},
          {"budget", "set", "--agent", "a", "--tenant", "t", "--max-tokens", "5"},
          {"budget", "set", "--max-tokens", "5"},
          {"budget", "set", "--agent", "a", "--max-tokens", "0"},
          {"budget", "set", "--agent", "a", "--max-cost", "-1"},
          {"budget", "set", "--agent", "a", "--max-cost", "0.0000000000001"},
          {"budget", "set", "--agent", "a", "--max-tokens", "5", "--period", "DAY"},
          {"budget", "set", "--tenant", "t", "--max-tokens", "5", "--period", "WEEK"},
          {"budget", "delete"}
        }) {
      Result result = run(concat(args, "--bootstrap-servers", closed));
      assertThat(result.exitCode()).as(String.join(" ", args)).isEqualTo(RunstreamCli.EXIT_USAGE);
      assertThat(result.err()).as(String.join(" ", args)).isNotBlank();
    }
    assertThat(run("budget", "set", "--agent", "a", "--max-tokens", "5", "--period", "DAY").err())
        .contains("agent budgets are PER_RUN");
    assertThat(run("budget", "set", "--agent", "a").err())
        .contains("give --max-tokens, --max-cost or both");
  }

  private static String[] concat(String[] args, String... more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  @Test
  void shouldExitWithUsageErrorOnOneLineWhenAValueIsRefusedByTheCommand() {
    Result fromSeq = run("replay", "wf-1", "--from-seq", "-1");
    assertThat(fromSeq.exitCode()).isEqualTo(RunstreamCli.EXIT_USAGE);
    assertThat(fromSeq.err().strip()).isEqualTo("runstream: --from-seq must be 0 or more");

    Result key = run("usage", "--key", "gpt-4o");
    assertThat(key.exitCode()).isEqualTo(RunstreamCli.EXIT_USAGE);
    assertThat(key.err()).contains("--key needs --dimension").doesNotContain("\tat ");

    Result retryRate = run("worker", "--retry-rate", "1.5");
    assertThat(retryRate.exitCode()).isEqualTo(RunstreamCli.EXIT_USAGE);
    assertThat(retryRate.err().strip()).isEqualTo("runstream: --retry-rate must be within [0, 1]");

    Result config = run("runs", "--query-url", "nope");
    assertThat(config.exitCode()).isEqualTo(RunstreamCli.EXIT_USAGE);
    assertThat(config.err()).contains("query.url").hasLineCount(1);
  }

  @Test
  void shouldExitUnreachableWithinSecondsWhenTheQueryServiceIsDown() throws IOException {
    Result result = run("runs", "--query-url", "http://127.0.0.1:" + closedPort());
    assertThat(result.exitCode()).isEqualTo(RunstreamCli.EXIT_UNREACHABLE);
    assertThat(result.err()).contains("unreachable").hasLineCount(1);
    assertThat(result.millis()).isLessThan(10_000);
  }

  @Test
  void shouldExitUnreachableWithinSecondsWhenTheRegistryIsDown() throws IOException {
    String registry = "http://127.0.0.1:" + closedPort() + "/apis/ccompat/v7";
    for (String command : new String[] {"tail", "replay"}) {
      Result result = run(command, "wf-1", "--registry-url", registry, "--connect-timeout", "2s");
      assertThat(result.exitCode()).as(command).isEqualTo(RunstreamCli.EXIT_UNREACHABLE);
      assertThat(result.err()).contains("schema registry").hasLineCount(1);
      assertThat(result.millis()).isLessThan(10_000);
    }
    Result worker =
        run(
            "worker",
            "--runs",
            "1",
            "--registry-url",
            registry,
            "--bootstrap-servers",
            "127.0.0.1:" + closedPort(),
            "--connect-timeout",
            "2s");
    assertThat(worker.exitCode()).isEqualTo(RunstreamCli.EXIT_UNREACHABLE);
    assertThat(worker.err()).contains("unreachable").doesNotContain("\tat ");
    assertThat(worker.millis()).isLessThan(15_000);
  }

  @Test
  void shouldPrintTheStackTraceWhenVerbose() throws IOException {
    Result result = run("runs", "--query-url", "http://127.0.0.1:" + closedPort(), "--verbose");
    assertThat(result.exitCode()).isEqualTo(RunstreamCli.EXIT_UNREACHABLE);
    assertThat(result.err()).contains("\tat ");
  }

  @Test
  void shouldAcceptEnumValuesInAnyCase() throws IOException {
    Result result =
        run("usage", "--dimension", "model", "--query-url", "http://127.0.0.1:" + closedPort());
    assertThat(result.exitCode()).isEqualTo(RunstreamCli.EXIT_UNREACHABLE);
  }
}
