/**
 * A real single-node Kafka broker (KRaft) and Apicurio schema registry as child JVMs, for tests,
 * the demo and benchmarks, without Docker.
 *
 * <ul>
 *   <li>{@link dev.runstream.cluster.LocalCluster} starts, stops and fault-injects the cluster;
 *   <li>{@link dev.runstream.cluster.LocalClusterConfig} holds its validated settings;
 *   <li>{@link dev.runstream.cluster.TopicSpec} names the runstream topics;
 *   <li>{@link dev.runstream.cluster.LocalClusterExtension} shares a cluster across JUnit 5 tests;
 *   <li>{@link dev.runstream.cluster.LocalClusterException} is the module's runtime exception.
 * </ul>
 *
 * <p>Everything under {@code dev.runstream.cluster.internal} is implementation and may change
 * without notice; code outside this module must not use it.
 */
package dev.runstream.cluster;
