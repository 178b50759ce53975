/**
 * Implementation of the consumer SDK: the shared per-partition readers, the catch-up readers with
 * the replay index and the time search, the per-subscriber ordering and buffers, and the query
 * service client. Not an API; {@code dev.runstream.client} is.
 */
package dev.runstream.client.internal;
