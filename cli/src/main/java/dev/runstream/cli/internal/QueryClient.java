package dev.runstream.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runstream.cli.CliConfig;
import dev.runstream.schemas.QueryServiceToken;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.common.config.types.Password;

/**
 * Reads the topology's interactive-query HTTP API ({@code GET /workflows/{id}}, {@code GET
 * /workflows}, {@code GET /usage}) with short timeouts. A refused or timed-out connection is a
 * {@link CliException} with exit code {@value ExitCodes#UNREACHABLE}; a {@code 503} (the topology
 * is rebalancing or restoring) is retried until the timeout.
 */
public final class QueryClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final Duration timeout;
  private final HttpClient http;
  private final String authorization;

  /**
   * A client of the query service at {@code baseUrl}.
   *
   * @param baseUrl for example {@code http://127.0.0.1:8090}, without a trailing slash
   * @param timeout bound of connecting and of each request, and of retrying 503 answers
   */
  public QueryClient(String baseUrl, Duration timeout) {
    this(baseUrl, timeout, null);
  }

  /**
   * A client of the query service of {@code config}, with its token.
   *
   * @param config the CLI configuration
   */
  public QueryClient(CliConfig config) {
    this(config.queryUrl(), config.connectTimeout(), config.queryToken());
  }

  private QueryClient(String baseUrl, Duration timeout, Password token) {
    this.baseUrl = baseUrl;
    this.timeout = timeout;
    this.authorization = token == null ? null : QueryServiceToken.authorization(token);
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /**
   * The materialized view of one workflow.
   *
   * @param workflowId the workflow
   * @return the {@code WorkflowRun} JSON, or empty if the topology does not know it
   * @throws CliException if the service is unreachable or fails
   */
  public Optional<JsonNode> workflow(String workflowId) {
    return get("/workflows/" + encode(workflowId));
  }

  /**
   * The list of runs.
   *
   * @param status {@code RUNNING}, {@code FINISHED}, {@code FAILED} or {@code null} for all
   * @param limit the most runs
   * @return the answer, {@code {"workflows": [...], "count": n}}
   * @throws CliException if the service is unreachable or fails
   */
  public JsonNode runs(String status, int limit) {
    String query = "/workflows?limit=" + limit + (status == null ? "" : "&status=" + status);
    return get(query).orElseThrow(() -> failure("GET " + query + " answered 404"));
  }

  /**
   * Usage aggregates.
   *
   * @param dimension {@code AGENT}, {@code MODEL}, {@code TENANT} or {@code null} for all
   * @param key a dimension value, or {@code null}
   * @param from ISO-8601 start, or {@code null} for the service's default (24 h before {@code to})
   * @param to ISO-8601 end, or {@code null} for now
   * @return the answer, {@code {"aggregates": [...], "count": n}}
   * @throws CliException if the service is unreachable or fails
   */
  public JsonNode usage(String dimension, String key, String from, String to) {
    StringBuilder query = new StringBuilder("/usage");
    char sep = '?';
    for (String[] param :
        new String[][] {{"dimension", dimension}, {"key", key}, {"from", from}, {"to", to}}) {
      if (param[1] != null) {
        query.append(sep).append(param[0]).append('=').append(encode(param[1]));
        sep = '&';
      }
    }
    return get(query.toString()).orElseThrow(() -> failure("GET " + query + " answered 404"));
  }

  /**
   * Whether the service answers {@code GET /health} with 200 now.
   *
   * @return {@code true} if healthy
   */
  public boolean healthy() {
    try {
      HttpResponse<String> response = send("/health");
      return response.statusCode() == 200;
    } catch (IOException | RuntimeException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private Optional<JsonNode> get(String pathAndQuery) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      HttpResponse<String> response;
      try {
        response = send(pathAndQuery);
      } catch (ConnectException | HttpConnectTimeoutException e) {
        throw new CliException(
            ExitCodes.UNREACHABLE,
            "the topology query service at " + baseUrl + " is unreachable (" + e + ")",
            e);
      } catch (HttpTimeoutException e) {
        throw new CliException(
            ExitCodes.UNREACHABLE,
            "the topology query service at " + baseUrl + " did not answer within " + timeout,
            e);
      } catch (IOException e) {
        throw new CliException(
            ExitCodes.UNREACHABLE, "the topology query service at " + baseUrl + " failed: " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException(ExitCodes.INTERRUPTED, "interrupted", e);
      }
      int status = response.statusCode();
      if (status == 200) {
        try {
          return Optional.of(JSON.readTree(response.body()));
        } catch (IOException e) {
          throw failure("GET " + pathAndQuery + " answered invalid JSON: " + e.getMessage());
        }
      }
      if (status == 404 && pathAndQuery.startsWith("/workflows/")) {
        return Optional.empty();
      }
      if (status == 503 && System.nanoTime() < deadline) {
        sleep(200);
        continue;
      }
      throw failure(
          "GET "
              + baseUrl
              + pathAndQuery
              + " answered "
              + status
              + ": "
              + errorText(response.body()));
    }
  }

  private HttpResponse<String> send(String pathAndQuery) throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(timeout).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static String errorText(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      if (node.hasNonNull("message")) {
        return node.get("message").asText();
      }
      if (node.hasNonNull("error")) {
        return node.get("error").isTextual()
            ? node.get("error").asText()
            : node.get("error").toString();
      }
    } catch (IOException | RuntimeException e) {
      // not JSON: the body itself
    }
    return Failures.oneLine(body.isBlank() ? "(empty body)" : body);
  }

  private static CliException failure(String message) {
    return new CliException(ExitCodes.FAILURE, message);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.INTERRUPTED, "interrupted", e);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
