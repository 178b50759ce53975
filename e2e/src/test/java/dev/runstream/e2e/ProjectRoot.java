package dev.runstream.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root, where docker-compose.yml and the Dockerfile are. */
final class ProjectRoot {
  /** System property the build sets to {@code ${maven.multiModuleProjectDirectory}}. */
  static final String PROPERTY = "runstream.project.root";

  private ProjectRoot() {}

  /**
   * The root: the system property, else the nearest ancestor of the working directory that has a
   * docker-compose.yml next to a pom.xml.
   *
   * @return the absolute root
   */
  static Path path() {
    String configured = System.getProperty(PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(ComposeFile.DEFAULT_FILE))
          && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "cannot find the repository root; set -D" + PROPERTY + "=<path of docker-compose.yml>");
  }
}
