package dev.runstream.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.runstream.schemas.RunstreamArchitecture;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  @Test
  void shouldKeepTheModuleLayoutWhenCompiled() {
    JavaClasses classes = RunstreamArchitecture.importProject();

    assertThat(classes.containPackage("dev.runstream.client")).as("this module's classes").isTrue();
    assertThat(RunstreamArchitecture.violations(classes)).isEmpty();
  }
}
