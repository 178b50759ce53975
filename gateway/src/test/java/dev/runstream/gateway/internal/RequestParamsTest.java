package dev.runstream.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestParamsTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

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
    assertThat(RequestParams.workflowId("0195f3c2-7a1b-7c3d-9e4f-0123456789ab"))
        .isEqualTo("0195f3c2-7a1b-7c3d-9e4f-0123456789ab");
    assertThat(RequestParams.workflowId("run-42")).isEqualTo("run-42");
    assertThat(RequestParams.workflowId("tenant:wf.1@x+y_z")).isEqualTo("tenant:wf.1@x+y_z");
  }

  @Test
  void shouldRefuseEmptyLongOrStrangeIdsWhenValidatingWorkflowIds() {
    assertBad(() -> RequestParams.workflowId(""), "invalid_workflow_id", "empty");
    assertBad(() -> RequestParams.workflowId("a".repeat(201)), "invalid_workflow_id", "200");
    assertBad(() -> RequestParams.workflowId("has space"), "invalid_workflow_id", "has space");
    assertBad(() -> RequestParams.workflowId("../etc"), "invalid_workflow_id", "../etc");
    assertBad(() -> RequestParams.workflowId("-rf"), "invalid_workflow_id", "-rf");
    assertBad(() -> RequestParams.workflowId("a\nb"), "invalid_workflow_id", "\\u000a");
  }

  @Test
  void shouldReadTheCursorFromTheHeaderFirstWhenBothAreGiven() {
    RequestParams.SseRequest r = RequestParams.sse("wf", "7", q("last_event_id", "3"));
    assertThat(r.afterSequence()).hasValue(7);
    assertThat(RequestParams.sse("wf", null, q("last_event_id", "3")).afterSequence()).hasValue(3);
    assertThat(RequestParams.sse("wf", " ", q()).afterSequence()).isEmpty();
    assertThat(RequestParams.sse("wf", "0", q()).afterSequence()).hasValue(0);
  }

  @Test
  void shouldRefuseNonNumericOrNegativeCursorsWhenParsingLastEventId() {
    assertBad(() -> RequestParams.sse("wf", "abc", q()), "invalid_cursor", "Last-Event-ID");
    assertBad(() -> RequestParams.sse("wf", "-1", q()), "invalid_cursor", "\"-1\"");
    assertBad(() -> RequestParams.sse("wf", "1.5", q()), "invalid_cursor", "1.5");
    assertBad(() -> RequestParams.sse("wf", "99999999999999999999", q()), "invalid_cursor", "9999");
    assertBad(() -> RequestParams.sse("wf", null, q("last_event_id", "x")), "invalid_cursor", "x");
  }

  @Test
  void shouldParseFromAndChildrenWhenGiven() {
    RequestParams.SseRequest r =
        RequestParams.sse("wf", null, q("from", "now", "children", "true"));
    assertThat(r.fromNow()).isTrue();
    assertThat(r.includeChildren()).isTrue();
    RequestParams.SseRequest d = RequestParams.sse("wf", null, q());
    assertThat(d.fromNow()).isFalse();
    assertThat(d.includeChildren()).isFalse();
    assertBad(() -> RequestParams.sse("wf", null, q("from", "start")), "invalid_parameter", "from");
    assertBad(
        () -> RequestParams.sse("wf", null, q("children", "yes")), "invalid_parameter", "children");
  }

  @Test
  void shouldValidateStatusAndLimitWhenListing() {
    assertThat(RequestParams.list(q())).isEqualTo(new RequestParams.ListRequest(null, 100));
    assertThat(RequestParams.list(q("status", "running", "limit", "5")))
        .isEqualTo(new RequestParams.ListRequest("RUNNING", 5));
    assertBad(() -> RequestParams.list(q("status", "DONE")), "invalid_parameter", "status");
    assertBad(() -> RequestParams.list(q("limit", "0")), "invalid_parameter", "limit");
    assertBad(() -> RequestParams.list(q("limit", "10001")), "invalid_parameter", "limit");
    assertBad(() -> RequestParams.list(q("limit", "x")), "invalid_parameter", "limit");
  }

  @Test
  void shouldDefaultToTheLastDayAndValidateTheRangeWhenAskingForUsage() {
    RequestParams.UsageRequest r = RequestParams.usage(q(), NOW);
    assertThat(r.from()).isEqualTo(Instant.parse("2026-02-28T12:00:00Z"));
    assertThat(r.to()).isEqualTo(NOW);
    assertThat(RequestParams.usage(q("dimension", "model", "key", "gpt-4o"), NOW))
        .extracting(RequestParams.UsageRequest::dimension, RequestParams.UsageRequest::key)
        .containsExactly("MODEL", "gpt-4o");
    assertBad(() -> RequestParams.usage(q("dimension", "planet"), NOW), "invalid_parameter", "dim");
    assertBad(() -> RequestParams.usage(q("key", "gpt-4o"), NOW), "invalid_parameter", "key");
    assertBad(() -> RequestParams.usage(q("from", "yesterday"), NOW), "invalid_parameter", "from");
    assertBad(
        () -> RequestParams.usage(q("from", "2026-03-02T00:00:00Z"), NOW),
        "invalid_parameter",
        "at or before");
    assertBad(
        () -> RequestParams.usage(q("from", "2025-01-01T00:00:00Z"), NOW),
        "invalid_parameter",
        "31 days");
  }
}
