package dev.runstream.gateway.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.client.AccessDeniedException;
import dev.runstream.client.CancelOptions;
import dev.runstream.client.CancelReceipt;
import dev.runstream.client.RunstreamClient;
import dev.runstream.client.RunstreamClientException;
import dev.runstream.client.UnknownWorkflowException;
import dev.runstream.client.ViewUnavailableException;
import dev.runstream.client.WorkflowEndedException;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/workflows/{id}/cancel}: asks the run's worker to stop it, through the SDK's
 * {@link RunstreamClient#cancel}. Body (optional): {@code {"reason": "...", "requested_by":
 * "..."}}. Answers 202 with the receipt once the request is on the control topic; 404 for an
 * unknown workflow or another tenant's; 409 for one that has already ended; 400 for a bad body; 503
 * when the topology or the broker cannot answer.
 */
final class RunCancels {
  private static final Logger LOG = LoggerFactory.getLogger(RunCancels.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Code of a cancel request for a workflow that has already ended. */
  static final String WORKFLOW_ENDED = "workflow_ended";

  /** Code of a request that is not JSON. */
  static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";

  /** Code of a malformed request body. */
  static final String INVALID_BODY = "invalid_body";

  private final RunstreamClient client;
  private final TopologyQueries topology;
  private final RequestParams params;
  private final TenantScope scope;
  private final String tenant;
  private final Duration timeout;

  RunCancels(
      RunstreamClient client,
      TopologyQueries topology,
      RequestParams params,
      TenantScope scope,
      String tenant,
      Duration timeout) {
    this.client = client;
    this.topology = topology;
    this.params = params;
    this.scope = scope;
    this.tenant = tenant;
    this.timeout = timeout;
  }

  void handle(Context ctx) throws IOException {
    String id = params.workflowId(ctx.pathParam("id"));
    // Only JSON: a cross-origin page cannot send it without a CORS preflight, so it cannot make a
    // browser cancel runs behind the user's back (a form or a "simple" request is refused).
    String type = ctx.contentType();
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new ApiException(
          415, UNSUPPORTED_MEDIA_TYPE, "send the cancel request as Content-Type: application/json");
    }
    JsonNode run = JSON.readTree(scope.run(id, topology.run(id)));
    String status = run.path("status").asText("RUNNING");
    if (!status.equals("RUNNING")) {
      throw ended(id, status);
    }
    JsonNode body = body(ctx);
    CancelOptions options;
    try {
      String requestedBy = text(body, "requested_by");
      options =
          CancelOptions.newBuilder()
              .reason(text(body, "reason"))
              .requestedBy(
                  requestedBy != null ? requestedBy : tenant == null ? null : "tenant:" + tenant)
              .source("gateway")
              .rootWorkflowId(run.path("root_workflow_id").asText(null))
              .build();
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(INVALID_BODY, e.getMessage());
    }
    CancelReceipt receipt;
    try {
      receipt = client.cancel(id, options).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw translate(id, e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw ApiException.unavailable(
          ApiException.BROKER_UNAVAILABLE,
          "the cancel request of workflow " + id + " was not acknowledged within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable(ApiException.BROKER_UNAVAILABLE, "interrupted");
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("status", "cancel_requested");
    out.put("request_id", receipt.requestId());
    out.put("workflow_id", receipt.workflowId());
    out.put("root_workflow_id", receipt.rootWorkflowId());
    out.put("reason", receipt.reason());
    out.put("requested_by", receipt.requestedBy());
    out.put("source", receipt.source());
    out.put("requested_at", receipt.requestedAt().toString());
    out.put("topic", receipt.topic());
    out.put("partition", receipt.partition());
    out.put("offset", receipt.offset());
    ctx.status(202).contentType("application/json").result(out.toString());
  }

  private static JsonNode body(Context ctx) {
    String raw = ctx.body();
    if (raw == null || raw.isBlank()) {
      return JSON.createObjectNode();
    }
    JsonNode node;
    try {
      node = JSON.readTree(raw);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(
          INVALID_BODY, "the body is not JSON: " + e.getOriginalMessage());
    }
    if (!node.isObject()) {
      throw ApiException.badRequest(INVALID_BODY, "the body must be a JSON object");
    }
    return node;
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return value.asText();
  }

  private static ApiException ended(String id, String status) {
    return new ApiException(
        409,
        WORKFLOW_ENDED,
        "workflow " + id + " has already ended (" + status + "); nothing to cancel");
  }

  private static ApiException translate(String id, Throwable cause) {
    if (cause instanceof WorkflowEndedException e) {
      return ended(id, e.status().name());
    }
    if (cause instanceof UnknownWorkflowException) {
      return ApiException.unknownWorkflow(id);
    }
    if (cause instanceof ViewUnavailableException) {
      return ApiException.unavailable(ApiException.TOPOLOGY_UNAVAILABLE, cause.getMessage());
    }
    if (cause instanceof AccessDeniedException) {
      LOG.warn("cancel of workflow {} refused by the broker: {}", id, cause.getMessage());
      return new ApiException(500, ApiException.INTERNAL, cause.getMessage());
    }
    if (cause instanceof RunstreamClientException e && e.isRetriable()) {
      return ApiException.unavailable(ApiException.BROKER_UNAVAILABLE, cause.getMessage());
    }
    LOG.warn("cancel of workflow {} failed", id, cause);
    return new ApiException(500, ApiException.INTERNAL, String.valueOf(cause));
  }
}
