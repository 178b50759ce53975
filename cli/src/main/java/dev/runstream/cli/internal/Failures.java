package dev.runstream.cli.internal;

import dev.runstream.client.UnknownWorkflowException;
import dev.runstream.cluster.LocalClusterException;
import dev.runstream.producer.RegistryUnavailableException;
import dev.runstream.schemas.SchemaRegistryUnavailableException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.config.ConfigException;

/**
 * Turns any failure of a command into a {@link CliException}: the exit code that says what kind of
 * failure it was, and one line that says what happened.
 */
public final class Failures {
  private Failures() {}

  /**
   * Classifies {@code failure}, looking through its causes for the most telling one.
   *
   * @param failure what a command threw
   * @return the exit code and message to report
   */
  public static CliException classify(Throwable failure) {
    Throwable top = unwrap(failure);
    for (Throwable t = top; t != null; t = t.getCause()) {
      if (t instanceof CliException cli) {
        return cli;
      }
      if (t instanceof UnknownWorkflowException unknown) {
        return new CliException(ExitCodes.UNKNOWN_WORKFLOW, oneLine(unknown.getMessage()), unknown);
      }
      if (t instanceof ConfigException) {
        return new CliException(ExitCodes.USAGE, "invalid configuration: " + oneLine(t), t);
      }
      if (isUnreachable(t)) {
        return new CliException(ExitCodes.UNREACHABLE, unreachableMessage(top, t), top);
      }
    }
    if (top instanceof LocalClusterException) {
      return new CliException(
          ExitCodes.FAILURE, "the local cluster did not start: " + oneLine(top), top);
    }
    return new CliException(ExitCodes.FAILURE, oneLine(top), top);
  }

  private static boolean isUnreachable(Throwable t) {
    return t instanceof dev.runstream.client.BrokerUnavailableException
        || t instanceof dev.runstream.producer.BrokerUnavailableException
        || t instanceof RegistryUnavailableException
        || t instanceof dev.runstream.client.RegistryUnavailableException
        || t instanceof dev.runstream.client.ViewUnavailableException
        || t instanceof SchemaRegistryUnavailableException
        || t instanceof ConnectException
        || t instanceof HttpConnectTimeoutException
        || t instanceof UnresolvedAddressException;
  }

  private static String unreachableMessage(Throwable top, Throwable reason) {
    if (reason instanceof RegistryUnavailableException
        || reason instanceof dev.runstream.client.RegistryUnavailableException
        || reason instanceof SchemaRegistryUnavailableException) {
      return "the schema registry is unreachable: " + oneLine(reason);
    }
    if (reason instanceof dev.runstream.client.BrokerUnavailableException
        || reason instanceof dev.runstream.producer.BrokerUnavailableException) {
      return "the Kafka cluster is unreachable: " + oneLine(reason);
    }
    return "unreachable: " + oneLine(top == reason ? reason : top);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /**
   * The throwable's message on one line (its class name when it has none).
   *
   * @param t the throwable
   * @return one line
   */
  public static String oneLine(Throwable t) {
    String message = t.getMessage();
    if (message == null || message.isBlank()) {
      message = t.getClass().getSimpleName();
    }
    return oneLine(message);
  }

  /**
   * The first line of {@code message}, trimmed.
   *
   * @param message any text
   * @return its first non-empty line
   */
  public static String oneLine(String message) {
    for (String line : message.split("\\R")) {
      if (!line.isBlank()) {
        return line.trim();
      }
    }
    return message.trim();
  }
}
