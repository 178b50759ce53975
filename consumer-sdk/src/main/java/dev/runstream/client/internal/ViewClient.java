package dev.runstream.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runstream.client.ViewPosition;
import dev.runstream.schemas.QueryServiceToken;
import dev.runstream.schemas.RunError;
import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.ToolResult;
import dev.runstream.schemas.Usage;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.config.types.Password;

/**
 * Client of the topology's interactive-query service: {@code GET {url}/workflows/{id}}, JSON with
 * the Avro field names of {@code WorkflowRun} (snake_case, unions unwrapped, timestamps as ISO-8601
 * strings, {@code cost_usd} as a decimal string, enums as strings), 404 for an unknown id.
 *
 * <p>Several base URLs are tried in order until one answers 200 or 404. Anything else — refused
 * connection, timeout, 5xx, unparseable body — makes the view {@link Lookup.Unavailable}.
 */
public final class ViewClient {
  /** The answer of one lookup. */
  public sealed interface Lookup {
    /** The view knows the workflow. */
    record Found(ViewSnapshot snapshot) implements Lookup {}

    /** The view answered that it does not know the workflow (404). */
    record NotFound() implements Lookup {}

    /** No instance answered usefully. */
    record Unavailable(String reason) implements Lookup {}

    /** A read-your-event lookup: the view did not reach the position in the server's wait. */
    record NotFresh(String reason) implements Lookup {}
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The query service's header naming the position an answer reflects. */
  public static final String POSITION_HEADER = "X-Runstream-Position";

  /**
   * The longest a read-your-event query may wait on the server ({@code
   * topology.query.freshness.max.wait.ms} is at most this), added to the request timeout.
   */
  static final Duration MAX_FRESHNESS_WAIT = Duration.ofSeconds(30);

  private final List<String> baseUrls;
  private final Duration timeout;
  private final HttpClient http;
  private final String authorization;

  public ViewClient(List<String> baseUrls, Duration timeout, Executor executor) {
    this(baseUrls, timeout, executor, null);
  }

  /** As above, sending {@code token} (when not {@code null}) as the query service's bearer. */
  public ViewClient(List<String> baseUrls, Duration timeout, Executor executor, Password token) {
    this.authorization = token == null ? null : QueryServiceToken.authorization(token);
    this.baseUrls = List.copyOf(baseUrls);
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .executor(executor)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** Whether any URL is configured. */
  public boolean isEnabled() {
    return !baseUrls.isEmpty();
  }

  /** Looks {@code workflowId} up, trying each URL in turn. Never completes exceptionally. */
  public CompletableFuture<Lookup> lookup(String workflowId) {
    return lookup(workflowId, null);
  }

  /**
   * Looks {@code workflowId} up; {@code rootHint}, when known, lets the service route a child
   * workflow's query straight to the instance that owns its tree ({@code ?root=}).
   */
  public CompletableFuture<Lookup> lookup(String workflowId, String rootHint) {
    return query(
        "/workflows/"
            + encode(workflowId)
            + (rootHint == null || rootHint.equals(workflowId) ? "" : "?root=" + encode(rootHint)),
        timeout);
  }

  /**
   * A read-your-event lookup: the view as of at least {@code atLeast} ({@code ?at_least=}); the
   * server waits for its store up to its bound, so the request may take that much longer.
   */
  public CompletableFuture<Lookup> lookupAtLeast(String workflowId, ViewPosition atLeast) {
    return query(
        "/workflows/" + encode(workflowId) + "?at_least=" + encode(atLeast.toString()),
        timeout.plus(MAX_FRESHNESS_WAIT));
  }

  private CompletableFuture<Lookup> query(String path, Duration requestTimeout) {
    if (baseUrls.isEmpty()) {
      return CompletableFuture.completedFuture(new Lookup.Unavailable("the view is disabled"));
    }
    return lookup(path, 0, null, requestTimeout);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private CompletableFuture<Lookup> lookup(
      String path, int index, String previous, Duration requestTimeout) {
    if (index >= baseUrls.size()) {
      return CompletableFuture.completedFuture(new Lookup.Unavailable(previous));
    }
    String url = baseUrls.get(index) + path;
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(requestTimeout)
            .header("Accept", "application/json")
            .GET();
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    HttpRequest request = builder.build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .handle(
            (response, error) -> {
              if (error != null) {
                return (Lookup) new Lookup.Unavailable(url + ": " + rootCause(error));
              }
              return interpret(
                  url,
                  response.statusCode(),
                  response.body(),
                  response.headers().firstValue(POSITION_HEADER).orElse(null));
            })
        .thenCompose(
            lookup ->
                lookup instanceof Lookup.Unavailable u
                    ? lookup(path, index + 1, u.reason(), requestTimeout)
                    : CompletableFuture.completedFuture(lookup));
  }

  private static Lookup interpret(String url, int status, byte[] body, String position) {
    if (status == 404) {
      return new Lookup.NotFound();
    }
    if (status == 503) {
      try {
        JsonNode error = JSON.readTree(body);
        if (error != null && "not_fresh".equals(error.path("reason").asText())) {
          return new Lookup.NotFresh(error.path("error").asText("the view is not fresh enough"));
        }
      } catch (IOException | RuntimeException e) {
        // not JSON: unavailable
      }
    }
    if (status == 400) {
      return new Lookup.Unavailable(url + " refused the request (HTTP 400)");
    }
    if (status != 200) {
      return new Lookup.Unavailable(url + " answered HTTP " + status);
    }
    try {
      ViewSnapshot snapshot = parse(JSON.readTree(body));
      if (position != null) {
        try {
          ViewPosition p = ViewPosition.parse(position);
          snapshot = snapshot.withPosition(p.partition(), p.offset());
        } catch (IllegalArgumentException e) {
          // an unreadable position is no position
        }
      }
      return new Lookup.Found(snapshot);
    } catch (IOException | RuntimeException e) {
      return new Lookup.Unavailable(url + " answered a body that is not a workflow view: " + e);
    }
  }

  private static String rootCause(Throwable error) {
    Throwable t = error;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  /** Parses the JSON of a {@code WorkflowRun}; tolerant of missing and unknown fields. */
  public static ViewSnapshot parse(JsonNode n) {
    String workflowId = text(n, "workflow_id");
    if (workflowId == null) {
      throw new IllegalArgumentException("no workflow_id");
    }
    String root = text(n, "root_workflow_id");
    String statusText = text(n, "status");
    RunStatus status =
        statusText == null
            ? RunStatus.RUNNING
            : RunStatus.valueOf(statusText.toUpperCase(Locale.ROOT));
    List<ToolResult> tools = new ArrayList<>();
    for (JsonNode t : iterable(n.get("tool_results"))) {
      tools.add(
          ToolResult.newBuilder()
              .setCallId(orEmpty(text(t, "call_id")))
              .setToolName(orEmpty(text(t, "tool_name")))
              .setArguments(text(t, "arguments"))
              .setOutput(text(t, "output"))
              .build());
    }
    JsonNode e = n.get("error");
    RunError error =
        e == null || e.isNull()
            ? null
            : RunError.newBuilder()
                .setMessage(orEmpty(text(e, "message")))
                .setErrorType(orEmpty(text(e, "error_type")))
                .setRetryable(e.path("retryable").asBoolean(false))
                .setStepKey(text(e, "step_key"))
                .build();
    return new ViewSnapshot(
        workflowId,
        root == null ? workflowId : root,
        status,
        instant(n.get("started_at")),
        n.path("last_sequence").asLong(-1),
        orEmpty(text(n, "text")),
        text(n, "output"),
        n.path("total_steps").asInt(0),
        usage(n.get("usage")),
        tools,
        error,
        n.path("first_event_partition").asInt(-1),
        n.path("first_event_offset").asLong(-1),
        -1,
        -1);
  }

  static Usage usage(JsonNode u) {
    if (u == null || u.isNull()) {
      return zeroUsage();
    }
    JsonNode cost = u.get("cost_usd");
    BigDecimal costUsd =
        cost == null || cost.isNull()
            ? BigDecimal.ZERO
            : cost.isNumber() ? cost.decimalValue() : new BigDecimal(cost.asText());
    return Usage.newBuilder()
        .setInputTokens(u.path("input_tokens").asLong(0))
        .setOutputTokens(u.path("output_tokens").asLong(0))
        .setTotalTokens(u.path("total_tokens").asLong(0))
        .setCostUsd(costUsd.setScale(Math.max(12, costUsd.scale())))
        .build();
  }

  /** Usage of nothing: zero tokens, zero cost at scale 12. */
  public static Usage zeroUsage() {
    return Usage.newBuilder()
        .setInputTokens(0)
        .setOutputTokens(0)
        .setTotalTokens(0)
        .setCostUsd(BigDecimal.ZERO.setScale(12))
        .build();
  }

  private static Instant instant(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isNumber()) {
      return Instant.ofEpochMilli(node.asLong());
    }
    try {
      return Instant.parse(node.asText());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static Iterable<JsonNode> iterable(JsonNode array) {
    return array == null || !array.isArray() ? List.of() : array;
  }
}
