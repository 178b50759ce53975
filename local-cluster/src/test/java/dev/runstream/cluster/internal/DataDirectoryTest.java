package dev.runstream.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

  @TempDir Path tempDir;

  @Test
  void shouldDeleteEverythingWhenDirectoryWasCreatedByCluster() throws Exception {
    DataDirectory data = DataDirectory.open(Optional.of(tempDir.resolve("new")));
    Files.createDirectories(data.path().resolve("kafka/data"));
    Files.writeString(data.path().resolve("kafka/data/x.log"), "x");

    data.wipe();

    assertThat(data.path()).doesNotExist();
  }

  @Test
  void shouldKeepForeignFilesWhenDirectoryExistedBefore() throws Exception {
    Files.writeString(tempDir.resolve("notes.txt"), "mine");
    DataDirectory data = DataDirectory.open(Optional.of(tempDir));
    Files.createDirectories(data.path().resolve("logs"));
    Files.writeString(data.path().resolve("logs/broker.log"), "x");

    data.wipe();

    assertThat(tempDir.resolve("notes.txt")).exists();
    assertThat(tempDir.resolve("logs")).doesNotExist();
  }

  @Test
  void shouldCreateTemporaryDirectoryWhenNoneIsConfigured() {
    DataDirectory data = DataDirectory.open(Optional.empty());
    try {
      assertThat(data.path()).isDirectory();
      assertThat(data.path().getFileName().toString()).startsWith("runstream-cluster-");
    } finally {
      data.wipe();
    }
    assertThat(data.path()).doesNotExist();
  }
}
