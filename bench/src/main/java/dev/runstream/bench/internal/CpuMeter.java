package dev.runstream.bench.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time of this JVM and its child processes (the broker and registry JVMs, redis-server), read
 * from {@code /proc/<pid>/stat} ({@code utime + stime}). On systems without {@code /proc} it reads
 * 0 and {@link #available()} is false.
 */
public final class CpuMeter {
  /** Clock ticks per second of {@code /proc} times; 100 on Linux for every common architecture. */
  static final double CLOCK_TICKS = 100.0;

  private CpuMeter() {}

  /**
   * Whether CPU times can be read here.
   *
   * @return {@code true} on Linux with {@code /proc}
   */
  public static boolean available() {
    return Files.isReadable(Path.of("/proc/self/stat"));
  }

  /**
   * CPU seconds used so far by this process and every descendant alive now.
   *
   * @return user + system seconds
   */
  public static double processTreeSeconds() {
    List<Long> pids = new ArrayList<>();
    pids.add(ProcessHandle.current().pid());
    ProcessHandle.current().descendants().forEach(p -> pids.add(p.pid()));
    double total = 0;
    for (long pid : pids) {
      try {
        total += ticks(Files.readString(Path.of("/proc/" + pid + "/stat"))) / CLOCK_TICKS;
      } catch (IOException | RuntimeException e) {
        // The process ended meanwhile, or no /proc: it counts nothing.
      }
    }
    return total;
  }

  /**
   * {@code utime + stime} of a {@code /proc/<pid>/stat} line, in clock ticks. The command name (the
   * second field) is in parentheses and may contain spaces and parentheses, so fields are counted
   * from the last closing parenthesis.
   *
   * @param stat the line
   * @return the ticks
   * @throws IllegalArgumentException if the line is not a stat line
   */
  public static long ticks(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc stat line: " + stat);
    }
    String[] fields = stat.substring(close + 1).trim().split("\\s+");
    // After the command: state(3) ppid(4) ... utime(14) stime(15); fields[0] is field 3.
    if (fields.length < 13) {
      throw new IllegalArgumentException("not a /proc stat line: " + stat);
    }
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }
}
