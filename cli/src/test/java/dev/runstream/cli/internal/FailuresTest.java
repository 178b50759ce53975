package dev.runstream.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.client.UnknownWorkflowException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class FailuresTest {
  @Test
  void shouldMapAnUnknownWorkflowToExitCodeThreeWhenWrapped() {
    CliException failure =
        Failures.classify(
            new CompletionException(new UnknownWorkflowException("wf-9", "nothing in 10 s")));
    assertThat(failure.exitCode()).isEqualTo(ExitCodes.UNKNOWN_WORKFLOW);
    assertThat(failure.getMessage()).isEqualTo("unknown workflow wf-9: nothing in 10 s");
  }

  @Test
  void shouldMapUnreachableServicesToExitCodeFour() {
    assertThat(
            Failures.classify(
                    new dev.runstream.client.BrokerUnavailableException("no metadata", null))
                .exitCode())
        .isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(
            Failures.classify(new IllegalStateException("x", new ConnectException("refused")))
                .exitCode())
        .isEqualTo(ExitCodes.UNREACHABLE);
  }

  @Test
  void shouldMapConfigurationErrorsToUsageAndEverythingElseToFailure() {
    assertThat(Failures.classify(new ConfigException("k", "v", "bad")).exitCode())
        .isEqualTo(ExitCodes.USAGE);
    CliException other = Failures.classify(new IllegalStateException("first\nsecond"));
    assertThat(other.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(other.getMessage()).isEqualTo("first");
  }
}
