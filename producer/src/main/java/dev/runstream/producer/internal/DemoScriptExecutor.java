package dev.runstream.producer.internal;

import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.RunOptions;
import dev.runstream.producer.RunStep;
import dev.runstream.producer.TokenUsage;
import dev.runstream.producer.internal.DemoScript.Action;
import dev.runstream.producer.internal.DemoScript.CallTool;
import dev.runstream.producer.internal.DemoScript.Fail;
import dev.runstream.producer.internal.DemoScript.Finish;
import dev.runstream.producer.internal.DemoScript.FinishStep;
import dev.runstream.producer.internal.DemoScript.RetryStep;
import dev.runstream.producer.internal.DemoScript.RunChild;
import dev.runstream.producer.internal.DemoScript.StartLlmStep;
import dev.runstream.producer.internal.DemoScript.StartToolStep;
import dev.runstream.producer.internal.DemoScript.Token;
import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.StepType;
import java.util.concurrent.locks.LockSupport;

/**
 * Plays a {@link DemoScript} through an {@link AgentEventPublisher}, pacing its tokens. A run whose
 * cancellation is requested stops before its next action and ends as cancelled.
 */
public final class DemoScriptExecutor {
  private final long nanosPerToken;
  private long nextTokenAt;

  /**
   * Creates an executor for one run (and its children).
   *
   * @param tokensPerSecond how fast LLM steps stream; 0 or less streams as fast as possible
   */
  public DemoScriptExecutor(double tokensPerSecond) {
    this.nanosPerToken = tokensPerSecond > 0 ? (long) (1_000_000_000L / tokensPerSecond) : 0;
  }

  /** The outcome of a played run. */
  public record Outcome(AgentRun run, String output) {}

  /**
   * Plays a script as a top-level run.
   *
   * @param script the script
   * @param publisher the publisher
   * @return the run and its output (or error message)
   */
  public Outcome play(DemoScript script, AgentEventPublisher publisher) {
    return play(script, publisher, null);
  }

  private Outcome play(DemoScript script, AgentEventPublisher publisher, AgentRun parent) {
    RunOptions options =
        RunOptions.newBuilder()
            .agentId(script.agentId())
            .input(script.input())
            .config(script.config())
            .build();
    AgentRun run = parent == null ? publisher.startRun(options) : parent.startChildRun(options);
    RunStep step = null;
    String childResult = null;
    nextTokenAt = System.nanoTime();
    for (Action action : script.actions()) {
      if (run.isCancelRequested()) {
        // A cancel request stops the agent loop at the next action; the open step and child
        // runs end with the run's cancelled error event.
        String reason = run.cancellation().join().reason();
        run.cancel(null);
        return new Outcome(run, "cancelled" + (reason == null ? "" : ": " + reason));
      }
      if (action instanceof StartLlmStep start) {
        step = run.startStep(start.stepKey(), StepType.LLM);
      } else if (action instanceof StartToolStep start) {
        step = run.startToolStep(start.stepKey(), start.callId());
      } else if (action instanceof Token token) {
        pace();
        step.textDelta(token.text());
      } else if (action instanceof RetryStep) {
        step = step.retry();
      } else if (action instanceof CallTool call) {
        step.toolCall(call.callId(), call.toolName(), call.argumentsJson());
      } else if (action instanceof RunChild child) {
        Outcome outcome = play(child.child(), publisher, run);
        childResult =
            outcome.run().status() == RunStatus.FINISHED
                ? "{\"agent\":"
                    + DemoScriptGenerator.json(child.child().agentId())
                    + ",\"answer\":"
                    + DemoScriptGenerator.json(outcome.output())
                    + "}"
                : "{\"agent\":"
                    + DemoScriptGenerator.json(child.child().agentId())
                    + ",\"error\":"
                    + DemoScriptGenerator.json(outcome.output())
                    + "}";
      } else if (action instanceof FinishStep finish) {
        String output = finish.output() != null ? finish.output() : childResult;
        if (finish.model() != null) {
          step.finish(
              output, finish.model(), TokenUsage.of(finish.inputTokens(), finish.outputTokens()));
        } else {
          step.finish(output);
        }
        step = null;
        childResult = null;
      } else if (action instanceof Fail fail) {
        if (step != null) {
          step.fail(fail.errorType(), fail.message(), fail.retryable());
        } else {
          run.fail(fail.errorType(), fail.message(), fail.retryable());
        }
        return new Outcome(run, fail.errorType() + ": " + fail.message());
      } else if (action instanceof Finish finish) {
        run.finish(finish.output());
        return new Outcome(run, finish.output());
      }
    }
    throw new IllegalStateException("script of " + script.agentId() + " has no terminal action");
  }

  private void pace() {
    if (nanosPerToken == 0) {
      return;
    }
    nextTokenAt += nanosPerToken;
    long wait = nextTokenAt - System.nanoTime();
    if (wait > 0) {
      LockSupport.parkNanos(wait);
    }
  }
}
