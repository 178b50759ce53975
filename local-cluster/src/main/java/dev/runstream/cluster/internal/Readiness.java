package dev.runstream.cluster.internal;

import dev.runstream.cluster.LocalClusterException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Instant;

/** Polling helpers shared by the broker and the registry. */
final class Readiness {

  private static final long POLL_INTERVAL_MS = 100;

  private Readiness() {}

  /**
   * Waits until something accepts TCP connections on the loopback port. Probing the port first
   * keeps Kafka clients from logging connection-refused warnings while the JVM boots.
   */
  static void awaitPort(ChildJvm jvm, int port, Instant deadline) {
    while (Instant.now().isBefore(deadline)) {
      if (!jvm.isAlive()) {
        throw jvm.failure("The process exited during startup", null);
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        pause();
      }
    }
    throw jvm.failure("Port " + port + " did not open before the startup timeout", null);
  }

  static void pause() {
    try {
      Thread.sleep(POLL_INTERVAL_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalClusterException("Interrupted while waiting for the local cluster", e);
    }
  }
}
