package dev.runstream.schemas.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The build's schema compatibility gate. Every released version of each top-level schema is kept
 * under version control as {@code <released dir>/<full name>/v<N>.avsc}. Each version must be
 * BACKWARD compatible (its readers read data of the previous one) and FORWARD compatible (readers
 * of the previous one read its data) with the version before it, which together is Confluent's FULL
 * compatibility: producers and consumers can be upgraded in any order.
 */
public final class CompatibilityGate {
  private static final Pattern VERSION_FILE = Pattern.compile("v(\\d+)\\.avsc");

  private final Path releasedDirectory;

  public CompatibilityGate(Path releasedDirectory) {
    this.releasedDirectory = releasedDirectory;
  }

  /** A released version of a schema. */
  public record Released(int version, Path file, Schema schema) {}

  /**
   * Problems that make {@code next} unfit to follow {@code previous}; empty when it is BACKWARD and
   * FORWARD compatible.
   */
  public static List<String> incompatibilities(Schema previous, Schema next) {
    List<String> problems = new ArrayList<>();
    SchemaPairCompatibility backward =
        SchemaCompatibility.checkReaderWriterCompatibility(next, previous);
    if (backward.getType() != SchemaCompatibilityType.COMPATIBLE) {
      problems.add(
          "not BACKWARD compatible (new readers cannot read old data): " + describe(backward));
    }
    SchemaPairCompatibility forward =
        SchemaCompatibility.checkReaderWriterCompatibility(previous, next);
    if (forward.getType() != SchemaCompatibilityType.COMPATIBLE) {
      problems.add(
          "not FORWARD compatible (old readers cannot read new data): " + describe(forward));
    }
    return problems;
  }

  /** The released versions of {@code fullName}, oldest first. */
  public List<Released> history(String fullName) {
    Path dir = releasedDirectory.resolve(fullName);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<Released> versions = new ArrayList<>();
      for (Path file : (Iterable<Path>) files::iterator) {
        Matcher m = VERSION_FILE.matcher(file.getFileName().toString());
        if (m.matches()) {
          versions.add(
              new Released(
                  Integer.parseInt(m.group(1)), file, new Schema.Parser().parse(file.toFile())));
        }
      }
      versions.sort(Comparator.comparingInt(Released::version));
      return versions;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read released schemas in " + dir, e);
    }
  }

  /**
   * Checks the whole history of {@code current}'s schema and {@code current} itself against the
   * newest release. Returns the problems found; an unreleased but compatible change is one too, so
   * that every version that reaches users is recorded.
   */
  public List<String> check(Schema current) {
    List<String> problems = new ArrayList<>();
    List<Released> history = history(current.getFullName());
    if (history.isEmpty()) {
      problems.add(current.getFullName() + " has no released version in " + releasedDirectory);
      return problems;
    }
    for (int i = 0; i < history.size(); i++) {
      Released version = history.get(i);
      if (version.version() != i + 1) {
        problems.add(
            current.getFullName()
                + ": versions must be numbered v1, v2, … without holes; found "
                + version.file());
      }
      if (i > 0) {
        for (String p : incompatibilities(history.get(i - 1).schema(), version.schema())) {
          problems.add(current.getFullName() + " v" + version.version() + " " + p);
        }
      }
    }
    Released latest = history.get(history.size() - 1);
    List<String> fromLatest = incompatibilities(latest.schema(), current);
    for (String p : fromLatest) {
      problems.add(
          current.getFullName() + " (current) vs released v" + latest.version() + ": " + p);
    }
    if (fromLatest.isEmpty() && !latest.schema().equals(current)) {
      problems.add(
          current.getFullName()
              + " changed compatibly since v"
              + latest.version()
              + " but the change is not released: record it as "
              + nextVersionFile(current)
              + " (run the schemas tests with -Drunstream.schemas.release=true)");
    }
    return problems;
  }

  /** Where the next version of {@code schema} would be written. */
  public Path nextVersionFile(Schema schema) {
    return releasedDirectory
        .resolve(schema.getFullName())
        .resolve("v" + (history(schema.getFullName()).size() + 1) + ".avsc");
  }

  /** Writes {@code current} as the next released version if it differs from the newest one. */
  public Path release(Schema current) {
    List<Released> history = history(current.getFullName());
    if (!history.isEmpty() && history.get(history.size() - 1).schema().equals(current)) {
      return history.get(history.size() - 1).file();
    }
    Path file = nextVersionFile(current);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, current.toString(true) + System.lineSeparator());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  private static String describe(SchemaPairCompatibility result) {
    StringBuilder text = new StringBuilder();
    for (SchemaCompatibility.Incompatibility incompatibility :
        result.getResult().getIncompatibilities()) {
      if (text.length() > 0) {
        text.append("; ");
      }
      text.append(incompatibility.getType())
          .append(" at ")
          .append(incompatibility.getLocation())
          .append(": ")
          .append(incompatibility.getMessage());
    }
    return text.toString();
  }
}
