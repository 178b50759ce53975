/** Implementation of the gateway; not part of the API, may change without notice. */
package dev.runstream.gateway.internal;
