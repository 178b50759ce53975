package dev.runstream.cli.internal;

import dev.runstream.schemas.AgentError;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AgentFinish;
import dev.runstream.schemas.AgentStart;
import dev.runstream.schemas.Cancellation;
import dev.runstream.schemas.StepFinish;
import dev.runstream.schemas.StepStart;
import dev.runstream.schemas.TextDelta;
import dev.runstream.schemas.ToolCall;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Prints agent events the way Polos' streaming example does: one line per lifecycle event, text
 * deltas inline as they stream, sub-agents indented under their parent.
 *
 * <pre>
 * 🚀 Agent started
 * ⏳ Running step: llm_1
 * Let me look that up.
 * 🔧 Calling tool: search_web
 * ✓ Completed step: llm_1
 * ⏳ Running step: search_web_1
 * ✓ Completed step: search_web_1
 * ✅ Agent finished - Tokens: 1247
 * </pre>
 *
 * <p>Errors print as {@code ❌ Agent failed: <message> (<error type>)}.
 *
 * <p>Attempt-aware: a terminal cannot take back text it printed, so when a step is retried (a
 * {@code step_start} with a higher {@code attempt}) the printer says so on a line of its own —
 * {@code ↻ Retrying step: llm_2 (attempt 2; the text above from its earlier attempt is superseded)}
 * — and then prints the new attempt's text; deltas of an attempt that is already superseded are not
 * printed.
 *
 * <p>Not thread-safe: feed it from one thread, in stream order.
 */
public final class EventPrinter {
  private final PrintStream out;
  private final Map<String, Integer> depths = new HashMap<>();

  /** The current attempt of each step, keyed by workflow id and step key. */
  private final Map<String, Integer> attempts = new HashMap<>();

  private boolean midLine;

  /**
   * A printer writing to {@code out}.
   *
   * @param out where lines go; flushed after every event
   */
  public EventPrinter(PrintStream out) {
    this.out = out;
  }

  /**
   * Prints one event.
   *
   * @param event the event
   */
  public void print(AgentEvent event) {
    String indent = "  ".repeat(depthOf(event));
    boolean child = event.getParentWorkflowId() != null;
    Object payload = event.getPayload();
    if (payload instanceof AgentStart) {
      line(indent, child ? "🚀 Sub-agent started: " + event.getAgentId() : "🚀 Agent started");
    } else if (payload instanceof StepStart start) {
      Integer before = attempts.put(stepId(event, start.getStepKey()), event.getAttempt());
      if (event.getAttempt() > 1) {
        line(
            indent,
            "↻ Retrying step: "
                + start.getStepKey()
                + " (attempt "
                + event.getAttempt()
                + (before == null
                    ? ")"
                    : "; the text above from its earlier attempt is superseded)"));
      } else {
        line(indent, "⏳ Running step: " + start.getStepKey());
      }
    } else if (payload instanceof TextDelta delta) {
      Integer current = attempts.get(stepId(event, delta.getStepKey()));
      if (current == null || event.getAttempt() >= current) {
        text(indent, delta.getContent());
      }
    } else if (payload instanceof ToolCall call) {
      line(indent, "🔧 Calling tool: " + call.getToolName());
    } else if (payload instanceof StepFinish finish) {
      line(indent, "✓ Completed step: " + finish.getStepKey());
    } else if (payload instanceof AgentFinish finish) {
      String tokens = "Tokens: " + finish.getUsage().getTotalTokens();
      line(
          indent,
          child
              ? "✅ Sub-agent finished: " + event.getAgentId() + " - " + tokens
              : "✅ Agent finished - " + tokens);
    } else if (payload instanceof AgentError error && error.getCancellation() != null) {
      Cancellation c = error.getCancellation();
      line(
          indent,
          (child ? "⏹ Sub-agent cancelled: " + event.getAgentId() : "⏹ Agent cancelled")
              + (c.getReason() != null ? ": " + c.getReason() : "")
              + (c.getRequestedBy() != null ? " (by " + c.getRequestedBy() + ")" : ""));
    } else if (payload instanceof AgentError error) {
      line(
          indent,
          (child ? "❌ Sub-agent failed: " + event.getAgentId() + ": " : "❌ Agent failed: ")
              + error.getMessage()
              + " ("
              + error.getErrorType()
              + ")");
    }
    out.flush();
  }

  /** Ends a line of streamed text, if one is open. */
  public void finish() {
    if (midLine) {
      out.println();
      midLine = false;
    }
    out.flush();
  }

  private static String stepId(AgentEvent event, String stepKey) {
    return event.getWorkflowId() + "\u0000" + stepKey;
  }

  private int depthOf(AgentEvent event) {
    String id = event.getWorkflowId();
    Integer known = depths.get(id);
    if (known != null) {
      return known;
    }
    String parent = event.getParentWorkflowId();
    int depth = parent == null ? 0 : depths.getOrDefault(parent, 0) + 1;
    depths.put(id, depth);
    return depth;
  }

  private void line(String indent, String text) {
    if (midLine) {
      out.println();
      midLine = false;
    }
    out.print(indent);
    out.println(text);
  }

  private void text(String indent, String content) {
    if (content.isEmpty()) {
      return;
    }
    if (!midLine) {
      out.print(indent);
    }
    String body = content;
    boolean endsLine = body.endsWith("\n");
    if (endsLine) {
      body = body.substring(0, body.length() - 1);
    }
    out.print(indent.isEmpty() ? body : body.replace("\n", "\n" + indent));
    if (endsLine) {
      out.println();
    }
    midLine = !endsLine;
  }
}
