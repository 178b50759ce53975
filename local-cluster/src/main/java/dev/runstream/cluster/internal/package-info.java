/**
 * Implementation of the local cluster: child JVM handling, broker and registry processes, port
 * allocation, topic creation. Not an API; use {@link dev.runstream.cluster} instead.
 */
package dev.runstream.cluster.internal;
