package dev.runstream.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a {@code text/event-stream} response with {@code java.net.http} on a background thread, as
 * a browser's EventSource parses it: events into a queue, comments counted, end of stream noted.
 */
final class SseReader implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final HttpResponse<InputStream> response;
  private final BlockingQueue<SseEvent> events = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean ended;
  private volatile int comments;
  private volatile String retry;

  private SseReader(HttpResponse<InputStream> response) {
    this.response = response;
    this.thread = new Thread(this::read, "sse-reader");
    thread.setDaemon(true);
    thread.start();
  }

  /** Opens {@code uri}, with {@code Last-Event-ID} if given. */
  static SseReader open(URI uri, String lastEventId) throws Exception {
    return open(uri, lastEventId, null);
  }

  /** Opens {@code uri}, with {@code Last-Event-ID} and {@code Authorization: Bearer} if given. */
  static SseReader open(URI uri, String lastEventId, String bearer) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return new SseReader(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
  }

  int status() {
    return response.statusCode();
  }

  String contentType() {
    return response.headers().firstValue("Content-Type").orElse("");
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String id = null;
      String name = null;
      List<String> data = new ArrayList<>();
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if (name != null || !data.isEmpty()) {
            events.add(new SseEvent(id, name == null ? "message" : name, String.join("\n", data)));
          }
          id = null;
          name = null;
          data.clear();
        } else if (line.startsWith(":")) {
          comments++;
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.add(line.substring(6));
        } else if (line.startsWith("retry: ")) {
          retry = line.substring(7);
        }
      }
    } catch (IOException e) {
      // closed by the test
    } finally {
      ended = true;
    }
  }

  /** The next event, waiting up to {@code timeout}; null if none came. */
  SseEvent next(Duration timeout) throws InterruptedException {
    return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Every event until the response ends (or {@code timeout}). */
  List<SseEvent> readToEnd(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<SseEvent> out = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      SseEvent e = events.poll(50, TimeUnit.MILLISECONDS);
      if (e != null) {
        out.add(e);
      } else if (ended && events.isEmpty()) {
        return out;
      }
    }
    throw new AssertionError("the event stream did not end within " + timeout + "; got " + out);
  }

  boolean ended() {
    return ended;
  }

  int comments() {
    return comments;
  }

  String retry() {
    return retry;
  }

  @Override
  public void close() throws IOException {
    response.body().close();
    thread.interrupt();
  }
}
