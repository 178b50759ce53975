package dev.runstream.gateway.internal;

import dev.runstream.client.ViewPosition;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates the gateway's path and query parameters before anything is opened or forwarded, within
 * the configured bounds (length of ids, of the query string and of {@code Last-Event-ID}). Every
 * method throws {@link ApiException} (400, or 414 for the query string) naming the parameter and
 * what is allowed.
 */
public final class RequestParams {
  /** Default longest workflow id ({@code gateway.max.id.length}). */
  public static final int DEFAULT_MAX_ID_LENGTH = 128;

  /** Default longest query string ({@code gateway.max.query.length}). */
  public static final int DEFAULT_MAX_QUERY_LENGTH = 2_048;

  /** Default longest {@code Last-Event-ID} ({@code gateway.max.last.event.id.length}). */
  public static final int DEFAULT_MAX_LAST_EVENT_ID_LENGTH = 20;

  /** Default and largest page of {@code GET /v1/workflows}. */
  public static final int DEFAULT_LIMIT = 100;

  /** Largest {@code limit}. */
  public static final int MAX_LIMIT = 10_000;

  /** Longest usage range. */
  public static final Duration MAX_USAGE_RANGE = Duration.ofDays(31);

  // Letters, digits and a few separators: UUIDs, "run-42", "tenant:wf.1". Starts with a letter or
  // digit, so ids can never be mistaken for paths or options.
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@+\\-]*");
  private static final Pattern CURSOR = Pattern.compile("[0-9]{1,18}");
  private static final Set<String> STATUSES = Set.of("RUNNING", "FINISHED", "FAILED", "CANCELLED");
  private static final Set<String> DIMENSIONS = Set.of("AGENT", "MODEL", "TENANT");

  private final int maxIdLength;
  private final int maxQueryLength;
  private final int maxLastEventIdLength;

  /**
   * Validation within these bounds.
   *
   * @param maxIdLength longest workflow id or usage key
   * @param maxQueryLength longest query string
   * @param maxLastEventIdLength longest {@code Last-Event-ID} or {@code last_event_id}
   */
  public RequestParams(int maxIdLength, int maxQueryLength, int maxLastEventIdLength) {
    this.maxIdLength = maxIdLength;
    this.maxQueryLength = maxQueryLength;
    this.maxLastEventIdLength = maxLastEventIdLength;
  }

  /** Validation within the default bounds. */
  public static RequestParams withDefaultBounds() {
    return new RequestParams(
        DEFAULT_MAX_ID_LENGTH, DEFAULT_MAX_QUERY_LENGTH, DEFAULT_MAX_LAST_EVENT_ID_LENGTH);
  }

  /**
   * Checks the length of a request's raw query string.
   *
   * @param rawQuery the query string as sent, or null
   * @throws ApiException 414 if it is longer than the bound
   */
  public void queryString(String rawQuery) {
    if (rawQuery != null && rawQuery.length() > maxQueryLength) {
      throw new ApiException(
          414,
          ApiException.URI_TOO_LONG,
          "the query string is longer than " + maxQueryLength + " characters");
    }
  }

  /**
   * What an SSE request asks for.
   *
   * @param workflowId the workflow
   * @param afterSequence the cursor to resume after, if any ({@code Last-Event-ID})
   * @param fromNow tail from now instead of replaying from the first event (ignored with a cursor)
   * @param includeChildren whether child workflows' events are included
   * @param fromSnapshot join midway: a {@code snapshot} event with the text so far, then the events
   *     after it ({@code from=snapshot}; ignored with a cursor)
   */
  public record SseRequest(
      String workflowId,
      OptionalLong afterSequence,
      boolean fromNow,
      boolean includeChildren,
      boolean fromSnapshot) {}

  /**
   * The {@code at_least} parameter of {@code GET /v1/workflows/{id}}: a position {@code
   * partition:offset} as {@link ViewPosition#parse} reads it, or null when absent.
   *
   * @throws ApiException 400 {@code invalid_parameter} if malformed
   */
  public String atLeast(Map<String, List<String>> query) {
    String token = first(query, "at_least");
    if (token == null) {
      return null;
    }
    try {
      ViewPosition.parse(token);
    } catch (IllegalArgumentException e) {
      throw invalid(
          "at_least",
          token.length() > 32 ? token.substring(0, 32) + "…" : token,
          "a position partition:offset such as 0:1234 (the X-Runstream-Position of an answer)");
    }
    return token;
  }

  /**
   * A list request.
   *
   * @param status the status filter, upper-case, or null
   * @param limit how many runs at most
   */
  public record ListRequest(String status, int limit) {}

  /**
   * A usage request.
   *
   * @param dimension AGENT, MODEL or TENANT, or null for all
   * @param key the agent, model or tenant, or null for all (needs a dimension)
   * @param from start of the range
   * @param to end of the range
   */
  public record UsageRequest(String dimension, String key, Instant from, Instant to) {}

  /**
   * A workflow id: 1 to the bound's characters, letters, digits and {@code . _ : @ + -}, starting
   * with a letter or digit.
   *
   * @param raw the path parameter, decoded
   * @return the id
   */
  public String workflowId(String raw) {
    if (raw == null || raw.isEmpty()) {
      throw ApiException.badRequest(ApiException.INVALID_WORKFLOW_ID, "the workflow id is empty");
    }
    if (raw.length() > maxIdLength) {
      throw ApiException.badRequest(
          ApiException.INVALID_WORKFLOW_ID,
          "the workflow id is longer than " + maxIdLength + " characters");
    }
    if (!ID.matcher(raw).matches()) {
      throw ApiException.badRequest(
          ApiException.INVALID_WORKFLOW_ID,
          "a workflow id has letters, digits and . _ : @ + - only, starting with a letter or"
              + " digit: "
              + quote(raw));
    }
    return raw;
  }

  /**
   * The parameters of {@code GET /v1/workflows/{id}/events}.
   *
   * @param rawId the id path parameter
   * @param lastEventIdHeader the {@code Last-Event-ID} header, or null
   * @param query the query parameters
   * @return the request
   */
  public SseRequest sse(String rawId, String lastEventIdHeader, Map<String, List<String>> query) {
    String id = workflowId(rawId);
    String cursorText = lastEventIdHeader;
    String cursorName = "Last-Event-ID";
    if (cursorText == null || cursorText.isBlank()) {
      cursorText = first(query, "last_event_id");
      cursorName = "last_event_id";
    }
    OptionalLong after = OptionalLong.empty();
    if (cursorText != null && cursorText.length() > maxLastEventIdLength) {
      throw ApiException.badRequest(
          ApiException.INVALID_CURSOR,
          cursorName + " is longer than " + maxLastEventIdLength + " characters");
    }
    if (cursorText != null && !cursorText.isBlank()) {
      String trimmed = cursorText.trim();
      if (!CURSOR.matcher(trimmed).matches()) {
        throw ApiException.badRequest(
            ApiException.INVALID_CURSOR,
            cursorName
                + " must be the sequence number of the last event received (0 or more): "
                + quote(cursorText));
      }
      after = OptionalLong.of(Long.parseLong(trimmed));
    }
    String from = first(query, "from");
    boolean fromNow = false;
    boolean fromSnapshot = false;
    if (from == null || from.equals("beginning")) {
      fromNow = false;
    } else if (from.equals("now")) {
      fromNow = true;
    } else if (from.equals("snapshot")) {
      fromSnapshot = true;
    } else {
      throw invalid("from", from, "beginning, now or snapshot");
    }
    return new SseRequest(id, after, fromNow, bool(query, "children"), fromSnapshot);
  }

  /**
   * The parameters of {@code GET /v1/workflows}.
   *
   * @param query the query parameters
   * @return the request
   */
  public ListRequest list(Map<String, List<String>> query) {
    String status = first(query, "status");
    if (status != null) {
      status = status.toUpperCase(Locale.ROOT);
      if (!STATUSES.contains(status)) {
        throw invalid("status", first(query, "status"), "RUNNING, FINISHED, FAILED or CANCELLED");
      }
    }
    int limit = DEFAULT_LIMIT;
    String limitText = first(query, "limit");
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText);
      } catch (NumberFormatException e) {
        throw invalid("limit", limitText, "an integer from 1 to " + MAX_LIMIT);
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw invalid("limit", limitText, "an integer from 1 to " + MAX_LIMIT);
      }
    }
    return new ListRequest(status, limit);
  }

  /**
   * The parameters of {@code GET /v1/usage}: the range defaults to the last 24 hours up to now.
   *
   * @param query the query parameters
   * @param now the current time
   * @return the request
   */
  public UsageRequest usage(Map<String, List<String>> query, Instant now) {
    String dimension = first(query, "dimension");
    if (dimension != null) {
      dimension = dimension.toUpperCase(Locale.ROOT);
      if (!DIMENSIONS.contains(dimension)) {
        throw invalid("dimension", first(query, "dimension"), "AGENT, MODEL or TENANT");
      }
    }
    String key = first(query, "key");
    if (key != null) {
      if (dimension == null) {
        throw invalid("key", key, "used with a dimension (AGENT, MODEL or TENANT)");
      }
      if (key.isBlank() || key.length() > maxIdLength || key.chars().anyMatch(c -> c < ' ')) {
        throw invalid("key", key, "1 to " + maxIdLength + " printable characters");
      }
    }
    Instant to = instant(query, "to", now);
    Instant from = instant(query, "from", to.minus(Duration.ofDays(1)));
    if (from.isAfter(to)) {
      throw invalid("from", from.toString(), "at or before to (" + to + ")");
    }
    if (Duration.between(from, to).compareTo(MAX_USAGE_RANGE) > 0) {
      throw invalid(
          "from", from.toString(), "at most " + MAX_USAGE_RANGE.toDays() + " days before to");
    }
    return new UsageRequest(dimension, key, from, to);
  }

  private static Instant instant(Map<String, List<String>> query, String name, Instant fallback) {
    String text = first(query, name);
    if (text == null) {
      return fallback;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw invalid(name, text, "an ISO-8601 instant such as 2026-01-01T10:00:00Z");
    }
  }

  private static boolean bool(Map<String, List<String>> query, String name) {
    String text = first(query, name);
    if (text == null || text.equals("false")) {
      return false;
    }
    if (text.equals("true") || text.isEmpty()) {
      return true;
    }
    throw invalid(name, text, "true or false");
  }

  private static String first(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static ApiException invalid(String name, String value, String allowed) {
    return ApiException.badRequest(
        ApiException.INVALID_PARAMETER, name + " must be " + allowed + ", got " + quote(value));
  }

  private static String quote(String value) {
    String shown = value.length() > 80 ? value.substring(0, 80) + "…" : value;
    StringBuilder out = new StringBuilder("\"");
    shown
        .codePoints()
        .forEach(
            c -> {
              if (c < ' ' || c == 0x7f) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.append('"').toString();
  }
}
