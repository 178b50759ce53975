/**
 * Implementation of the workflow topology: the materializing processor and its state layout, serdes
 * of internal topics, the exception handlers, metrics, and the interactive-query HTTP server. Not
 * an API: only {@code dev.runstream.topology} is.
 */
package dev.runstream.topology.internal;
