package dev.runstream.gateway.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One open {@code text/event-stream} response. Writes are serialized (events from the delivery
 * thread, keep-alive comments from the timer) and flushed one by one. A write that fails means the
 * client is gone: the connection closes itself with reason {@code client_gone}. {@link #done()}
 * completes once the connection is closed, which ends the HTTP response.
 */
public final class SseConnection {
  private final OutputStream out;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Consumer<String> onClose = reason -> {};
  private volatile long lastWriteNanos = System.nanoTime();

  /**
   * A connection writing to {@code out}, the response's output stream.
   *
   * @param out the response body
   */
  public SseConnection(OutputStream out) {
    this.out = out;
  }

  /** Called once with the reason when the connection closes. */
  public void onClose(Consumer<String> callback) {
    this.onClose = callback;
  }

  /** Completes when the connection is closed. */
  public CompletableFuture<Void> done() {
    return done;
  }

  /** Whether the connection is closed. */
  public boolean isClosed() {
    return closed.get();
  }

  /**
   * Sends one event.
   *
   * @param id the {@code id:} field, or null for none
   * @param name the {@code event:} field
   * @param data the {@code data:}, split into one field per line
   * @return false if the connection is closed (now or before)
   */
  public boolean event(String id, String name, String data) {
    StringBuilder frame = new StringBuilder(data.length() + 64);
    if (id != null) {
      frame.append("id: ").append(id).append('\n');
    }
    frame.append("event: ").append(name).append('\n');
    for (String line : data.split("\r\n|\r|\n", -1)) {
      frame.append("data: ").append(line).append('\n');
    }
    frame.append('\n');
    return write(frame.toString());
  }

  /**
   * Sends the reconnection delay hint ({@code retry:}).
   *
   * @param millis the delay
   * @return false if the connection is closed
   */
  public boolean retry(long millis) {
    return write("retry: " + millis + "\n\n");
  }

  /**
   * Sends a comment if nothing was written for {@code idleNanos}, so intermediaries keep the
   * connection and a vanished client is noticed.
   *
   * @param idleNanos the idle time that warrants a comment
   * @return false if the connection is closed
   */
  public boolean keepAlive(long idleNanos) {
    if (System.nanoTime() - lastWriteNanos < idleNanos) {
      return !isClosed();
    }
    return write(": keep-alive\n\n");
  }

  private synchronized boolean write(String text) {
    if (closed.get()) {
      return false;
    }
    try {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
      lastWriteNanos = System.nanoTime();
      return true;
    } catch (IOException | RuntimeException e) {
      close("client_gone");
      return false;
    }
  }

  /**
   * Closes the connection (idempotent): runs the close callback, then ends the response.
   *
   * @param reason why: completed, client_gone, failed, shutdown
   */
  public void close(String reason) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      onClose.accept(reason);
    } finally {
      done.complete(null);
    }
  }
}
