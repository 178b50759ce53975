package dev.runstream.bench;

import dev.runstream.bench.internal.Percentiles;
import dev.runstream.cluster.LocalCluster;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.DemoAgent;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.producer.RunStep;
import dev.runstream.schemas.StepType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fan-out through the gateway: {@code subscribers} SSE connections ({@code GET
 * /v1/workflows/{id}/events?from=now}), one per running workflow, on one gateway that runs in a JVM
 * of its own ({@code dev.runstream.gateway.Gateway}, as deployed), so its heap is measured alone.
 * The heap figure is the gateway's used heap after full collections ({@code jcmd GC.run}, then
 * Micrometer's {@code jvm_memory_used_bytes{area="heap"}} from its {@code /metrics}): before the
 * connections, with them open, and after every connection received {@code rounds} text deltas.
 * Latency is publish to the SSE frame arriving at the client (one NIO selector thread reading every
 * connection), for deltas that carry their publish time, as in {@link SubscriberHeapBench}, the
 * in-process baseline.
 */
final class GatewayFanoutBench {
  private static final Pattern MEASURED_CONTENT = Pattern.compile("\"content\":\"m(\\d+)\"");
  private static final Pattern HEAP_LINE =
      Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*\\} (\\S+)$");

  private GatewayFanoutBench() {}

  static SubscriberHeapBench.Outcome run(LocalCluster cluster, int subscribers, int rounds)
      throws Exception {
    System.out.printf(Locale.ROOT, "%n== Gateway fan-out, %,d SSE connections ==%n", subscribers);
    int port = freePort();
    Path log = Files.createTempFile("bench-gateway", ".log");
    Process gateway =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-XX:+UseParallelGC",
                "-Drunstream.bootstrap.servers=" + cluster.bootstrapServers(),
                "-Drunstream.schema.registry.url=" + cluster.schemaRegistryUrl(),
                // No topology in this bench: live tails need no view, and /ready may say so.
                "-Drunstream.query.url=http://127.0.0.1:" + freePort(),
                "-Drunstream.gateway.http.host=127.0.0.1",
                "-Drunstream.gateway.http.port=" + port,
                "-Drunstream.gateway.sse.max.connections=" + (subscribers + 100),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.runstream.gateway.Gateway")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    URI base = URI.create("http://127.0.0.1:" + port);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try (AgentEventPublisher publisher =
        AgentEventPublisher.create(
            PublisherConfig.newBuilder()
                .bootstrapServers(cluster.bootstrapServers())
                .schemaRegistryUrl(cluster.schemaRegistryUrl())
                .prices(DemoAgent.DEMO_PRICES)
                .build())) {
      awaitHealthy(http, base, gateway, log);
      List<AgentRun> runs = new ArrayList<>();
      List<RunStep> steps = new ArrayList<>();
      for (int i = 0; i < subscribers + 60; i++) {
        AgentRun run = publisher.startRun("fanout-agent", "run " + i);
        runs.add(run);
        steps.add(run.startStep("llm", StepType.LLM));
      }
      publisher.flush();

      // Warm-up, as in the baseline: the shared readers, the schema cache, the JIT.
      List<String> warmIds = new ArrayList<>();
      runs.subList(subscribers, runs.size()).forEach(r -> warmIds.add(r.workflowId()));
      try (SseReaders warm = new SseReaders(base, warmIds, frame -> {})) {
        if (!warm.awaitOpened(60)) {
          throw new IllegalStateException("the warm-up SSE connections did not open within 60 s");
        }
      }
      Thread.sleep(1_000);

      long before = heapAfterGc(http, base, gateway.pid());
      AtomicLong delivered = new AtomicLong();
      LatencyBench.Recorder latencies = new LatencyBench.Recorder(rounds * subscribers + 1_000);
      List<String> ids = new ArrayList<>();
      runs.subList(0, subscribers).forEach(r -> ids.add(r.workflowId()));
      SseReaders connections =
          new SseReaders(
              base,
              ids,
              frame -> {
                Matcher m = MEASURED_CONTENT.matcher(frame);
                if (m.find()) {
                  latencies.record(System.nanoTime() - Long.parseLong(m.group(1)));
                  delivered.incrementAndGet();
                }
              });
      if (!connections.awaitOpened(60)) {
        throw new IllegalStateException("the SSE connections did not open within 60 s");
      }
      // The response headers leave once the stream is registered; give the readers a moment.
      Thread.sleep(500);
      long open = heapAfterGc(http, base, gateway.pid());

      for (int d = 0; d < rounds; d++) {
        for (RunStep step : steps.subList(0, subscribers)) {
          step.textDelta("m" + System.nanoTime());
        }
        publisher.flush();
        Thread.sleep(20);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (delivered.get() < (long) rounds * subscribers && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      long afterTraffic = heapAfterGc(http, base, gateway.pid());
      System.out.printf(
          Locale.ROOT,
          "Gateway heap: %,.1f MB before, %,.1f MB with %,d connections, %,.1f MB after %,d"
              + " deliveries%n",
          before / 1e6,
          open / 1e6,
          subscribers,
          afterTraffic / 1e6,
          delivered.get());
      Percentiles latency = Percentiles.ofNanos(latencies.sorted());
      System.out.printf(
          Locale.ROOT,
          "Per connection: %,d bytes open and idle, %,d bytes after traffic; delivery p50 %.2f ms,"
              + " p99 %.2f ms, p99.9 %.2f ms%n",
          (open - before) / subscribers,
          (afterTraffic - before) / subscribers,
          latency.p50Ms(),
          latency.p99Ms(),
          latency.p999Ms());
      connections.close();
      for (AgentRun run : runs) {
        run.step("llm").finish("{}");
        run.finish("done");
      }
      publisher.flush();
      return new SubscriberHeapBench.Outcome(
          subscribers,
          (open - before) / subscribers,
          (afterTraffic - before) / subscribers,
          delivered.get(),
          latencies.sorted());
    } finally {
      gateway.destroy();
      if (!gateway.waitFor(20, TimeUnit.SECONDS)) {
        gateway.destroyForcibly();
      }
    }
  }

  /**
   * Every SSE connection on one selector thread: plain HTTP/1.1 over NIO sockets, the bytes scanned
   * as they arrive. A frame is found whole by its blank line, so a TCP read that splits one is
   * carried over; chunk-size lines of the chunked encoding never hold a blank line and are skipped
   * with the rest of the frame. (java.net.http's per-response body pipeline added hundreds of
   * milliseconds of client-side delay at this fan-out, so it measured the client, not the gateway.)
   */
  private static final class SseReaders implements AutoCloseable {
    private final Selector selector = Selector.open();
    private final Thread loop;
    private final CountDownLatch opened;
    private final java.util.function.Consumer<String> onFrame;
    private volatile boolean running = true;

    SseReaders(URI base, List<String> workflowIds, java.util.function.Consumer<String> onFrame)
        throws IOException {
      this.onFrame = onFrame;
      this.opened = new CountDownLatch(workflowIds.size());
      for (String id : workflowIds) {
        SocketChannel channel =
            SocketChannel.open(new InetSocketAddress(base.getHost(), base.getPort()));
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        String request =
            "GET /v1/workflows/"
                + id
                + "/events?from=now HTTP/1.1\r\nHost: "
                + base.getHost()
                + "\r\nAccept: text/event-stream\r\n\r\n";
        ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
          channel.write(out);
        }
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ, new StringBuilder());
      }
      loop = new Thread(this::readAll, "bench-sse-readers");
      loop.setDaemon(true);
      loop.start();
    }

    boolean awaitOpened(long seconds) throws InterruptedException {
      return opened.await(seconds, TimeUnit.SECONDS);
    }

    private void readAll() {
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      try {
        while (running) {
          selector.select(100);
          for (SelectionKey key : selector.selectedKeys()) {
            SocketChannel channel = (SocketChannel) key.channel();
            StringBuilder pending = (StringBuilder) key.attachment();
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
              key.cancel();
              channel.close();
              continue;
            }
            pending.append(new String(buffer.array(), 0, n, StandardCharsets.UTF_8));
            int end;
            while ((end = pending.indexOf("\n\n")) >= 0) {
              String frame = pending.substring(0, end);
              pending.delete(0, end + 2);
              if (frame.startsWith("HTTP/1.1 ")) {
                opened.countDown();
              }
              onFrame.accept(frame);
            }
          }
          selector.selectedKeys().clear();
        }
      } catch (IOException e) {
        if (running) {
          throw new UncheckedIOException(e);
        }
      }
    }

    @Override
    public void close() throws Exception {
      running = false;
      loop.join(5_000);
      for (SelectionKey key : selector.keys()) {
        key.channel().close();
      }
      selector.close();
    }
  }

  private static void awaitHealthy(HttpClient http, URI base, Process gateway, Path log)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!gateway.isAlive()) {
        throw new IllegalStateException("the gateway exited: " + Files.readString(log));
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(base.resolve("/health")).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the gateway did not become healthy: " + Files.readString(log));
  }

  /** The least used heap over a few full collections of the gateway JVM. */
  private static long heapAfterGc(HttpClient http, URI base, long pid) throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      Process gc =
          new ProcessBuilder(jcmd, Long.toString(pid), "GC.run")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!gc.waitFor(30, TimeUnit.SECONDS) || gc.exitValue() != 0) {
        throw new IllegalStateException("jcmd " + pid + " GC.run failed");
      }
      Thread.sleep(200);
      String metrics =
          http.send(
                  HttpRequest.newBuilder(base.resolve("/metrics")).GET().build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      double heap = 0;
      for (String line : metrics.split("\n")) {
        Matcher m = HEAP_LINE.matcher(line);
        if (m.matches()) {
          heap += Double.parseDouble(m.group(1));
        }
      }
      if (heap == 0) {
        throw new IllegalStateException("no jvm_memory_used_bytes{area=\"heap\"} in /metrics");
      }
      least = Math.min(least, (long) heap);
    }
    return least;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
