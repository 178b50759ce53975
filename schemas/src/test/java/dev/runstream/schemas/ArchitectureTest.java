package dev.runstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  @Test
  void shouldKeepTheModuleLayoutWhenCompiled() {
    JavaClasses classes = RunstreamArchitecture.importProject();

    assertThat(classes.containPackage("dev.runstream.schemas"))
        .as("this module's classes")
        .isTrue();
    assertThat(RunstreamArchitecture.violations(classes)).isEmpty();
  }
}
