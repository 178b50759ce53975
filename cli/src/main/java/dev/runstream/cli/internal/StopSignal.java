package dev.runstream.cli.internal;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C for long-running commands ({@code demo}, {@code up}): SIGINT and SIGTERM release {@link
 * #await()} so the command stops its parts in order on its own thread, then returns. A JVM shutdown
 * hook does the same when the JVM is ending for another reason (or when the signal handlers could
 * not be installed), and waits for the command to have stopped.
 */
public final class StopSignal {
  private static final Duration HOOK_WAIT = Duration.ofSeconds(60);

  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Thread hook = new Thread(this::onShutdown, "runstream-cli-shutdown");

  /**
   * Installs the signal handlers and the shutdown hook.
   *
   * @return this
   */
  @SuppressWarnings("removal")
  public StopSignal install() {
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> requested.countDown());
      } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
        // Not available here: the shutdown hook stops the command instead.
      }
    }
    Runtime.getRuntime().addShutdownHook(hook);
    return this;
  }

  /** Asks the command to stop, as Ctrl-C does. */
  public void request() {
    requested.countDown();
  }

  /**
   * Waits for Ctrl-C, SIGTERM, JVM shutdown or {@link #request()}.
   *
   * @throws InterruptedException if the thread is interrupted
   */
  public void await() throws InterruptedException {
    requested.await();
  }

  /**
   * Whether a stop was requested.
   *
   * @return {@code true} after the signal
   */
  public boolean isRequested() {
    return requested.getCount() == 0;
  }

  /** Says the command has stopped everything; a waiting shutdown hook returns. */
  public void stopped() {
    stopped.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down already; the hook is running or about to.
    }
  }

  private void onShutdown() {
    requested.countDown();
    try {
      stopped.await(HOOK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
