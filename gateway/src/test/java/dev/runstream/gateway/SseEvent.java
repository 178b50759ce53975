package dev.runstream.gateway;

/**
 * One Server-Sent Event as a client sees it.
 *
 * @param id the {@code id:} field, or null
 * @param name the {@code event:} field
 * @param data the {@code data:} lines joined with newlines
 */
record SseEvent(String id, String name, String data) {}
