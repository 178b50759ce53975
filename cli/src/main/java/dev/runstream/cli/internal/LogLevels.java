package dev.runstream.cli.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line's logging. Commands report what matters themselves, on one line; library logging
 * (Kafka clients retrying an unreachable broker, Kafka Streams, the registry client) stays silent
 * unless {@code --verbose}, which shows it at WARN (runstream at INFO) with stack traces.
 */
public final class LogLevels {
  /** Where the command line's logback configuration lives on the classpath. */
  public static final String CONFIG_RESOURCE = "dev/runstream/cli/internal/cli-logback.xml";

  private LogLevels() {}

  /**
   * Points logback at the command line's configuration, unless {@code logback.configurationFile} is
   * set. Call before the first logger is created.
   */
  public static void useCliConfiguration() {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", CONFIG_RESOURCE);
    }
  }

  /**
   * With {@code verbose}, turns library logging on (WARN, runstream INFO) with stack traces, on
   * stderr. Without, leaves the configuration as it is.
   *
   * @param verbose whether {@code --verbose} was given
   */
  public static void configure(boolean verbose) {
    if (!verbose) {
      return;
    }
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return;
    }
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    context.getLogger("dev.runstream").setLevel(Level.INFO);
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n");
    encoder.start();
    ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName("VERBOSE");
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
  }
}
