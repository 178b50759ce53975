package dev.runstream.gateway.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.runstream.schemas.AgentError;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AgentFinish;
import dev.runstream.schemas.AgentStart;
import dev.runstream.schemas.Cancellation;
import dev.runstream.schemas.EventType;
import dev.runstream.schemas.StepFinish;
import dev.runstream.schemas.StepStart;
import dev.runstream.schemas.TextDelta;
import dev.runstream.schemas.ToolCall;
import dev.runstream.schemas.ToolResult;
import dev.runstream.schemas.Usage;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON of an {@link AgentEvent} in the gateway's API (the {@code data:} of an SSE event). Field
 * by field, not by reflection over the Avro schema, so the API stays stable when the schema
 * evolves:
 *
 * <pre>{@code
 * {"event_type":"text_delta","event_id":"…","workflow_id":"…","root_workflow_id":"…",
 *  "parent_workflow_id":null,"agent_id":"…","tenant_id":null,"sequence":5,"attempt":1,
 *  "timestamp":"2026-01-01T10:00:00.123Z","data":{"step_key":"llm_1","content":"Hel"}}
 * }</pre>
 *
 * <p>{@code attempt} is the attempt of the event's step (1 outside steps): a {@code step_start}
 * with a higher attempt retries the step, and the text its earlier attempts streamed is superseded
 * (the README's "Attempt-aware retries").
 *
 * <p>Field names are snake_case as in the Avro schemas and the topology's query API; timestamps are
 * ISO-8601 instants; {@code cost_usd} is a decimal string, so no precision is lost; JSON-text
 * fields ({@code arguments}, {@code output}) stay strings. {@code data} holds the payload of the
 * event type, as Polos' {@code event.data}. {@code traceparent} and {@code tracestate} are present
 * when set.
 */
public final class EventJson {
  private static final JsonFactory JSON = new JsonFactory();

  private EventJson() {}

  /**
   * The event as a one-line JSON object.
   *
   * @param event the event
   * @return its JSON text
   */
  public static String toJson(AgentEvent event) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      write(g, event);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void write(JsonGenerator g, AgentEvent e) throws IOException {
    g.writeStartObject();
    g.writeStringField("event_type", EventType.of(e).wireName());
    g.writeStringField("event_id", str(e.getEventId()));
    g.writeStringField("workflow_id", str(e.getWorkflowId()));
    g.writeStringField("root_workflow_id", str(e.getRootWorkflowId()));
    g.writeStringField("parent_workflow_id", str(e.getParentWorkflowId()));
    g.writeStringField("agent_id", str(e.getAgentId()));
    g.writeStringField("tenant_id", str(e.getTenantId()));
    g.writeNumberField("sequence", e.getSequence());
    g.writeNumberField("attempt", e.getAttempt());
    g.writeStringField("timestamp", e.getTimestamp() == null ? null : e.getTimestamp().toString());
    if (e.getTraceparent() != null) {
      g.writeStringField("traceparent", e.getTraceparent().toString());
    }
    if (e.getTracestate() != null) {
      g.writeStringField("tracestate", e.getTracestate().toString());
    }
    g.writeFieldName("data");
    writePayload(g, e.getPayload());
    g.writeEndObject();
  }

  private static void writePayload(JsonGenerator g, Object payload) throws IOException {
    g.writeStartObject();
    if (payload instanceof AgentStart p) {
      g.writeStringField("input", str(p.getInput()));
      g.writeObjectFieldStart("config");
      Map<String, String> config = new TreeMap<>();
      if (p.getConfig() != null) {
        config.putAll(p.getConfig());
      }
      for (Map.Entry<String, String> entry : config.entrySet()) {
        g.writeStringField(entry.getKey(), entry.getValue());
      }
      g.writeEndObject();
    } else if (payload instanceof StepStart p) {
      g.writeStringField("step_key", str(p.getStepKey()));
      g.writeStringField("step_type", p.getStepType() == null ? null : p.getStepType().name());
      g.writeStringField("tool_call_id", str(p.getToolCallId()));
    } else if (payload instanceof TextDelta p) {
      g.writeStringField("step_key", str(p.getStepKey()));
      g.writeStringField("content", str(p.getContent()));
    } else if (payload instanceof ToolCall p) {
      g.writeStringField("step_key", str(p.getStepKey()));
      g.writeStringField("call_id", str(p.getCallId()));
      g.writeStringField("tool_name", str(p.getToolName()));
      g.writeStringField("arguments", str(p.getArguments()));
    } else if (payload instanceof StepFinish p) {
      g.writeStringField("step_key", str(p.getStepKey()));
      g.writeStringField("output", str(p.getOutput()));
      g.writeNumberField("duration_ms", p.getDurationMs());
      g.writeStringField("model", str(p.getModel()));
      g.writeFieldName("usage");
      writeUsage(g, p.getUsage());
    } else if (payload instanceof AgentFinish p) {
      g.writeStringField("output", str(p.getOutput()));
      g.writeNumberField("total_steps", p.getTotalSteps());
      g.writeFieldName("usage");
      writeUsage(g, p.getUsage());
      g.writeArrayFieldStart("tool_results");
      if (p.getToolResults() != null) {
        for (ToolResult r : p.getToolResults()) {
          g.writeStartObject();
          g.writeStringField("call_id", str(r.getCallId()));
          g.writeStringField("tool_name", str(r.getToolName()));
          g.writeStringField("arguments", str(r.getArguments()));
          g.writeStringField("output", str(r.getOutput()));
          g.writeEndObject();
        }
      }
      g.writeEndArray();
    } else if (payload instanceof AgentError p) {
      g.writeStringField("message", str(p.getMessage()));
      g.writeStringField("error_type", str(p.getErrorType()));
      g.writeBooleanField("retryable", p.getRetryable());
      g.writeStringField("step_key", str(p.getStepKey()));
      if (p.getCancellation() != null) {
        Cancellation c = p.getCancellation();
        g.writeObjectFieldStart("cancellation");
        g.writeStringField("reason", str(c.getReason()));
        g.writeStringField("requested_by", str(c.getRequestedBy()));
        g.writeStringField("source", str(c.getSource()));
        g.writeStringField("request_id", str(c.getRequestId()));
        g.writeEndObject();
      }
    }
    g.writeEndObject();
  }

  private static void writeUsage(JsonGenerator g, Usage usage) throws IOException {
    if (usage == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    g.writeNumberField("input_tokens", usage.getInputTokens());
    g.writeNumberField("output_tokens", usage.getOutputTokens());
    g.writeNumberField("total_tokens", usage.getTotalTokens());
    BigDecimal cost = usage.getCostUsd();
    g.writeStringField("cost_usd", cost == null ? null : cost.toPlainString());
    g.writeEndObject();
  }

  private static String str(CharSequence s) {
    return s == null ? null : s.toString();
  }
}
