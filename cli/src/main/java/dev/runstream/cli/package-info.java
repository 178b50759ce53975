/**
 * The {@code runstream} command line: {@link dev.runstream.cli.RunstreamCli} is the entry point of
 * every command ({@code demo}, {@code up}, {@code tail}, {@code replay}, {@code runs}, {@code
 * usage}, {@code worker}); {@link dev.runstream.cli.CliConfig} is its configuration. The
 * implementation lives in {@code dev.runstream.cli.internal}.
 */
package dev.runstream.cli;
