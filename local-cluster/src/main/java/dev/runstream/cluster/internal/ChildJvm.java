package dev.runstream.cluster.internal;

import dev.runstream.cluster.LocalClusterException;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A Java child process started through {@link OrphanGuard}, with its output appended to a log file
 * and its standard input held open by this object for as long as the child should live.
 */
public final class ChildJvm {

  private static final int LOG_TAIL_BYTES = 16 * 1024;

  private final String name;
  private final Process process;
  private final OutputStream lifeline;
  private final Path logFile;

  private ChildJvm(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.lifeline = process.getOutputStream();
    this.logFile = logFile;
  }

  /**
   * Starts {@code [setsid] java <jvmOptions> -cp <classpath> OrphanGuard <mainClass> <args>}.
   *
   * @param name a short name for messages, such as {@code broker}
   * @param jvmOptions options before {@code -cp}
   * @param classpath the child's classpath; must contain {@link #guardClasspathEntry()}
   * @param mainClass the real main class
   * @param args its arguments
   * @param workDir the child's working directory
   * @param logFile where standard output and error are appended
   * @return the running child
   */
  public static ChildJvm launch(
      String name,
      List<String> jvmOptions,
      String classpath,
      String mainClass,
      List<String> args,
      Path workDir,
      Path logFile) {
    List<String> command = new ArrayList<>();
    // A child in the parent's process group would get the terminal's Ctrl-C at the same moment as
    // the parent and die before the parent's shutdown (an exactly-once commit, say) is done with
    // it. In a session of its own it is stopped by its parent only: by stop(), or by the stdin
    // lifeline when the parent dies.
    NEW_SESSION.ifPresent(command::add);
    command.add(javaExecutable());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath);
    command.add(OrphanGuard.class.getName());
    command.add(mainClass);
    command.addAll(args);
    try {
      Files.createDirectories(logFile.getParent());
      Files.createDirectories(workDir);
      Files.writeString(
          logFile,
          "---- runstream: starting " + name + " at " + Instant.now() + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      Process process =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      return new ChildJvm(name, process, logFile);
    } catch (IOException e) {
      throw new LocalClusterException("Cannot start the " + name + " JVM: " + command, e);
    }
  }

  /**
   * The classpath entry (directory or jar) holding {@link OrphanGuard}.
   *
   * @return an absolute path
   */
  public static String guardClasspathEntry() {
    try {
      return Path.of(OrphanGuard.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toAbsolutePath()
          .toString();
    } catch (URISyntaxException | RuntimeException e) {
      throw new LocalClusterException("Cannot locate the classes of " + OrphanGuard.class, e);
    }
  }

  /**
   * Joins classpath entries, adding the {@link OrphanGuard} entry in front unless already present.
   *
   * @param entries classpath entries, or a whole classpath string
   * @return a classpath string
   */
  public static String classpathWithGuard(String entries) {
    String guard = guardClasspathEntry();
    for (String entry : entries.split(File.pathSeparator)) {
      if (!entry.isEmpty() && Path.of(entry).toAbsolutePath().toString().equals(guard)) {
        return entries;
      }
    }
    return entries.isEmpty() ? guard : guard + File.pathSeparator + entries;
  }

  /** util-linux's setsid, which runs the child in a new session (it execs, so the pid is kept). */
  private static final Optional<String> NEW_SESSION =
      Stream.of("/usr/bin/setsid", "/bin/setsid")
          .filter(path -> Files.isExecutable(Path.of(path)))
          .findFirst();

  private static String javaExecutable() {
    Path fromJavaHome = Path.of(System.getProperty("java.home"), "bin", "java");
    if (Files.isExecutable(fromJavaHome)) {
      return fromJavaHome.toString();
    }
    return ProcessHandle.current().info().command().orElse("java");
  }

  /**
   * The process handle, for pids and descendants.
   *
   * @return the handle
   */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  /**
   * Whether the child is still running.
   *
   * @return {@code true} while alive
   */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * The file the child's output goes to.
   *
   * @return the log file
   */
  public Path logFile() {
    return logFile;
  }

  /**
   * Stops the child with SIGTERM, so that it shuts down cleanly, and SIGKILL after {@code grace}.
   *
   * @param grace how long a clean shutdown may take
   */
  public void stop(Duration grace) {
    if (process.isAlive()) {
      // Process.destroy() would also close stdin, and OrphanGuard would halt before the clean
      // shutdown ran; the handle only sends the signal.
      process.toHandle().destroy();
      if (!awaitExit(grace)) {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
      }
    }
    closeLifeline();
  }

  /** Kills the child with SIGKILL (no shutdown hooks run) and waits until it is gone. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
    closeLifeline();
  }

  private boolean awaitExit(Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new LocalClusterException("Waiting for the " + name + " JVM failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalClusterException("Interrupted while stopping the " + name + " JVM", e);
    }
  }

  private void closeLifeline() {
    try {
      lifeline.close();
    } catch (IOException e) {
      // The child is gone; there is nothing left to tell it.
    }
  }

  /**
   * A failure that carries the end of the child's log.
   *
   * @param message what went wrong
   * @param cause the underlying failure, may be {@code null}
   * @return an exception to throw
   */
  public LocalClusterException failure(String message, Throwable cause) {
    String status =
        process.isAlive()
            ? "still running (pid " + process.pid() + ")"
            : "exited with status " + process.exitValue();
    String full =
        message
            + "; the "
            + name
            + " JVM "
            + status
            + ". Last lines of "
            + logFile
            + ":\n"
            + logTail();
    return cause == null ? new LocalClusterException(full) : new LocalClusterException(full, cause);
  }

  /**
   * The last few kilobytes of the log file.
   *
   * @return the tail, or a note if the file cannot be read
   */
  public String logTail() {
    try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
      long start = Math.max(0, file.length() - LOG_TAIL_BYTES);
      byte[] bytes = new byte[(int) (file.length() - start)];
      file.seek(start);
      file.readFully(bytes);
      String tail = new String(bytes, StandardCharsets.UTF_8);
      return start == 0 ? tail : "..." + tail.substring(Math.max(0, tail.indexOf('\n') + 1));
    } catch (IOException e) {
      return "(log not readable: " + e + ")";
    }
  }

  @Override
  public String toString() {
    return name + " JVM (pid " + process.pid() + ")";
  }
}
