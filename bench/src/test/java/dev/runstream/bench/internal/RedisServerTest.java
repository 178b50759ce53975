package dev.runstream.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisServerTest {
  @Test
  void shouldFindNothingWhenExplicitPathDoesNotExist(@TempDir Path dir) {
    String missing = dir.resolve("no-redis-server").toString();

    assertThat(RedisServer.locate(missing, Map.of("PATH", dir.toString()))).isEmpty();
    assertThat(RedisServer.notFoundReason(missing)).contains(missing);
  }

  @Test
  void shouldFindExecutableWhenExplicitPathIsGiven(@TempDir Path dir) throws Exception {
    Path fake = Files.createFile(dir.resolve("redis-server"));
    assertThat(fake.toFile().setExecutable(true)).isTrue();

    assertThat(RedisServer.locate(fake.toString(), Map.of())).contains(fake);
  }

  @Test
  void shouldSayHowToInstallWhenNoBinaryIsFound() {
    assertThat(RedisServer.notFoundReason(null))
        .contains("not installed")
        .contains("apt-get install redis-server");
  }

  @Test
  void shouldAskForAofEverysecWithoutSnapshotsWhenBuildingTheCommand() {
    List<String> command = RedisServer.command(Path.of("/x/redis-server"), Path.of("/tmp/r"), 7000);

    assertThat(String.join(" ", command))
        .contains("--port 7000")
        .contains("--bind 127.0.0.1")
        .contains("--dir /tmp/r")
        .contains("--appendonly yes")
        .contains("--appendfsync everysec");
    int save = command.indexOf("--save");
    assertThat(command.get(save + 1)).isEmpty();
  }
}
