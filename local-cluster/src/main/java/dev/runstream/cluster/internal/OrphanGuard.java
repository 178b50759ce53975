package dev.runstream.cluster.internal;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;

/**
 * Entry point of every child JVM: {@code OrphanGuard <main class> [args...]}.
 *
 * <p>Reads standard input on a daemon thread and halts the JVM when it reaches end of stream, then
 * runs the real main class. The parent is the only holder of the pipe's write end, so the pipe
 * closes whenever the parent dies, including by SIGKILL, where no shutdown hook of the parent can
 * run. The real main must not read standard input itself; the Kafka broker and Quarkus do not.
 *
 * <p>Depends on the JDK only, because it shares a classpath with foreign applications.
 */
public final class OrphanGuard {

  /** Exit status of a child whose parent went away. */
  public static final int ORPHANED_EXIT_STATUS = 143;

  private OrphanGuard() {}

  /**
   * Starts the guard thread, then invokes {@code args[0]}'s {@code main} with the remaining
   * arguments.
   *
   * @param args the main class name followed by its arguments
   * @throws Throwable whatever the real main throws
   */
  public static void main(String[] args) throws Throwable {
    if (args.length == 0) {
      System.err.println("usage: OrphanGuard <main class> [args...]");
      System.exit(2);
    }
    Thread guard = new Thread(OrphanGuard::haltAtEndOfInput, "runstream-orphan-guard");
    guard.setDaemon(true);
    guard.start();

    Method main =
        Class.forName(args[0], true, ClassLoader.getSystemClassLoader())
            .getMethod("main", String[].class);
    if (!Modifier.isStatic(main.getModifiers())) {
      throw new IllegalArgumentException(args[0] + ".main is not static");
    }
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void haltAtEndOfInput() {
    // FileDescriptor.in rather than System.in: the application may replace System.in.
    try (InputStream in = new FileInputStream(FileDescriptor.in)) {
      byte[] buffer = new byte[256];
      while (in.read(buffer) >= 0) {
        // Anything the parent writes is ignored; only end of stream matters.
      }
    } catch (IOException e) {
      // A broken pipe means the parent is gone, just like end of stream.
    }
    System.err.println("runstream: parent process is gone, halting");
    Runtime.getRuntime().halt(ORPHANED_EXIT_STATUS);
  }
}
