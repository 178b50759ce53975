/**
 * The runstream consumer SDK: read the events of AI agent runs — Polos' {@code stream.events},
 * {@code stream.text_chunks}, {@code stream.text()} and {@code stream.result()} — from Kafka, for
 * services, UIs and debugging tools.
 *
 * <h2>Start here</h2>
 *
 * <pre>{@code
 * try (RunstreamClient client = RunstreamClient.create(ClientConfig.fromEnvironment())) {
 *
 *   // Every event of a run, from its first, in order; ends after agent_finish or error.
 *   try (WorkflowStream stream = client.replay(workflowId)) {
 *     for (AgentEvent event : stream) {
 *       switch (EventType.of(event)) {
 *         case AGENT_START -> System.out.println("agent started");
 *         case TOOL_CALL -> System.out.println("calling " + ((ToolCall) event.getPayload()).getToolName());
 *         case TEXT_DELTA -> System.out.print(((TextDelta) event.getPayload()).getContent());
 *         case AGENT_FINISH -> System.out.println("\ndone");
 *         default -> {}
 *       }
 *     }
 *   }
 *
 *   // Live text, from now on.
 *   client.tail(workflowId).textChunks().forEach(System.out::print);
 *
 *   // A browser reconnecting with Last-Event-ID: 41.
 *   client.resume(workflowId, 41).subscribe(serverSentEventsSubscriber);
 *
 *   // The final text and the result (usage, exact cost, tool results).
 *   String text = client.text(workflowId).get(1, TimeUnit.MINUTES);
 *   RunResult result = client.result(workflowId).get(1, TimeUnit.MINUTES);
 * }
 * }</pre>
 *
 * <h2>The types</h2>
 *
 * <ul>
 *   <li>{@link dev.runstream.client.RunstreamClient}: one per application; opens streams, answers
 *       {@code text()} and {@code result()}.
 *   <li>{@link dev.runstream.client.WorkflowStream}: one run's events — a blocking {@code
 *       Iterable}, {@code java.util.stream.Stream}s of events or text chunks, a {@code
 *       Flow.Publisher}, or futures of the text and result.
 *   <li>{@link dev.runstream.client.StreamOptions}: per stream — children, buffer size, overflow
 *       and gap policies, timeouts, callbacks, hints.
 *   <li>{@link dev.runstream.client.ClientConfig}: per client, from defaults, environment, system
 *       properties and code.
 *   <li>{@link dev.runstream.client.RunResult}: a run's outcome.
 *   <li>{@link dev.runstream.client.RunstreamClientException}: the root of every failure, split
 *       into {@link dev.runstream.client.RetriableClientException} and {@link
 *       dev.runstream.client.FatalClientException}.
 * </ul>
 *
 * <p>The implementation ({@code dev.runstream.client.internal}) is not API.
 */
package dev.runstream.client;
