package dev.runstream.cluster.internal;

/** Logback configurations written for child JVMs. */
final class LogbackConfig {

  private LogbackConfig() {}

  /** Everything at WARN to standard output, which the parent redirects into the child's log. */
  static String warnToConsole() {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- Written by runstream LocalCluster. -->
        <configuration>
          <statusListener class="ch.qos.logback.core.status.NopStatusListener"/>
          <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
            <encoder>
              <pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern>
            </encoder>
          </appender>
          <root level="WARN">
            <appender-ref ref="CONSOLE"/>
          </root>
        </configuration>
        """;
  }
}
