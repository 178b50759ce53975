package dev.runstream.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.runstream.cluster.LocalClusterException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmTest {

  @TempDir Path tempDir;

  /** A child main that reports and fails. */
  public static final class FailingMain {
    public static void main(String[] args) {
      System.out.println("child says " + String.join(" ", args));
      System.exit(3);
    }
  }

  /** A child main that would run for a minute. */
  public static final class SleepingMain {
    public static void main(String[] args) throws InterruptedException {
      Thread.sleep(60_000);
    }
  }

  private ChildJvm launch(Class<?> main, String... args) {
    return ChildJvm.launch(
        "test",
        List.of("-Xmx32m", "-XX:TieredStopAtLevel=1"),
        System.getProperty("java.class.path"),
        main.getName(),
        List.of(args),
        tempDir,
        tempDir.resolve("logs/test.log"));
  }

  @Test
  void shouldIncludeLogTailWhenChildFails() throws Exception {
    ChildJvm jvm = launch(FailingMain.class, "goodbye", "world");
    jvm.handle().onExit().get(30, TimeUnit.SECONDS);

    LocalClusterException failure = jvm.failure("It broke", null);

    assertThat(failure)
        .hasMessageContaining("It broke")
        .hasMessageContaining("exited with status 3")
        .hasMessageContaining("child says goodbye world");
  }

  @Test
  void shouldFailWithLogTailWhenChildExitsBeforeItsPortOpens() {
    ChildJvm jvm = launch(FailingMain.class, "early");

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Readiness.awaitPort(jvm, 1, Instant.now().plusSeconds(30)))
        .isInstanceOf(LocalClusterException.class)
        .hasMessageContaining("exited during startup")
        .hasMessageContaining("child says early");
  }

  @Test
  void shouldRunChildOutsideParentsProcessGroupWhenSetsidExists() throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/setsid"))
            || Files.isExecutable(Path.of("/bin/setsid")),
        "util-linux setsid is not installed");
    ChildJvm jvm = launch(SleepingMain.class);
    try {
      long parentGroup = processGroup(ProcessHandle.current().pid());
      // start() returns once setsid is exec'd; its setsid() call, then java's exec, follow.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (processGroup(jvm.handle().pid()) == parentGroup && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(processGroup(jvm.handle().pid()))
          .as("a terminal's Ctrl-C reaches the parent's process group only")
          .isNotEqualTo(parentGroup);
      assertThat(jvm.handle().isAlive()).isTrue();
    } finally {
      jvm.stop(Duration.ofSeconds(10));
    }
  }

  /**
   * Field 5 of /proc/PID/stat; the command name (field 2) is in parentheses and may hold spaces.
   */
  private static long processGroup(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[2]);
  }

  @Test
  void shouldStopChildWhenAskedToStop() {
    ChildJvm jvm = launch(SleepingMain.class);
    assertThat(jvm.isAlive()).isTrue();

    jvm.stop(Duration.ofSeconds(10));

    assertThat(jvm.isAlive()).isFalse();
  }

  @Test
  void shouldKeepGuardEntryOnceWhenAlreadyOnClasspath() {
    String guard = ChildJvm.guardClasspathEntry();

    assertThat(ChildJvm.classpathWithGuard(guard)).isEqualTo(guard);
    assertThat(ChildJvm.classpathWithGuard("/x.jar")).startsWith(guard).endsWith("/x.jar");
  }
}
