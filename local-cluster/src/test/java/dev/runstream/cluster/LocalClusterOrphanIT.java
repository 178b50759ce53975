package dev.runstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker and registry JVMs must not outlive a parent that dies without any cleanup. */
class LocalClusterOrphanIT {

  @TempDir Path tempDir;

  private Process parent;
  private Path dataDir;

  @AfterEach
  void cleanUp() throws IOException {
    if (parent != null) {
      parent.descendants().forEach(ProcessHandle::destroyForcibly);
      parent.destroyForcibly();
    }
    if (dataDir != null && Files.exists(dataDir)) {
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @Test
  void shouldStopBrokerAndRegistryWhenParentIsKilled() throws Exception {
    Path output = tempDir.resolve("main.out");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    command.add("-Drunstream.cluster.broker.port=0");
    command.add("-Drunstream.cluster.controller.port=0");
    command.add("-Drunstream.cluster.registry.port=0");
    command.add("-Drunstream.cluster.topic.partitions=1");
    Optional.ofNullable(System.getProperty(LocalClusterConfig.REGISTRY_HOME_PROPERTY))
        .ifPresent(
            home -> command.add("-D" + LocalClusterConfig.REGISTRY_HOME_PROPERTY + "=" + home));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LocalCluster.class.getName());
    parent =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();

    awaitReadyLine(output);
    String printed = Files.readString(output, StandardCharsets.UTF_8);
    dataDir = Path.of(value(printed, "data.dir"));
    int brokerPort = Integer.parseInt(value(printed, "bootstrap.servers").split(":")[1]);
    int registryPort = URI.create(value(printed, "schema.registry.url")).getPort();
    List<ProcessHandle> children = parent.descendants().toList();
    assertThat(children).as("broker and registry JVMs").hasSize(2);
    assertThat(portIsFree(brokerPort)).isFalse();
    assertThat(portIsFree(registryPort)).isFalse();

    parent.destroyForcibly();
    assertThat(parent.waitFor(10, TimeUnit.SECONDS)).isTrue();

    for (ProcessHandle child : children) {
      child.onExit().get(10, TimeUnit.SECONDS);
      assertThat(child.isAlive()).as("pid %d", child.pid()).isFalse();
    }
    assertThat(portIsFree(brokerPort)).as("broker port released").isTrue();
    assertThat(portIsFree(registryPort)).as("registry port released").isTrue();
    assertThat(Files.readString(dataDir.resolve("logs/broker.log")))
        .contains("parent process is gone");
  }

  private void awaitReadyLine(Path output) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      String printed = Files.exists(output) ? Files.readString(output) : "";
      if (printed.contains(LocalCluster.READY_LINE)) {
        return;
      }
      assertThat(parent.isAlive()).as("LocalCluster.main exited early:%n%s", printed).isTrue();
      Thread.sleep(100);
    }
    throw new AssertionError("LocalCluster.main was not ready:\n" + Files.readString(output));
  }

  private static String value(String printed, String key) {
    return printed
        .lines()
        .filter(line -> line.startsWith(key + "="))
        .map(line -> line.substring(key.length() + 1).trim())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + key + " line in:\n" + printed));
  }

  private static boolean portIsFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
