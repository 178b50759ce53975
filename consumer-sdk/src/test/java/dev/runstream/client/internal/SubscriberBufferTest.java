package dev.runstream.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.client.GapDetectedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SubscriberBufferTest {

  private static SubscriberBuffer.Notice notice() {
    return new SubscriberBuffer.Notice(new GapDetectedException("wf", 1, 1));
  }

  @Test
  void shouldRefuseEventsButNotNoticesWhenFull() {
    var buffer = new SubscriberBuffer(2);
    assertThat(buffer.offer("a")).isTrue();
    assertThat(buffer.offer("b")).isTrue();
    assertThat(buffer.freeSlots()).isZero();
    assertThat(buffer.offer("c")).isFalse();
    assertThat(buffer.offer(notice())).isTrue();
    assertThat(buffer.size()).isEqualTo(3);

    assertThat(buffer.poll()).isEqualTo("a");
    assertThat(buffer.freeSlots()).isEqualTo(1);
  }

  @Test
  void shouldDeliverBufferedItemsBeforeTheFailureWhenItFails() throws Exception {
    var buffer = new SubscriberBuffer(4);
    buffer.offer("a");
    buffer.offer("b");
    var error = new GapDetectedException("wf", 3, 4);
    buffer.fail(error);
    assertThat(buffer.offer("late")).isFalse();

    assertThat(buffer.take()).isEqualTo("a");
    assertThat(buffer.take()).isEqualTo("b");
    assertThat(buffer.take()).isSameAs(SubscriberBuffer.END);
    assertThat(buffer.failure()).isSameAs(error);
    assertThat(buffer.take()).isSameAs(SubscriberBuffer.END);
  }

  @Test
  void shouldDropItemsAndWakeTheConsumerWhenClosed() throws Exception {
    var buffer = new SubscriberBuffer(4);
    CompletableFuture<Object> taken =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return buffer.take();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(50);
    buffer.close();
    assertThat(taken.get(5, TimeUnit.SECONDS)).isSameAs(SubscriberBuffer.END);
    assertThat(buffer.offer("x")).isFalse();
    assertThat(buffer.failure()).isNull();
  }

  @Test
  void shouldBlockPutWhileFullAndResumeWhenTheConsumerTakes() throws Exception {
    var buffer = new SubscriberBuffer(1);
    buffer.put("a");
    CompletableFuture<Boolean> put =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return buffer.put("b");
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(100);
    assertThat(put).isNotDone();
    assertThat(buffer.take()).isEqualTo("a");
    assertThat(put.get(5, TimeUnit.SECONDS)).isTrue();
    assertThat(buffer.take()).isEqualTo("b");
  }

  @Test
  void shouldReleaseABlockedPutWhenClosed() throws Exception {
    var buffer = new SubscriberBuffer(1);
    buffer.put("a");
    CompletableFuture<Boolean> put =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return buffer.put("b");
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(50);
    buffer.close();
    assertThat(put.get(5, TimeUnit.SECONDS)).isFalse();
  }

  @Test
  void shouldTimeOutATakeWhenNothingArrives() throws Exception {
    var buffer = new SubscriberBuffer(1);
    assertThat(buffer.take(Duration.ofMillis(20).toNanos())).isNull();
  }

  @Test
  void shouldRunTheDrainedActionOnceWhenTheLastItemIsTaken() {
    var buffer = new SubscriberBuffer(4);
    buffer.offer("a");
    buffer.offer("b");
    AtomicInteger drained = new AtomicInteger();
    buffer.onDrainedOnce(drained::incrementAndGet);
    buffer.poll();
    assertThat(drained).hasValue(0);
    buffer.poll();
    assertThat(drained).hasValue(1);
    buffer.offer("c");
    buffer.poll();
    assertThat(drained).hasValue(1);

    buffer.onDrainedOnce(drained::incrementAndGet);
    assertThat(drained).hasValue(2);
  }

  @Test
  void shouldSignalTheListenerWhenItemsArriveOrTheStreamEnds() {
    var buffer = new SubscriberBuffer(4);
    AtomicInteger signals = new AtomicInteger();
    buffer.setListener(signals::incrementAndGet);
    int afterRegistration = signals.get();
    buffer.offer("a");
    buffer.complete();
    assertThat(signals.get() - afterRegistration).isEqualTo(2);
    assertThat(buffer.poll()).isEqualTo("a");
    assertThat(buffer.poll()).isSameAs(SubscriberBuffer.END);
  }
}
