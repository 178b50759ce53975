package dev.runstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start failures that are detected before any child JVM is launched. */
class LocalClusterTest {

  @TempDir Path tempDir;

  @Test
  void shouldFailFastWhenBrokerPortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Path dataDir = tempDir.resolve("data");
      LocalClusterConfig config =
          LocalClusterConfig.newBuilder()
              .freePorts()
              .brokerPort(taken.getLocalPort())
              .dataDir(dataDir)
              .build();

      assertThatThrownBy(() -> LocalCluster.start(config))
          .isInstanceOf(LocalClusterException.class)
          .hasMessageContaining(
              "Port " + taken.getLocalPort() + " for the broker is already in use");
      assertThat(dataDir).doesNotExist();
    }
  }

  @Test
  void shouldExplainHowToBuildRegistryWhenRegistryHomeIsMissing() {
    LocalClusterConfig config =
        LocalClusterConfig.newBuilder()
            .freePorts()
            .registryHome(tempDir.resolve("no-such-registry"))
            .build();

    assertThatThrownBy(() -> LocalCluster.start(config))
        .isInstanceOf(LocalClusterException.class)
        .hasMessageContaining("no-such-registry")
        .hasMessageContaining("./mvnw -pl local-cluster generate-resources");
  }

  @Test
  void shouldKeepDataDirectoryWhenStartFailsWithKeepData() throws Exception {
    Path dataDir = Files.createDirectories(tempDir.resolve("kept"));
    Files.writeString(dataDir.resolve("mine.txt"), "not the cluster's");
    LocalClusterConfig config =
        LocalClusterConfig.newBuilder()
            .freePorts()
            .dataDir(dataDir)
            .registryHome(tempDir.resolve("no-such-registry"))
            .build();

    assertThatThrownBy(() -> LocalCluster.start(config)).isInstanceOf(LocalClusterException.class);
    assertThat(dataDir.resolve("mine.txt")).exists();
  }
}
