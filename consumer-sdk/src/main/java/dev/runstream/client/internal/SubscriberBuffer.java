package dev.runstream.client.internal;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded buffer between the readers and one subscriber: events, and the notices (gaps, skipped
 * records) that must reach the subscriber in order with them, then one terminal signal.
 *
 * <ul>
 *   <li>Only events count against the capacity; notices are rare and never refused, so a report is
 *       never lost to a full buffer.
 *   <li>{@link #offer} never blocks: the shared live reader uses it and applies the overflow policy
 *       when it fails. {@link #put} blocks while full: a catch-up reader, which serves this
 *       subscriber alone, uses it.
 *   <li>After {@link #complete()} or {@link #fail}, the items already buffered are still delivered,
 *       then {@link #END}. After {@link #close()} (cancellation) nothing is.
 *   <li>Memory follows the items buffered, not the capacity.
 * </ul>
 *
 * Thread-safe: many producers one at a time, one consumer.
 */
public final class SubscriberBuffer {
  /** Returned by {@link #take()} and {@link #poll()} once the stream has ended. */
  public static final Object END = new Object();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final ArrayDeque<Object> items = new ArrayDeque<>(8);
  private final int capacity;
  private int events;
  private boolean terminated;
  private boolean closed;
  private RuntimeException failure;
  private volatile Runnable listener;
  private volatile Runnable onDrained;

  public SubscriberBuffer(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** The capacity in events. */
  public int capacity() {
    return capacity;
  }

  /** Called after every change a consumer may want to see (an item, the end); push delivery. */
  public void setListener(Runnable listener) {
    this.listener = listener;
    signalListener();
  }

  /** Called, once per registration, when the consumer has taken the last buffered item. */
  public void onDrainedOnce(Runnable action) {
    boolean runNow;
    lock.lock();
    try {
      runNow = items.isEmpty();
      if (!runNow) {
        onDrained = action;
      }
    } finally {
      lock.unlock();
    }
    if (runNow) {
      action.run();
    }
  }

  /** How many more events fit now. */
  public int freeSlots() {
    lock.lock();
    try {
      return capacity - events;
    } finally {
      lock.unlock();
    }
  }

  /** How many items (events and notices) are buffered. */
  public int size() {
    lock.lock();
    try {
      return items.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Adds an item without blocking.
   *
   * @param item an event, or a {@link Notice}
   * @return {@code false} if it is an event and the buffer is full, or the stream has ended (the
   *     item is then dropped)
   */
  public boolean offer(Object item) {
    boolean isEvent = !(item instanceof Notice);
    lock.lock();
    try {
      if (terminated || closed) {
        return false;
      }
      if (isEvent) {
        if (events >= capacity) {
          return false;
        }
        events++;
      }
      items.addLast(item);
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
    signalListener();
    return true;
  }

  /**
   * Adds an item, waiting while the buffer is full of events.
   *
   * @return {@code false} if the stream ended or was closed first (the item is dropped)
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean put(Object item) throws InterruptedException {
    boolean isEvent = !(item instanceof Notice);
    lock.lock();
    try {
      while (isEvent && events >= capacity && !terminated && !closed) {
        notFull.await();
      }
      if (terminated || closed) {
        return false;
      }
      if (isEvent) {
        events++;
      }
      items.addLast(item);
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
    signalListener();
    return true;
  }

  /** Ends the stream normally after the buffered items. The first end wins. */
  public void complete() {
    terminate(null);
  }

  /** Ends the stream with {@code error} after the buffered items. The first end wins. */
  public void fail(RuntimeException error) {
    terminate(error);
  }

  private void terminate(RuntimeException error) {
    lock.lock();
    try {
      if (terminated || closed) {
        return;
      }
      terminated = true;
      failure = error;
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
    signalListener();
  }

  /** Cancels: drops the buffered items and wakes every waiting thread. Idempotent. */
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      items.clear();
      events = 0;
      onDrained = null;
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
    signalListener();
  }

  /** Whether the stream ended or was closed. */
  public boolean isTerminated() {
    lock.lock();
    try {
      return terminated || closed;
    } finally {
      lock.unlock();
    }
  }

  /** Whether it was closed (cancelled) rather than ended by the producer side. */
  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** The failure that ended the stream, or {@code null}. */
  public RuntimeException failure() {
    lock.lock();
    try {
      return closed ? null : failure;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next item, waiting for one.
   *
   * @return an item, or {@link #END} once the stream ended and its items were taken, or was closed
   * @throws InterruptedException if interrupted while waiting
   */
  public Object take() throws InterruptedException {
    return take(Long.MAX_VALUE);
  }

  /**
   * The next item, waiting at most {@code timeoutNanos}.
   *
   * @return an item, {@link #END}, or {@code null} on timeout
   * @throws InterruptedException if interrupted while waiting
   */
  public Object take(long timeoutNanos) throws InterruptedException {
    Runnable drained;
    Object item;
    lock.lock();
    try {
      long remaining = timeoutNanos;
      while (items.isEmpty() && !terminated && !closed) {
        if (remaining <= 0) {
          return null;
        }
        remaining =
            timeoutNanos == Long.MAX_VALUE ? awaitForever() : notEmpty.awaitNanos(remaining);
      }
      if (closed || items.isEmpty()) {
        return END;
      }
      item = removeFirst();
      drained = takeDrainedAction();
    } finally {
      lock.unlock();
    }
    if (drained != null) {
      drained.run();
    }
    return item;
  }

  private long awaitForever() throws InterruptedException {
    notEmpty.await(1, TimeUnit.DAYS);
    return Long.MAX_VALUE;
  }

  /**
   * The next item without waiting.
   *
   * @return an item, {@link #END}, or {@code null} if none is buffered yet
   */
  public Object poll() {
    Runnable drained;
    Object item;
    lock.lock();
    try {
      if (closed) {
        return END;
      }
      if (items.isEmpty()) {
        return terminated ? END : null;
      }
      item = removeFirst();
      drained = takeDrainedAction();
    } finally {
      lock.unlock();
    }
    if (drained != null) {
      drained.run();
    }
    return item;
  }

  /** Whether the buffer holds nothing, or only the end: {@link #poll()} would not give an item. */
  public boolean isEmpty() {
    lock.lock();
    try {
      return closed || items.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  private Object removeFirst() {
    Object item = items.removeFirst();
    if (!(item instanceof Notice)) {
      events--;
      notFull.signal();
    }
    return item;
  }

  private Runnable takeDrainedAction() {
    if (items.isEmpty() && onDrained != null) {
      Runnable action = onDrained;
      onDrained = null;
      return action;
    }
    return null;
  }

  private void signalListener() {
    Runnable l = listener;
    if (l != null) {
      l.run();
    }
  }

  /**
   * An item that is not an event and does not count against the capacity: a report for the
   * subscriber's callbacks.
   *
   * @param report the gap or skipped record
   */
  public record Notice(RuntimeException report) {}
}
