package dev.runstream.producer.internal;

import dev.runstream.producer.AgentRun;
import dev.runstream.producer.PublishedEvent;
import dev.runstream.producer.RunStep;
import dev.runstream.producer.TokenUsage;
import dev.runstream.schemas.StepType;
import java.util.concurrent.CompletableFuture;

/** A step handle; every call goes through its run's state machine and lock. */
final class Step implements RunStep {
  final Run run;
  final String key;
  final StepType type;
  final String toolCallId;
  final long startNanos;
  final int attempt;
  volatile boolean finished;
  volatile boolean superseded;

  Step(Run run, String key, StepType type, String toolCallId, long startNanos, int attempt) {
    this.run = run;
    this.key = key;
    this.type = type;
    this.toolCallId = toolCallId;
    this.startNanos = startNanos;
    this.attempt = attempt;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public RunStep retry() {
    return run.retryStep(this);
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public StepType type() {
    return type;
  }

  @Override
  public AgentRun run() {
    return run;
  }

  @Override
  public boolean isOpen() {
    return !finished && !superseded && run.isActive();
  }

  @Override
  public CompletableFuture<PublishedEvent> textDelta(String content) {
    return run.textDelta(this, content);
  }

  @Override
  public CompletableFuture<PublishedEvent> toolCall(
      String callId, String toolName, String argumentsJson) {
    return run.toolCall(this, callId, toolName, argumentsJson);
  }

  @Override
  public CompletableFuture<PublishedEvent> finish(String output) {
    return run.finishStep(this, output, null, null);
  }

  @Override
  public CompletableFuture<PublishedEvent> finish(String output, String model, TokenUsage usage) {
    return run.finishStep(this, output, model, java.util.Objects.requireNonNull(usage, "usage"));
  }

  @Override
  public CompletableFuture<PublishedEvent> fail(
      String errorType, String message, boolean retryable) {
    return run.fail(errorType, message, retryable, this);
  }

  @Override
  public String toString() {
    return "RunStep{"
        + key
        + " "
        + type
        + " attempt "
        + attempt
        + (finished ? " finished" : "")
        + (superseded ? " superseded" : "")
        + " of "
        + run
        + "}";
  }
}
