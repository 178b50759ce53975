package dev.runstream.bench.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code redis-server} child process for the bench: its own temporary directory, a free port on
 * 127.0.0.1, AOF on with {@code appendfsync everysec}, no RDB snapshots. Stopped (and its directory
 * deleted) on {@link #close()}.
 */
public final class RedisServer implements AutoCloseable {
  /** Where Debian's {@code redis-server} package installs it. */
  public static final String DEFAULT_BINARY = "/usr/bin/redis-server";

  private final Process process;
  private final Path directory;
  private final int port;
  private final String version;

  private RedisServer(Process process, Path directory, int port, String version) {
    this.process = process;
    this.directory = directory;
    this.port = port;
    this.version = version;
  }

  /**
   * Finds the server binary: {@code explicit} if given, else {@value #DEFAULT_BINARY}, else {@code
   * redis-server} on the {@code PATH}.
   *
   * @param explicit a path from the command line, or {@code null}
   * @param env the environment (for {@code PATH})
   * @return the executable, or empty with none found
   */
  public static Optional<Path> locate(String explicit, Map<String, String> env) {
    if (explicit != null && !explicit.isBlank()) {
      Path path = Path.of(explicit);
      return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
    }
    List<Path> candidates = new ArrayList<>();
    candidates.add(Path.of(DEFAULT_BINARY));
    String pathVariable = env.getOrDefault("PATH", "");
    for (String dir : pathVariable.split(java.io.File.pathSeparator)) {
      if (!dir.isBlank()) {
        candidates.add(Path.of(dir, "redis-server"));
      }
    }
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  /**
   * Why Redis figures are unavailable when no binary was found, for the report.
   *
   * @param explicit the path asked for, or {@code null}
   * @return the reason
   */
  public static String notFoundReason(String explicit) {
    if (explicit != null && !explicit.isBlank()) {
      return "redis-server not found or not executable at " + explicit;
    }
    return "redis-server not installed (not at "
        + DEFAULT_BINARY
        + " nor on the PATH; install it with `apt-get install redis-server`)";
  }

  /**
   * The server's command line.
   *
   * @param binary the executable
   * @param directory its working directory (AOF files)
   * @param port the port
   * @return the arguments
   */
  public static List<String> command(Path binary, Path directory, int port) {
    return List.of(
        binary.toString(),
        "--port",
        Integer.toString(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        directory.toString(),
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--save",
        "",
        "--daemonize",
        "no",
        "--protected-mode",
        "no",
        "--logfile",
        directory.resolve("redis.log").toString());
  }

  /**
   * Starts a server and waits until it answers {@code PING}.
   *
   * @param binary the executable
   * @return the running server
   * @throws IOException if it does not start within 20 s
   */
  public static RedisServer start(Path binary) throws IOException {
    Path directory = Files.createTempDirectory("bench-redis");
    int port = freePort();
    Process process =
        new ProcessBuilder(command(binary, directory, port))
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve("stdout.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "redis-server exited with " + process.exitValue() + "; see " + directory);
      }
      try {
        String info = command(port, "INFO", "server");
        String version = "unknown";
        for (String line : info.split("\r\n")) {
          if (line.startsWith("redis_version:")) {
            version = line.substring("redis_version:".length()).trim();
          }
        }
        return new RedisServer(process, directory, port, version);
      } catch (IOException e) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    process.destroyForcibly();
    throw new IOException("redis-server did not answer within 20 s; see " + directory);
  }

  /** One RESP command over a fresh connection; the raw reply as text. */
  private static String command(int port, String... args) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      socket.setSoTimeout(2_000);
      StringBuilder request = new StringBuilder("*" + args.length + "\r\n");
      for (String a : args) {
        request.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        request.append(a).append("\r\n");
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[16_384];
      int n = in.read(buffer);
      if (n <= 0) {
        throw new IOException("no reply");
      }
      String reply = new String(buffer, 0, n, StandardCharsets.UTF_8);
      if (reply.startsWith("-")) {
        throw new IOException(reply.trim());
      }
      return reply;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * The port on 127.0.0.1.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * The server's version, from {@code INFO server}.
   *
   * @return e.g. {@code 7.0.15}
   */
  public String version() {
    return version;
  }

  /**
   * The server's process id, so its CPU time counts with the bench's.
   *
   * @return the pid
   */
  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is harmless.
    }
  }
}
