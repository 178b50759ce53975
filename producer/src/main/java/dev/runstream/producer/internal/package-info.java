/**
 * Implementation of the producer library: the Kafka-backed publisher, the per-workflow state
 * machine, the Avro encoder, text-delta coalescing and the simulated agent's generators. Not an
 * API; other modules must not use it.
 */
package dev.runstream.producer.internal;
