/**
 * Implementation of the {@code runstream} command line: the picocli commands, the Polos-style event
 * printer, tables, the progress bar, the query service client and the demo's orchestration. Not
 * API; only {@link dev.runstream.cli} is.
 */
package dev.runstream.cli.internal;
