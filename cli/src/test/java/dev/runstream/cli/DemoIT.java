package dev.runstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code runstream demo} as a user runs it: a child JVM with free ports, until the first streamed
 * token and the web UI's address, then SIGTERM (what Ctrl-C does) — which must stop agents,
 * gateway, topology and the cluster's child JVMs cleanly, without a stack trace.
 */
class DemoIT {
  private static final Duration STARTUP = Duration.ofMinutes(3);

  @TempDir Path dir;

  /** What a test checks while the demo runs: its stdout lines and the web UI's address. */
  private interface Checks {
    void check(Lines out, String webUi) throws Exception;
  }

  @Test
  void shouldStreamTheFirstTokenServeTheWebUiAndStopCleanlyWhenTerminated() throws Exception {
    runDemo(
        List.of(),
        (out, webUi) -> {
          HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
          HttpResponse<String> page =
              http.send(
                  HttpRequest.newBuilder(URI.create(webUi + "/")).build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(page.statusCode()).isEqualTo(200);
          HttpResponse<String> runs =
              http.send(
                  HttpRequest.newBuilder(URI.create(webUi + "/v1/workflows")).build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(runs.statusCode()).isEqualTo(200);
          assertThat(runs.body()).contains("workflow_id");
        });
  }

  @Test
  void shouldStreamOverSaslSslAndRequireTheApiKeyWhenSecure() throws Exception {
    runDemo(
        List.of("--secure"),
        (out, webUi) -> {
          // The printed address carries the key for the browser: http://localhost:P/#token=K
          assertThat(webUi).contains("/#token=rs_");
          String base = webUi.substring(0, webUi.indexOf("/#token="));
          String key = webUi.substring(webUi.indexOf("=") + 1);
          HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
          HttpResponse<String> anonymous =
              http.send(
                  HttpRequest.newBuilder(URI.create(base + "/v1/workflows")).build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(anonymous.statusCode()).isEqualTo(401);
          HttpResponse<String> runs =
              http.send(
                  HttpRequest.newBuilder(URI.create(base + "/v1/workflows"))
                      .header("Authorization", "Bearer " + key)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(runs.statusCode()).isEqualTo(200);
          assertThat(runs.body()).contains("workflow_id").contains("\"tenant_id\":\"acme\"");
        });
  }

  private void runDemo(List<String> extraArgs, Checks checks) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path outFile = dir.resolve("demo.out");
    Path errFile = dir.resolve("demo.err");
    long launched = System.currentTimeMillis();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Drunstream.registry.home=" + System.getProperty("runstream.registry.home"),
                "-Drunstream.launched.at.ms=" + launched,
                "-cp",
                System.getProperty("java.class.path"),
                RunstreamCli.class.getName(),
                "demo",
                "--free-ports",
                "--tokens-per-second",
                "200",
                "--agents",
                "1"));
    command.addAll(extraArgs);
    Process demo =
        new ProcessBuilder(command)
            // Files, not pipes: a pipe's last lines can be lost to a reader racing the JDK's
            // drain of the streams when the process exits.
            .redirectOutput(outFile.toFile())
            .redirectError(errFile.toFile())
            .start();
    Lines out = new Lines(outFile);
    Lines err = new Lines(errFile);
    List<ProcessHandle> children = new ArrayList<>();
    try {
      String firstToken = await(out, l -> l.startsWith("⏱  First token streamed"), demo, err);
      String webUi = await(out, l -> l.startsWith("Web UI: "), demo, err).substring(8).trim();
      System.out.println("demo: " + firstToken + " (in-JVM child, warm build)");

      assertThat(out.get())
          .contains("🚀 Agent started")
          .anyMatch(l -> l.startsWith("✅ Agent finished"));
      assertThat(out.get()).anyMatch(l -> l.startsWith("🔧 Calling tool: "));
      assertThat(out.get()).anyMatch(l -> l.startsWith("  🚀 Sub-agent started: "));
      assertThat(out.get())
          .as("the featured run retries a step")
          .anyMatch(l -> l.startsWith("↻ Retrying step: "));
      checks.check(out, webUi);

      children.addAll(demo.descendants().toList());
      assertThat(children).as("broker and registry JVMs").hasSizeGreaterThanOrEqualTo(2);
    } finally {
      demo.destroy(); // SIGTERM, as Ctrl-C
      boolean exited = demo.waitFor(90, TimeUnit.SECONDS);
      if (!exited) {
        demo.destroyForcibly();
      }
      assertThat(exited).as("the demo stopped within 90 s; stderr: " + err).isTrue();
    }
    assertThat(demo.exitValue()).as(err.toString()).isZero();
    assertThat(err.get()).as("stderr: %s%nstdout: %s", err, out).contains("Stopped.");
    assertThat(err.get())
        .noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"))
        .anyMatch(l -> l.contains("demo prices published to the price ledger"))
        .anyMatch(l -> l.contains("stopped the gateway"))
        .anyMatch(l -> l.contains("stopped the local cluster"));
    for (ProcessHandle child : children) {
      child.onExit().get(30, TimeUnit.SECONDS);
      assertThat(child.isAlive()).isFalse();
    }
  }

  /** The lines of a file a process writes, read again at each call. */
  private record Lines(Path file) {
    List<String> get() {
      try {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public String toString() {
      return String.join("\n", get());
    }
  }

  private static String await(Lines lines, Predicate<String> match, Process process, Lines err)
      throws InterruptedException {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : lines.get()) {
        if (match.test(line)) {
          return line;
        }
      }
      if (!process.isAlive()) {
        throw new AssertionError("the demo exited with " + process.exitValue() + ": " + err);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no matching line within " + STARTUP + "; stdout: " + lines);
  }
}
