package dev.runstream.cluster.internal;

import dev.runstream.cluster.LocalClusterException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Turns requested loopback ports into concrete ones: 0 becomes a free port. */
public final class PortAllocator {

  private PortAllocator() {}

  /**
   * Resolves ports. Free ports are found by binding to port 0; all sockets stay open until every
   * port is chosen, so the results are distinct. Fixed ports are checked to be bindable now, so
   * that a busy port fails fast with a clear message rather than deep in a child's log.
   *
   * @param labels names for messages, one per port
   * @param requested the ports, 0 meaning any free port and -1 a port that is not needed
   * @return the ports, in order; -1 stays -1
   * @throws LocalClusterException if a fixed port is in use
   */
  public static int[] resolve(List<String> labels, int... requested) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[requested.length];
      for (int i = 0; i < requested.length; i++) {
        if (requested[i] < 0) {
          ports[i] = -1;
          continue;
        }
        ServerSocket socket = new ServerSocket();
        held.add(socket);
        socket.setReuseAddress(true);
        try {
          socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), requested[i]));
        } catch (IOException e) {
          throw new LocalClusterException(
              "Port " + requested[i] + " for the " + labels.get(i) + " is already in use", e);
        }
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new LocalClusterException("Cannot pick free ports", e);
    } finally {
      for (ServerSocket socket : held) {
        try {
          socket.close();
        } catch (IOException e) {
          // Closing an unconnected server socket cannot lose anything.
        }
      }
    }
  }

  /**
   * Whether a loopback port can be bound right now.
   *
   * @param port the port
   * @return {@code true} if free
   */
  public static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
