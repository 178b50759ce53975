package dev.runstream.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.cluster.LocalClusterConfig;
import dev.runstream.cluster.LocalClusterException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApicurioRegistryTest {

  @TempDir Path tempDir;

  @Test
  void shouldFindLegacyRunnerJarWhenBuildHasUnpackedTheRegistry() {
    Optional<Path> home = LocalClusterConfig.fromEnvironment().registryHome();

    Path jar = ApicurioRegistry.findRunnerJar(home);

    assertThat(jar.getFileName().toString()).matches("apicurio-registry-app-.*-runner\\.jar");
    assertThat(jar.resolveSibling("lib")).isDirectory();
  }

  @Test
  void shouldFindFastJarWhenLayoutIsQuarkusApp() throws Exception {
    Path jar =
        Files.createFile(
            Files.createDirectories(tempDir.resolve("quarkus-app")).resolve("quarkus-run.jar"));

    assertThat(ApicurioRegistry.findRunnerJar(Optional.of(tempDir))).isEqualTo(jar);
  }

  @Test
  void shouldFailClearlyWhenDirectoryHasNoRunner() {
    assertThatThrownBy(() -> ApicurioRegistry.findRunnerJar(Optional.of(tempDir)))
        .isInstanceOf(LocalClusterException.class)
        .hasMessageContaining("No Quarkus runner")
        .hasMessageContaining(tempDir.toString());
  }

  @Test
  void shouldFailClearlyWhenHomeIsUnknown() {
    assertThatThrownBy(() -> ApicurioRegistry.findRunnerJar(Optional.empty()))
        .isInstanceOf(LocalClusterException.class)
        .hasMessageContaining("registry.home");
  }
}
