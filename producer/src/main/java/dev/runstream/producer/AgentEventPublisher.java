package dev.runstream.producer;

import dev.runstream.producer.internal.KafkaAgentEventPublisher;
import java.time.Duration;

/**
 * Publishes the lifecycle and delta events of agent runs to Kafka: what agent workers call from
 * their agent loop.
 *
 * <pre>{@code
 * try (AgentEventPublisher publisher = AgentEventPublisher.create(PublisherConfig.fromEnvironment())) {
 *   AgentRun run = publisher.startRun("weather-agent", "Weather in Tokyo?");  // agent_start
 *   RunStep llm = run.startStep("llm_call_1", StepType.LLM);                 // step_start
 *   llm.textDelta("Let me check. ");                                          // text_delta
 *   llm.toolCall("call_1", "get_weather", "{\"city\":\"Tokyo\"}");            // tool_call
 *   llm.finish(null, "gpt-4o-mini", TokenUsage.of(412, 38));                  // step_finish
 *   RunStep tool = run.startToolStep("get_weather_1", "call_1");             // step_start (TOOL)
 *   tool.finish("{\"temp_c\":18}");                                           // step_finish
 *   run.finish("It is 18 °C in Tokyo.");                                      // agent_finish
 * }                                                                           // flushes
 * }</pre>
 *
 * <h2>What it guarantees</h2>
 *
 * <ul>
 *   <li><b>Valid streams only.</b> Each run is a state machine; a call that would make its event
 *       stream invalid throws {@link InvalidTransitionException} before anything is sent (see
 *       {@link AgentRun} for the rules).
 *   <li><b>Order and numbering.</b> Every event of a workflow tree has the root workflow id as its
 *       record key (default partitioner), so the tree sits on one partition in publishing order.
 *       Each workflow numbers its events from 0 without gaps; the event id is a fresh UUID. Only
 *       events the Kafka client accepted consume a sequence number.
 *   <li><b>Delivery.</b> An idempotent producer with {@code acks=all}. Publishing is asynchronous:
 *       every publishing method returns the event's {@link java.util.concurrent.CompletableFuture},
 *       completed on the Kafka client's I/O thread when the broker acknowledges it (do not block in
 *       dependent stages). The record headers of {@link dev.runstream.schemas.EventHeaders} are set
 *       on every record.
 *   <li><b>Bounded waits, nothing dropped silently.</b> A publishing method blocks at most {@code
 *       max.block.ms} (buffer full: {@link BackpressureException}; no metadata: {@link
 *       BrokerUnavailableException}), and then nothing was sent and the state is unchanged. An
 *       accepted event that is not acknowledged within {@code delivery.timeout.ms} fails its future
 *       ({@link BrokerUnavailableException}), aborts its run ({@link RunAbortedException} from
 *       every later call on it) and is reported again by the next {@link #flush()}.
 * </ul>
 *
 * <p>Thread-safe: runs may be driven from any threads, and one run from several (its calls are
 * serialized). One publisher per process is enough; it holds one Kafka producer.
 */
public interface AgentEventPublisher extends AutoCloseable {

  /**
   * Creates a publisher: registers the {@code AgentEvent} schema with the registry (the only
   * registry call it ever makes) and fetches the topic's metadata from the broker, so that a wrong
   * address fails here.
   *
   * @param config the configuration
   * @return the publisher; close it
   * @throws RegistryUnavailableException if the registry cannot be reached (after the registry
   *     client's bounded retries)
   * @throws BrokerUnavailableException if the topic's metadata cannot be fetched within {@code
   *     max.block.ms}: the broker is down or the topic does not exist
   * @throws FatalPublishException if the registry refuses the schema
   */
  static AgentEventPublisher create(PublisherConfig config) {
    return KafkaAgentEventPublisher.create(config);
  }

  /**
   * Starts a top-level run: publishes its {@code agent_start} (sequence 0). Its workflow id is a
   * new UUID and is also its root workflow id.
   *
   * @param agentId the agent's id
   * @param input the run's input, or {@code null}
   * @return the run
   * @throws BackpressureException if the buffer stayed full for {@code max.block.ms}
   * @throws BrokerUnavailableException if the broker cannot be reached within {@code max.block.ms}
   * @throws PublisherClosedException if the publisher is closed
   */
  default AgentRun startRun(String agentId, String input) {
    return startRun(RunOptions.of(agentId, input));
  }

  /**
   * Starts a top-level run with full options (configuration, tenant, trace context, workflow id).
   *
   * @param options the options
   * @return the run
   * @throws BackpressureException if the buffer stayed full for {@code max.block.ms}
   * @throws BrokerUnavailableException if the broker cannot be reached within {@code max.block.ms}
   * @throws PublisherClosedException if the publisher is closed
   */
  AgentRun startRun(RunOptions options);

  /**
   * Sends pending coalesced text deltas and blocks until every event accepted before the call is
   * acknowledged or failed (bounded by {@code delivery.timeout.ms}).
   *
   * @throws PublishException if events accepted since the previous {@code flush()} failed: the
   *     first failure (the class says whether it was retriable), with the number of failed events
   *     in the message
   */
  void flush();

  /**
   * The configuration.
   *
   * @return the configuration
   */
  PublisherConfig config();

  /**
   * Counters since creation.
   *
   * @return a snapshot
   */
  PublisherStats stats();

  /**
   * Flushes (as {@link #flush()}) and closes the Kafka producer. Runs still open get no further
   * events; their number is logged. Idempotent.
   *
   * @throws PublishException like {@link #flush()} when events failed since the last flush; the
   *     publisher is closed all the same
   */
  @Override
  void close();

  /**
   * Like {@link #close()}, waiting at most {@code timeout} for outstanding events; events still not
   * acknowledged then fail.
   *
   * @param timeout the longest wait
   */
  void close(Duration timeout);
}
