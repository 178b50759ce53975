/**
 * The runstream HTTP gateway: {@link dev.runstream.gateway.Gateway} serves agent runs as
 * Server-Sent Events (with {@code Last-Event-ID} resume), the materialized runs and usage, metrics,
 * health and the web UI; {@link dev.runstream.gateway.GatewayConfig} configures it. Everything else
 * is in {@code dev.runstream.gateway.internal}.
 */
package dev.runstream.gateway;
