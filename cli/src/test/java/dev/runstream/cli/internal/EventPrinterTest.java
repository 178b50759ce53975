package dev.runstream.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.StepType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventPrinterTest {

  private static String print(List<AgentEvent> events) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    EventPrinter printer = new EventPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    events.forEach(printer::print);
    printer.finish();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void shouldPrintPolosLinesWithTextInlineWhenARunSucceeds() {
    TestEvents run = TestEvents.root("wf", "research-agent");
    String printed =
        print(
            List.of(
                run.start(),
                run.step("llm_1", StepType.LLM),
                run.text("llm_1", "Let me "),
                run.text("llm_1", "search."),
                run.tool("llm_1", "search_web"),
                run.stepFinish("llm_1"),
                run.step("search_web_1", StepType.TOOL),
                run.stepFinish("search_web_1"),
                run.step("generate_summary", StepType.LLM),
                run.text("generate_summary", "Based on recent research, AI agents are..."),
                run.stepFinish("generate_summary"),
                run.finish(1247)));
    assertThat(printed)
        .isEqualTo(
            String.join(
                "\n",
                "🚀 Agent started",
                "⏳ Running step: llm_1",
                "Let me search.",
                "🔧 Calling tool: search_web",
                "✓ Completed step: llm_1",
                "⏳ Running step: search_web_1",
                "✓ Completed step: search_web_1",
                "⏳ Running step: generate_summary",
                "Based on recent research, AI agents are...",
                "✓ Completed step: generate_summary",
                "✅ Agent finished - Tokens: 1247",
                ""));
  }

  @Test
  void shouldAnnounceTheRetryAndSkipSupersededDeltasWhenAStepIsRetried() {
    TestEvents run = TestEvents.root("wf", "research-agent");
    String printed =
        print(
            List.of(
                run.start(),
                run.step("llm_1", StepType.LLM),
                run.text("llm_1", "First try"),
                TestEvents.attempt(2, run.step("llm_1", StepType.LLM)),
                run.text("llm_1", " late delta of attempt 1"),
                TestEvents.attempt(2, run.text("llm_1", "Second try.")),
                TestEvents.attempt(2, run.stepFinish("llm_1")),
                run.finish(10)));
    assertThat(printed)
        .isEqualTo(
            String.join(
                "\n",
                "🚀 Agent started",
                "⏳ Running step: llm_1",
                "First try",
                "↻ Retrying step: llm_1 (attempt 2; the text above from its earlier attempt is"
                    + " superseded)",
                "Second try.",
                "✓ Completed step: llm_1",
                "✅ Agent finished - Tokens: 10",
                ""));
  }

  @Test
  void shouldIndentSubAgentsUnderTheirParentWhenChildrenAreIncluded() {
    TestEvents run = TestEvents.root("wf", "coding-agent");
    TestEvents sub = run.child("wf-child", "fact-checker");
    String printed =
        print(
            List.of(
                run.start(),
                run.step("delegate_1", StepType.TOOL),
                sub.start(),
                sub.step("llm_1", StepType.LLM),
                sub.text("llm_1", "Checked.\nAll good."),
                sub.stepFinish("llm_1"),
                sub.finish(10),
                run.stepFinish("delegate_1"),
                run.finish(30)));
    assertThat(printed)
        .isEqualTo(
            String.join(
                "\n",
                "🚀 Agent started",
                "⏳ Running step: delegate_1",
                "  🚀 Sub-agent started: fact-checker",
                "  ⏳ Running step: llm_1",
                "  Checked.",
                "  All good.",
                "  ✓ Completed step: llm_1",
                "  ✅ Sub-agent finished: fact-checker - Tokens: 10",
                "✓ Completed step: delegate_1",
                "✅ Agent finished - Tokens: 30",
                ""));
  }

  @Test
  void shouldPrintACrossAndTheMessageWhenTheRunFails() {
    TestEvents run = TestEvents.root("wf", "support-agent");
    String printed =
        print(
            List.of(
                run.start(),
                run.step("llm_1", StepType.LLM),
                run.text("llm_1", "Half a sent"),
                run.error("rate limit exceeded", "rate_limit")));
    assertThat(printed).endsWith("Half a sent\n❌ Agent failed: rate limit exceeded (rate_limit)\n");
  }

  @Test
  void shouldPrintAStopSignWithTheReasonWhenTheRunIsCancelled() {
    TestEvents run = TestEvents.root("wf", "support-agent");
    String printed =
        print(
            List.of(
                run.start(),
                run.step("llm_1", StepType.LLM),
                run.text("llm_1", "Half"),
                run.cancelled("user pressed stop", "alice")));
    assertThat(printed).endsWith("Half\n⏹ Agent cancelled: user pressed stop (by alice)\n");
  }

  @Test
  void shouldEndAnOpenTextLineWhenFinished() {
    TestEvents run = TestEvents.root("wf", "a");
    assertThat(print(List.of(run.text("llm_1", "partial")))).isEqualTo("partial\n");
  }
}
