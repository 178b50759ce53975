package dev.runstream.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.client.ClientConfig;
import dev.runstream.client.GapDetectedException;
import dev.runstream.client.GapPolicy;
import dev.runstream.client.OverflowPolicy;
import dev.runstream.client.RunResult;
import dev.runstream.client.SkippedRecordException;
import dev.runstream.client.StreamOptions;
import dev.runstream.client.StreamTimeoutException;
import dev.runstream.client.SubscriberOverflowException;
import dev.runstream.client.TestEvents;
import dev.runstream.client.TextChunk;
import dev.runstream.client.UnknownWorkflowException;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.MalformedRecordException;
import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.ToolResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-subscriber logic — ordering, duplicates, gaps, poison records, overflow, children,
 * hand-off, timeouts, push demand — fed directly, without a broker.
 */
class StreamSessionTest {
  private static ClientRuntime runtime;
  private long offset;

  @BeforeAll
  static void runtime() {
    runtime =
        new ClientRuntime(
            ClientConfig.newBuilder().bootstrapServers("127.0.0.1:1").withoutView().build());
  }

  @AfterAll
  static void close() {
    runtime.close();
  }

  private static StreamSession session(
      StreamSession.Kind kind, String workflowId, String root, long after, StreamOptions options) {
    return session(kind, workflowId, root, after, options, 0);
  }

  private static StreamSession session(
      StreamSession.Kind kind,
      String workflowId,
      String root,
      long after,
      StreamOptions options,
      long gapWaitNanos) {
    StreamSettings r = StreamSettings.resolve(options, runtime.config(), Runnable::run);
    StreamSettings settings =
        new StreamSettings(
            r.includeChildren(),
            r.bufferSize(),
            r.overflowPolicy(),
            r.gapPolicy(),
            gapWaitNanos,
            r.idleTimeoutNanos(),
            r.timeoutNanos(),
            r.startTimeoutNanos(),
            r.startTimeHint(),
            r.rootWorkflowId(),
            r.onGap(),
            r.onSkippedRecord(),
            r.executor());
    StreamSession s = new StreamSession(runtime, workflowId, kind, after, settings);
    s.bind(root, 0);
    return s;
  }

  private static StreamSession live(String workflowId, StreamOptions options) {
    StreamSession s = session(StreamSession.Kind.REPLAY, workflowId, workflowId, -1, options);
    s.beginLive();
    return s;
  }

  private RecordMeta meta(AgentEvent e) {
    return new RecordMeta(
        0, offset++, 0, e.getRootWorkflowId(), e.getWorkflowId(), e.getSequence());
  }

  private void feed(StreamSession s, AgentEvent e) {
    RecordMeta m = meta(e);
    if (s.liveWants(m)) {
      s.liveRecord(m, e, null);
    }
  }

  private void feed(StreamSession s, List<AgentEvent> events) {
    events.forEach(e -> feed(s, e));
  }

  private static List<Long> sequences(Iterable<AgentEvent> events) {
    List<Long> out = new ArrayList<>();
    events.forEach(e -> out.add(e.getSequence()));
    return out;
  }

  @Test
  void shouldDeliverEachEventOnceInOrderWhenDuplicatesAndReorderingArrive() {
    List<AgentEvent> run = TestEvents.run("wf-order", 3);
    StreamSession s =
        session(
            StreamSession.Kind.REPLAY,
            "wf-order",
            "wf-order",
            -1,
            StreamOptions.DEFAULTS,
            Duration.ofMinutes(1).toNanos());
    s.beginLive();
    feed(s, List.of(run.get(0), run.get(2), run.get(1), run.get(1), run.get(0)));
    feed(s, run.subList(2, run.size()));
    feed(s, run.get(3));

    assertThat(sequences(s)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(s.lastSequence()).isEqualTo(6);
    assertThat(s.isDone()).isTrue();
  }

  @Test
  void shouldReportTheGapAndGoOnWhenTheGapPolicyIsReport() {
    List<AgentEvent> run = TestEvents.run("wf-gap", 4);
    List<GapDetectedException> gaps = new CopyOnWriteArrayList<>();
    StreamSession s = live("wf-gap", StreamOptions.newBuilder().onGap(gaps::add).build());
    feed(s, run.subList(0, 2));
    feed(s, run.subList(4, run.size()));

    assertThat(sequences(s)).containsExactly(0L, 1L, 4L, 5L, 6L, 7L);
    assertThat(gaps)
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.workflowId()).isEqualTo("wf-gap");
              assertThat(g.fromSequence()).isEqualTo(2);
              assertThat(g.toSequence()).isEqualTo(3);
              assertThat(g.isRetriable()).isFalse();
            });
  }

  @Test
  void shouldEndWithTheGapAfterTheEventsBeforeItWhenTheGapPolicyIsFail() {
    List<AgentEvent> run = TestEvents.run("wf-gap-fail", 4);
    StreamSession s =
        live("wf-gap-fail", StreamOptions.newBuilder().gapPolicy(GapPolicy.FAIL).build());
    feed(s, run.subList(0, 2));
    feed(s, run.subList(3, run.size()));

    List<Long> seen = new ArrayList<>();
    assertThatThrownBy(() -> s.forEach(e -> seen.add(e.getSequence())))
        .isInstanceOf(GapDetectedException.class)
        .hasMessageContaining("sequence 2");
    assertThat(seen).containsExactly(0L, 1L);
    assertThat(s.lastSequence()).isEqualTo(1);
    assertThat(s.isDone()).isTrue();
  }

  @Test
  void shouldDetachTheSlowSubscriberOnlyWhenItsBufferOverflows() {
    List<AgentEvent> run = TestEvents.run("wf-slow", 10);
    StreamSession slow = live("wf-slow", StreamOptions.newBuilder().bufferSize(3).build());
    StreamSession fast = live("wf-slow", StreamOptions.newBuilder().bufferSize(64).build());
    for (AgentEvent e : run) {
      RecordMeta m = meta(e);
      for (StreamSession s : List.of(slow, fast)) {
        if (s.liveWants(m)) {
          s.liveRecord(m, e, null);
        }
      }
    }

    assertThat(sequences(fast)).hasSize(run.size());
    List<Long> seen = new ArrayList<>();
    assertThatThrownBy(() -> slow.forEach(e -> seen.add(e.getSequence())))
        .isInstanceOfSatisfying(
            SubscriberOverflowException.class,
            e -> {
              assertThat(e.lastSequence()).isEqualTo(2);
              assertThat(e.bufferSize()).isEqualTo(3);
              assertThat(e.isRetriable()).isTrue();
            });
    assertThat(seen).containsExactly(0L, 1L, 2L);
    assertThat(slow.lastSequence()).isEqualTo(2);
  }

  @Test
  void shouldKeepEventsAndWaitToReReadWhenTheOverflowPolicyIsResume() {
    List<AgentEvent> run = TestEvents.run("wf-resume-policy", 10);
    StreamSession s =
        live(
            "wf-resume-policy",
            StreamOptions.newBuilder().bufferSize(3).overflowPolicy(OverflowPolicy.RESUME).build());
    feed(s, run.subList(0, 5));
    assertThat(s.resumeFrom()).isEqualTo(offset - 2);
    assertThat(s.isDone()).isFalse();
    assertThat(s.buffer().size()).isEqualTo(3);
    s.close();
  }

  @Test
  void shouldReportAnUndecodableRecordWithItsPartitionAndOffsetAndNotAsAGapWhenSkipped() {
    List<AgentEvent> run = TestEvents.run("wf-poison", 3);
    List<SkippedRecordException> skipped = new CopyOnWriteArrayList<>();
    List<GapDetectedException> gaps = new CopyOnWriteArrayList<>();
    StreamSession s =
        live(
            "wf-poison",
            StreamOptions.newBuilder().onSkippedRecord(skipped::add).onGap(gaps::add).build());
    feed(s, run.subList(0, 2));
    RecordMeta poison = new RecordMeta(0, 4242, 0, "wf-poison", "wf-poison", 2);
    assertThat(s.liveWants(poison)).isTrue();
    s.liveRecord(poison, null, new MalformedRecordException("not avro"));
    feed(s, run.subList(3, run.size()));

    assertThat(sequences(s)).containsExactly(0L, 1L, 3L, 4L, 5L, 6L);
    assertThat(gaps).isEmpty();
    assertThat(skipped)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.partition()).isZero();
              assertThat(e.offset()).isEqualTo(4242);
              assertThat(e.topic()).isEqualTo("agent-events");
              assertThat(e.workflowId()).isEqualTo("wf-poison");
              assertThat(e.sequence()).hasValue(2);
              assertThat(e.getCause()).isInstanceOf(MalformedRecordException.class);
            });
  }

  @Test
  void shouldIncludeChildrenOnlyWhenAsked() {
    TestEvents root = TestEvents.root("tree").start();
    TestEvents child = TestEvents.child("tree", "tree", "tree/child").start().llmStep("c", "x");
    TestEvents grandChild =
        TestEvents.child("tree", "tree/child", "tree/child/gc").start().llmStep("g", "y");
    root.llmStep("r", "a", "b").finish("ok", 1, List.of());
    List<AgentEvent> all = new ArrayList<>();
    all.addAll(root.events().subList(0, 2));
    all.addAll(child.events());
    all.addAll(grandChild.events());
    all.addAll(root.events().subList(2, root.events().size()));

    StreamSession only = live("tree", StreamOptions.DEFAULTS);
    StreamSession withChildren =
        live("tree", StreamOptions.newBuilder().includeChildren(true).build());
    StreamSession childTree =
        session(
            StreamSession.Kind.REPLAY,
            "tree/child",
            "tree",
            -1,
            StreamOptions.newBuilder().includeChildren(true).build());
    childTree.beginLive();
    for (AgentEvent e : all) {
      RecordMeta m = meta(e);
      for (StreamSession s : List.of(only, withChildren, childTree)) {
        if (s.liveWants(m)) {
          s.liveRecord(m, e, null);
        }
      }
    }
    // The root's terminal event ends the root streams; the child's stream has no terminal yet.
    childTree.completeNow();

    List<String> onlyIds = new ArrayList<>();
    only.forEach(e -> onlyIds.add(e.getWorkflowId()));
    assertThat(onlyIds).containsOnly("tree").hasSize(root.events().size());

    List<String> allIds = new ArrayList<>();
    withChildren.forEach(e -> allIds.add(e.getWorkflowId() + "#" + e.getSequence()));
    assertThat(allIds).hasSize(all.size());

    List<String> childIds = new ArrayList<>();
    childTree.forEach(e -> childIds.add(e.getWorkflowId()));
    assertThat(childIds)
        .containsOnly("tree/child", "tree/child/gc")
        .hasSize(child.events().size() + grandChild.events().size());
  }

  @Test
  void shouldHandOffFromCatchUpToLiveWithoutGapsOrDuplicatesWhenTheyOverlap() throws Exception {
    List<AgentEvent> run = TestEvents.run("wf-handoff", 8);
    StreamSession s =
        session(StreamSession.Kind.REPLAY, "wf-handoff", "wf-handoff", -1, StreamOptions.DEFAULTS);
    s.beginCatchUp();
    // The live reader already routes records 5.. while the catch-up reads 0..6.
    for (AgentEvent e : run.subList(5, run.size())) {
      RecordMeta m = meta(e);
      if (s.liveWants(m)) {
        s.liveRecord(m, e, null);
      }
    }
    for (AgentEvent e : run.subList(0, 7)) {
      RecordMeta m = meta(e);
      if (s.catchUpWants(m)) {
        assertThat(s.catchUpRecord(m, e, null)).isTrue();
      }
    }
    assertThat(s.handOff()).isEqualTo(-1);

    assertThat(sequences(s)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
  }

  @Test
  void shouldSkipEverythingUpToTheCursorWhenResuming() throws Exception {
    List<AgentEvent> run = TestEvents.run("wf-cursor", 5);
    StreamSession s =
        session(StreamSession.Kind.RESUME, "wf-cursor", "wf-cursor", 4, StreamOptions.DEFAULTS);
    s.beginCatchUp();
    int decoded = 0;
    for (AgentEvent e : run) {
      RecordMeta m = meta(e);
      if (s.catchUpWants(m)) {
        decoded++;
        s.catchUpRecord(m, e, null);
      }
    }
    assertThat(decoded).isEqualTo(run.size() - 5);
    assertThat(sequences(s)).containsExactly(5L, 6L, 7L, 8L);
  }

  @Test
  void shouldFailWithATimeoutWhenNoEventArrivesWithinTheIdleTimeout() {
    StreamSession s =
        live("wf-idle", StreamOptions.newBuilder().idleTimeout(Duration.ofMillis(10)).build());
    feed(s, TestEvents.run("wf-idle", 1).get(0));
    s.tick(System.nanoTime() + Duration.ofSeconds(1).toNanos());
    var it = s.iterator();
    assertThat(it.next().getSequence()).isZero();
    assertThatThrownBy(it::hasNext)
        .isInstanceOfSatisfying(
            StreamTimeoutException.class,
            e -> {
              assertThat(e.lastSequence()).isZero();
              assertThat(e.getMessage()).contains("idle timeout");
            });
  }

  @Test
  void shouldFailAsUnknownWhenNothingArrivesWithinTheStartTimeout() {
    StreamSession s =
        live("wf-nowhere", StreamOptions.newBuilder().startTimeout(Duration.ofMillis(5)).build());
    s.awaitStart("the view does not know it");
    s.tick(System.nanoTime() + Duration.ofSeconds(1).toNanos());
    assertThatThrownBy(() -> s.iterator().hasNext())
        .isInstanceOf(UnknownWorkflowException.class)
        .hasMessageContaining("wf-nowhere")
        .hasMessageContaining("the view does not know it");
  }

  @Test
  void shouldNeverCallOnNextBeyondDemandWhenPushing() throws Exception {
    List<AgentEvent> run = TestEvents.run("wf-push", 4);
    StreamSession s = live("wf-push", StreamOptions.DEFAULTS);
    feed(s, run);
    List<Long> got = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    CountDownLatch completed = new CountDownLatch(1);
    s.subscribe(
        new Flow.Subscriber<>() {
          @Override
          public void onSubscribe(Flow.Subscription sub) {
            subscription.set(sub);
            sub.request(2);
          }

          @Override
          public void onNext(AgentEvent item) {
            got.add(item.getSequence());
          }

          @Override
          public void onError(Throwable throwable) {}

          @Override
          public void onComplete() {
            completed.countDown();
          }
        });
    assertThat(got).containsExactly(0L, 1L);
    subscription.get().request(100);
    assertThat(completed.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(got).hasSize(run.size());

    List<Throwable> errors = new ArrayList<>();
    s.subscribe(
        new Flow.Subscriber<>() {
          @Override
          public void onSubscribe(Flow.Subscription sub) {}

          @Override
          public void onNext(AgentEvent item) {}

          @Override
          public void onError(Throwable throwable) {
            errors.add(throwable);
          }

          @Override
          public void onComplete() {}
        });
    assertThat(errors).singleElement().isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldBuildTheResultAndTextWhenConsumedAsFutures() throws Exception {
    TestEvents t =
        TestEvents.root("wf-result")
            .start()
            .llmStep("llm_1", "It is ", "sunny.")
            .toolStep("call_1", "get_weather", "{\"city\":\"Tokyo\"}", "{\"sky\":\"sunny\"}")
            .finish("It is sunny.", 2, List.of());
    StreamSession s = live("wf-result", StreamOptions.DEFAULTS);
    feed(s, t.events());
    RunResult r = s.result().get(5, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(RunStatus.FINISHED);
    assertThat(r.result()).isEqualTo("It is sunny.");
    assertThat(r.text()).isEqualTo("It is sunny.");
    assertThat(r.totalSteps()).isEqualTo(2);
    assertThat(r.usage().getTotalTokens()).isEqualTo(120);
    assertThat(r.toolResults())
        .extracting(ToolResult::getToolName, ToolResult::getOutput)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("get_weather", "{\"sky\":\"sunny\"}"));
    assertThat(r.source()).isEqualTo(RunResult.Source.EVENTS);

    StreamSession failed = live("wf-failed", StreamOptions.DEFAULTS);
    feed(
        failed, TestEvents.root("wf-failed").start().llmStep("l", "partial").fail("boom").events());
    assertThat(failed.text().get(5, TimeUnit.SECONDS)).isEqualTo("partial");

    StreamSession failed2 = live("wf-failed2", StreamOptions.DEFAULTS);
    feed(failed2, TestEvents.root("wf-failed2").start().fail("boom").events());
    RunResult f = failed2.result().get(5, TimeUnit.SECONDS);
    assertThat(f.isFailed()).isTrue();
    assertThat(f.error()).hasValueSatisfying(e -> assertThat(e.getMessage()).isEqualTo("boom"));
  }

  @Test
  void shouldReleaseABlockedIteratorWhenClosedFromAnotherThread() throws Exception {
    StreamSession s = live("wf-close", StreamOptions.DEFAULTS);
    CompletableFuture<Boolean> hasNext =
        CompletableFuture.supplyAsync(() -> s.iterator().hasNext());
    Thread.sleep(100);
    assertThat(hasNext).isNotDone();
    s.close();
    assertThat(hasNext.get(5, TimeUnit.SECONDS)).isFalse();
    assertThatThrownBy(s::iterator).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldStreamOnlyTheWorkflowsOwnTextWhenAskedForTextChunks() {
    TestEvents root = TestEvents.root("wf-chunks").start().llmStep("l", "Hel", "lo");
    TestEvents child =
        TestEvents.child("wf-chunks", "wf-chunks", "wf-chunks/c").start().llmStep("c", "CHILD");
    StreamSession s = live("wf-chunks", StreamOptions.newBuilder().includeChildren(true).build());
    feed(s, root.events());
    feed(s, child.events());
    feed(
        s,
        TestEvents.root("wf-chunks")
            .start()
            .llmStep("l", "Hel", "lo")
            .finish("x", 1, List.of())
            .events());
    assertThat(s.textChunks().toList()).containsExactly("Hel", "lo");
  }

  @Test
  void shouldDropSupersededTextFromTextAndResultWhenAStepIsRetriedMidRun() throws Exception {
    TestEvents t =
        TestEvents.root("wf-retry")
            .start()
            .llmStep("llm_1", "Intro. ")
            .retriedLlmStep("llm_2", List.of("FIRST ", "ATTEMPT "), "Second ", "attempt. ")
            .llmStep("llm_3", "The end.")
            .finish("done", 3, List.of());
    StreamSession text = live("wf-retry", StreamOptions.DEFAULTS);
    feed(text, t.events());
    assertThat(text.text().get(5, TimeUnit.SECONDS))
        .isEqualTo("Intro. Second attempt. The end.")
        .isEqualTo(t.text());

    StreamSession result = live("wf-retry", StreamOptions.DEFAULTS);
    feed(result, t.events());
    assertThat(result.result().get(5, TimeUnit.SECONDS).text())
        .isEqualTo("Intro. Second attempt. The end.");

    StreamSession events = live("wf-retry", StreamOptions.DEFAULTS);
    feed(events, t.events());
    assertThat(events.events().toList())
        .as("events() delivers every attempt's events, each with its attempt")
        .hasSize(t.events().size())
        .filteredOn(e -> e.getAttempt() == 2)
        .hasSize(4);
  }

  @Test
  void shouldSignalAResetInTextUpdatesWhenAStepIsRetried() {
    TestEvents t =
        TestEvents.root("wf-updates")
            .start()
            .llmStep("llm_1", "Intro. ")
            .retriedLlmStep("llm_2", List.of("FIRST"), "Second.")
            .delta("llm_2", 1, "late delta of attempt 1")
            .finish("done", 2, List.of());
    StreamSession s = live("wf-updates", StreamOptions.DEFAULTS);
    feed(s, t.events());

    List<TextChunk> updates = s.textUpdates().toList();

    assertThat(updates)
        .containsExactly(
            new TextChunk.Delta("llm_1", 1, 2, "Intro. "),
            new TextChunk.Delta("llm_2", 1, 5, "FIRST"),
            new TextChunk.Reset("llm_2", 2, 6, "FIRST", "Intro. "),
            new TextChunk.Delta("llm_2", 2, 7, "Second."));

    StreamSession chunks = live("wf-updates", StreamOptions.DEFAULTS);
    feed(chunks, t.events());
    assertThat(chunks.textChunks().toList())
        .as("a delta already superseded when it arrives is left out")
        .containsExactly("Intro. ", "FIRST", "Second.");
  }
}
