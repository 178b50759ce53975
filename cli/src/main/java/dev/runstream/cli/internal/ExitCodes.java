package dev.runstream.cli.internal;

/**
 * The process exit codes of every command; {@link dev.runstream.cli.RunstreamCli} documents them.
 */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;

  /** A runtime failure. */
  public static final int FAILURE = 1;

  /** A usage error: unknown command or option, bad value, bad configuration. */
  public static final int USAGE = 2;

  /** The workflow is unknown: no event of it within the start timeout. */
  public static final int UNKNOWN_WORKFLOW = 3;

  /** The broker, the schema registry or the query service could not be reached. */
  public static final int UNREACHABLE = 4;

  /** Interrupted by Ctrl-C while a one-shot command was running (128 + SIGINT). */
  public static final int INTERRUPTED = 130;

  private ExitCodes() {}
}
