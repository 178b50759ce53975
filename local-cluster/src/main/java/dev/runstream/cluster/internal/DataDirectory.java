package dev.runstream.cluster.internal;

import dev.runstream.cluster.LocalClusterException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;

/**
 * The cluster's data directory: {@value #CONF}/ for generated configs, {@value #KAFKA}/ for broker
 * storage, {@value #REGISTRY}/ for the registry database and {@value #LOGS}/ for child output.
 */
public final class DataDirectory {

  static final String CONF = "conf";
  static final String KAFKA = "kafka";
  static final String REGISTRY = "registry";
  static final String LOGS = "logs";

  private final Path path;
  private final boolean createdByUs;

  private DataDirectory(Path path, boolean createdByUs) {
    this.path = path;
    this.createdByUs = createdByUs;
  }

  /**
   * Opens the configured directory, creating it if missing, or a new temporary directory.
   *
   * @param configured the configured directory, or empty for a temporary one
   * @return the directory
   */
  public static DataDirectory open(Optional<Path> configured) {
    try {
      if (configured.isEmpty()) {
        return new DataDirectory(Files.createTempDirectory("runstream-cluster-"), true);
      }
      Path dir = configured.get().toAbsolutePath().normalize();
      boolean existed = Files.exists(dir);
      Files.createDirectories(dir);
      return new DataDirectory(dir, !existed);
    } catch (IOException e) {
      throw new LocalClusterException("Cannot create the data directory " + configured, e);
    }
  }

  /**
   * The directory.
   *
   * @return an absolute path
   */
  public Path path() {
    return path;
  }

  /**
   * Deletes what the cluster wrote: the whole directory if the cluster created it, otherwise only
   * its own subdirectories, so that a data.dir pointing at a directory with other content never
   * loses that content.
   */
  public void wipe() {
    List<Path> targets =
        createdByUs
            ? List.of(path)
            : List.of(
                path.resolve(CONF),
                path.resolve(KAFKA),
                path.resolve(REGISTRY),
                path.resolve(LOGS));
    for (Path target : targets) {
      deleteTree(target);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
              }
              throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.deleteIfExists(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new LocalClusterException("Cannot delete " + root, e);
    }
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
