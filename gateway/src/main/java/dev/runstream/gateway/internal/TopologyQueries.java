package dev.runstream.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runstream.schemas.QueryServiceToken;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.config.types.Password;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client of the topology's interactive-query HTTP service ({@code GET /workflows/{id}}, {@code GET
 * /workflows}, {@code GET /usage}, {@code GET /health}). The configured URLs are tried in order;
 * one that does not answer (refused, timeout) is skipped. Answers are translated to the gateway's
 * contract: 200 bodies pass through, 404 and 400 become {@link ApiException}s with the topology's
 * message, and no answer or a 5xx (rebalancing, restoring) becomes 503 {@code
 * topology_unavailable}.
 */
public final class TopologyQueries {
  private static final Logger LOG = LoggerFactory.getLogger(TopologyQueries.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<URI> baseUrls;
  private final Duration timeout;
  private final String authorization;
  private final HttpClient http;

  /**
   * A client of {@code baseUrls}.
   *
   * @param baseUrls the query service's instances, tried in order, without trailing slashes
   * @param timeout bound of one request, connecting included
   */
  public TopologyQueries(List<URI> baseUrls, Duration timeout) {
    this(baseUrls, timeout, null);
  }

  /** As above, sending {@code token} (when not {@code null}) as the query service's bearer. */
  public TopologyQueries(List<URI> baseUrls, Duration timeout, Password token) {
    this.authorization = token == null ? null : QueryServiceToken.authorization(token);
    this.baseUrls = List.copyOf(baseUrls);
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * The materialized run, as the topology's JSON.
   *
   * @throws ApiException {@link ApiException#unknownWorkflow} if the topology does not know it
   */
  public byte[] run(String workflowId) {
    return run(workflowId, null);
  }

  /**
   * The materialized run at least as fresh as {@code atLeast} ({@code partition:offset}), when not
   * null: the topology waits for its store up to its bound (at most {@link #MAX_FRESHNESS_WAIT}).
   *
   * @throws ApiException {@link ApiException#unknownWorkflow} if the topology does not know it, 503
   *     {@link ApiException#VIEW_NOT_FRESH} if the view did not catch up in time
   */
  public byte[] run(String workflowId, String atLeast) {
    try {
      return get(
          "/workflows/"
              + encode(workflowId)
              + (atLeast == null ? "" : "?at_least=" + encode(atLeast)),
          "workflow " + workflowId,
          atLeast == null ? timeout : timeout.plus(MAX_FRESHNESS_WAIT));
    } catch (ApiException e) {
      throw e.status() == 404 ? ApiException.unknownWorkflow(workflowId) : e;
    }
  }

  /** Upper bound of the topology's {@code topology.query.freshness.max.wait.ms}. */
  static final Duration MAX_FRESHNESS_WAIT = Duration.ofSeconds(30);

  /** Runs without text and steps: {@code {"workflows": [...], "count": n}}. */
  public byte[] list(RequestParams.ListRequest request) {
    return get(
        "/workflows?limit="
            + request.limit()
            + (request.status() == null ? "" : "&status=" + request.status()),
        "runs");
  }

  /** Usage windows: {@code {"aggregates": [...], "count": n}}. */
  public byte[] usage(RequestParams.UsageRequest request) {
    StringBuilder path =
        new StringBuilder("/usage?from=")
            .append(request.from())
            .append("&to=")
            .append(request.to());
    if (request.dimension() != null) {
      path.append("&dimension=").append(request.dimension());
    }
    if (request.key() != null) {
      path.append("&key=").append(encode(request.key()));
    }
    return get(path.toString(), "usage");
  }

  /**
   * Whether some instance answers {@code /health} with 200 (running, not rebalancing).
   *
   * @return the reachable instance's health JSON, or null when none is healthy
   */
  public String health() {
    for (URI base : baseUrls) {
      try {
        HttpResponse<String> r =
            http.send(request(base, "/health"), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return r.body();
        }
      } catch (IOException e) {
        LOG.debug("topology at {} unreachable: {}", base, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  private byte[] get(String pathAndQuery, String what) {
    return get(pathAndQuery, what, timeout);
  }

  private byte[] get(String pathAndQuery, String what, Duration requestTimeout) {
    String lastProblem = "no query URL configured";
    for (URI base : baseUrls) {
      HttpResponse<byte[]> r;
      try {
        r =
            http.send(
                request(base, pathAndQuery, requestTimeout),
                HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        lastProblem = base + " did not answer: " + e;
        LOG.debug("topology query {} failed at {}", pathAndQuery, base, e);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ApiException.unavailable(ApiException.TOPOLOGY_UNAVAILABLE, "interrupted");
      }
      int status = r.statusCode();
      if (status == 200) {
        return r.body();
      }
      String message = message(r.body(), status);
      if (status == 503 && "not_fresh".equals(field(r.body(), "reason"))) {
        throw ApiException.unavailable(ApiException.VIEW_NOT_FRESH, message);
      }
      if (status == 404) {
        throw ApiException.notFound("no " + what + ": " + message);
      }
      if (status == 401) {
        // A configuration problem of the gateway, not of the caller's request.
        lastProblem = base + " refused the gateway's query.token";
        continue;
      }
      if (status >= 400 && status < 500) {
        throw ApiException.badRequest(ApiException.INVALID_PARAMETER, message);
      }
      lastProblem = base + " answered " + status + ": " + message;
    }
    throw ApiException.unavailable(
        ApiException.TOPOLOGY_UNAVAILABLE,
        "the topology's query service cannot answer for " + what + " (" + lastProblem + ")");
  }

  private HttpRequest request(URI base, String pathAndQuery) {
    return request(base, pathAndQuery, timeout);
  }

  private HttpRequest request(URI base, String pathAndQuery, Duration requestTimeout) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery))
            .timeout(requestTimeout)
            .header("Accept", "application/json")
            .GET();
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return builder.build();
  }

  private static String field(byte[] body, String name) {
    try {
      JsonNode node = JSON.readTree(body);
      return node == null ? null : node.path(name).asText(null);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String message(byte[] body, int status) {
    try {
      JsonNode node = JSON.readTree(body);
      if (node != null && node.hasNonNull("error")) {
        return node.get("error").asText();
      }
    } catch (IOException | RuntimeException e) {
      // not JSON: fall through
    }
    return "HTTP " + status;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
