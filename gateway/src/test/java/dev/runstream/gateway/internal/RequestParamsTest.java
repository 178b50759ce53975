package dev.runstream.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestParamsTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final RequestParams PARAMS = RequestParams.withDefaultBounds();

  private static Map<String, List<String>> q(String... pairs) {
    java.util.LinkedHashMap<String, List<String>> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], List.of(pairs[i + 1]));
    }
    return m;
  }

  private static void assertBad(Runnable call, String code, String mentions) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.getMessage()).contains(mentions);
            });
  }

  @Test
  void shouldAcceptUuidsAndSimpleIdsWhenValidatingWorkflowIds() {
    assertThat(PARAMS.workflowId("0195f3c2-7a1b-7c3d-9e4f-0123456789ab"))
        .isEqualTo("0195f3c2-7a1b-7c3d-9e4f-0123456789ab");
    assertThat(PARAMS.workflowId("run-42")).isEqualTo("run-42");
    assertThat(PARAMS.workflowId("tenant:wf.1@x+y_z")).isEqualTo("tenant:wf.1@x+y_z");
  }

  @Test
  void shouldRefuseEmptyLongOrStrangeIdsWhenValidatingWorkflowIds() {
    assertBad(() -> PARAMS.workflowId(""), "invalid_workflow_id", "empty");
    assertBad(() -> PARAMS.workflowId("a".repeat(129)), "invalid_workflow_id", "128");
    assertBad(() -> PARAMS.workflowId("has space"), "invalid_workflow_id", "has space");
    assertBad(() -> PARAMS.workflowId("../etc"), "invalid_workflow_id", "../etc");
    assertBad(() -> PARAMS.workflowId("-rf"), "invalid_workflow_id", "-rf");
    assertBad(() -> PARAMS.workflowId("a\nb"), "invalid_workflow_id", "\\u000a");
  }

  @Test
  void shouldReadTheCursorFromTheHeaderFirstWhenBothAreGiven() {
    RequestParams.SseRequest r = PARAMS.sse("wf", "7", q("last_event_id", "3"));
    assertThat(r.afterSequence()).hasValue(7);
    assertThat(PARAMS.sse("wf", null, q("last_event_id", "3")).afterSequence()).hasValue(3);
    assertThat(PARAMS.sse("wf", " ", q()).afterSequence()).isEmpty();
    assertThat(PARAMS.sse("wf", "0", q()).afterSequence()).hasValue(0);
  }

  @Test
  void shouldRefuseNonNumericOrNegativeCursorsWhenParsingLastEventId() {
    assertBad(() -> PARAMS.sse("wf", "abc", q()), "invalid_cursor", "Last-Event-ID");
    assertBad(() -> PARAMS.sse("wf", "-1", q()), "invalid_cursor", "\"-1\"");
    assertBad(() -> PARAMS.sse("wf", "1.5", q()), "invalid_cursor", "1.5");
    assertBad(() -> PARAMS.sse("wf", "99999999999999999999", q()), "invalid_cursor", "9999");
    assertBad(() -> PARAMS.sse("wf", null, q("last_event_id", "x")), "invalid_cursor", "x");
  }

  @Test
  void shouldJoinFromASnapshotWhenFromIsSnapshot() {
    RequestParams.SseRequest r = PARAMS.sse("wf", null, q("from", "snapshot"));
    assertThat(r.fromSnapshot()).isTrue();
    assertThat(r.fromNow()).isFalse();
    assertThat(PARAMS.sse("wf", null, q()).fromSnapshot()).isFalse();
    assertBad(() -> PARAMS.sse("wf", null, q("from", "middle")), "invalid_parameter", "snapshot");
  }

  @Test
  void shouldAcceptAPositionAndRefuseMalformedOnesWhenParsingAtLeast() {
    assertThat(PARAMS.atLeast(q())).isNull();
    assertThat(PARAMS.atLeast(q("at_least", "3:1234"))).isEqualTo("3:1234");
    for (String bad : new String[] {"abc", "1:-2", "1:", ":5", "1:2:3", "99999999999:1", " 1:2"}) {
      assertBad(() -> PARAMS.atLeast(q("at_least", bad)), "invalid_parameter", "at_least");
    }
  }

  @Test
  void shouldParseFromAndChildrenWhenGiven() {
    RequestParams.SseRequest r = PARAMS.sse("wf", null, q("from", "now", "children", "true"));
    assertThat(r.fromNow()).isTrue();
    assertThat(r.includeChildren()).isTrue();
    RequestParams.SseRequest d = PARAMS.sse("wf", null, q());
    assertThat(d.fromNow()).isFalse();
    assertThat(d.includeChildren()).isFalse();
    assertBad(() -> PARAMS.sse("wf", null, q("from", "start")), "invalid_parameter", "from");
    assertBad(() -> PARAMS.sse("wf", null, q("children", "yes")), "invalid_parameter", "children");
  }

  @Test
  void shouldValidateStatusAndLimitWhenListing() {
    assertThat(PARAMS.list(q())).isEqualTo(new RequestParams.ListRequest(null, 100));
    assertThat(PARAMS.list(q("status", "running", "limit", "5")))
        .isEqualTo(new RequestParams.ListRequest("RUNNING", 5));
    assertThat(PARAMS.list(q("status", "cancelled")).status()).isEqualTo("CANCELLED");
    assertBad(() -> PARAMS.list(q("status", "DONE")), "invalid_parameter", "status");
    assertBad(() -> PARAMS.list(q("limit", "0")), "invalid_parameter", "limit");
    assertBad(() -> PARAMS.list(q("limit", "10001")), "invalid_parameter", "limit");
    assertBad(() -> PARAMS.list(q("limit", "x")), "invalid_parameter", "limit");
  }

  @Test
  void shouldDefaultToTheLastDayAndValidateTheRangeWhenAskingForUsage() {
    RequestParams.UsageRequest r = PARAMS.usage(q(), NOW);
    assertThat(r.from()).isEqualTo(Instant.parse("2026-02-28T12:00:00Z"));
    assertThat(r.to()).isEqualTo(NOW);
    assertThat(PARAMS.usage(q("dimension", "model", "key", "gpt-4o"), NOW))
        .extracting(RequestParams.UsageRequest::dimension, RequestParams.UsageRequest::key)
        .containsExactly("MODEL", "gpt-4o");
    assertBad(() -> PARAMS.usage(q("dimension", "planet"), NOW), "invalid_parameter", "dim");
    assertBad(() -> PARAMS.usage(q("key", "gpt-4o"), NOW), "invalid_parameter", "key");
    assertBad(() -> PARAMS.usage(q("from", "yesterday"), NOW), "invalid_parameter", "from");
    assertBad(
        () -> PARAMS.usage(q("from", "2026-03-02T00:00:00Z"), NOW),
        "invalid_parameter",
        "at or before");
    assertBad(
        () -> PARAMS.usage(q("from", "2025-01-01T00:00:00Z"), NOW), "invalid_parameter", "31 days");
  }

  @Test
  void shouldRefuseIdsKeysAndCursorsLongerThanTheBoundsWhenBoundsAreConfigured() {
    RequestParams tight = new RequestParams(10, 300, 4);
    assertThat(tight.workflowId("a".repeat(10))).hasSize(10);
    assertBad(() -> tight.workflowId("a".repeat(11)), "invalid_workflow_id", "longer than 10");
    assertBad(
        () -> tight.usage(q("dimension", "AGENT", "key", "k".repeat(11)), NOW),
        "invalid_parameter",
        "1 to 10");
    assertThat(tight.sse("wf", "1234", q()).afterSequence()).hasValue(1234);
    assertBad(() -> tight.sse("wf", "12345", q()), "invalid_cursor", "Last-Event-ID is longer");
    assertBad(
        () -> tight.sse("wf", null, q("last_event_id", "x".repeat(5000))),
        "invalid_cursor",
        "last_event_id is longer than 4");
  }

  @Test
  void shouldAnswer414WhenTheQueryStringIsLongerThanTheBound() {
    RequestParams tight = new RequestParams(10, 300, 4);
    tight.queryString(null);
    tight.queryString("a=" + "b".repeat(298));
    assertThatThrownBy(() -> tight.queryString("a=" + "b".repeat(299)))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(414);
              assertThat(e.code()).isEqualTo("uri_too_long");
              assertThat(e.getMessage()).contains("300");
            });
  }
}
