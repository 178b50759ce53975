package dev.runstream.cluster.internal;

import dev.runstream.cluster.LocalClusterException;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apicurio Registry 3 (a Quarkus application) in a child JVM, storing its data in an H2 file
 * database under the data directory, so that a registry restart keeps registered schemas.
 *
 * <p>The build unpacks {@code apicurio-registry-app-<version>-all.zip}, a Quarkus "legacy jar"
 * layout: {@code apicurio-registry-app-<version>-runner.jar} whose manifest names the main class
 * ({@code io.quarkus.runner.GeneratedMain}) and lists every library under {@code lib/} in its
 * {@code Class-Path}. The JDK honours {@code Class-Path} for any jar on the classpath, so {@code
 * -cp <runner jar>:<guard> <Main-Class>} behaves like {@code java -jar <runner jar>}.
 */
public final class ApicurioRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(ApicurioRegistry.class);

  private static final String RUNNER_SUFFIX = "-runner.jar";

  private static final Duration CLEAN_SHUTDOWN_GRACE = Duration.ofSeconds(10);

  private final Path runnerJar;
  private final String mainClass;
  private final Path databaseDirectory;
  private final Path outputFile;
  private final int port;
  private final String heap;
  private final List<String> extraJvmOptions;
  private ChildJvm jvm;

  /**
   * Describes a registry; nothing is started yet.
   *
   * @param home the unpacked distribution, if one was configured or found
   * @param dataDirectory the cluster's data directory
   * @param port the HTTP port, already chosen
   * @param heap the maximum heap, as in {@code -Xmx}
   * @param extraJvmOptions options appended after the built-in ones
   * @throws LocalClusterException if no runner jar can be found
   */
  public ApicurioRegistry(
      Optional<Path> home,
      Path dataDirectory,
      int port,
      String heap,
      List<String> extraJvmOptions) {
    this.runnerJar = findRunnerJar(home);
    this.mainClass = mainClassOf(runnerJar);
    this.databaseDirectory = dataDirectory.resolve(DataDirectory.REGISTRY);
    this.outputFile = dataDirectory.resolve(DataDirectory.LOGS).resolve("registry.log");
    this.port = port;
    this.heap = heap;
    this.extraJvmOptions = List.copyOf(extraJvmOptions);
  }

  /**
   * Finds the Quarkus runner jar: a {@code *-runner.jar} directly in {@code home} (legacy-jar
   * layout, what Apicurio 3.0 ships), else {@code quarkus-app/quarkus-run.jar} (fast-jar layout).
   * {@code home} may also be the jar itself.
   *
   * @param home the distribution directory
   * @return the jar
   * @throws LocalClusterException if there is none
   */
  public static Path findRunnerJar(Optional<Path> home) {
    if (home.isEmpty()) {
      throw new LocalClusterException(
          "The Apicurio Registry distribution was not found: set registry.home (or the system"
              + " property runstream.registry.home), or build it with"
              + " ./mvnw -pl local-cluster generate-resources from the project root");
    }
    Path dir = home.get();
    if (Files.isRegularFile(dir) && dir.getFileName().toString().endsWith(".jar")) {
      return dir;
    }
    if (!Files.isDirectory(dir)) {
      throw new LocalClusterException(
          "registry.home "
              + dir
              + " does not exist; build it with ./mvnw -pl local-cluster generate-resources");
    }
    try (Stream<Path> files = Files.list(dir)) {
      Optional<Path> legacyJar =
          files
              .filter(Files::isRegularFile)
              .filter(f -> f.getFileName().toString().endsWith(RUNNER_SUFFIX))
              .max(Path::compareTo);
      if (legacyJar.isPresent()) {
        return legacyJar.get();
      }
    } catch (IOException e) {
      throw new LocalClusterException("Cannot list registry.home " + dir, e);
    }
    Path fastJar = dir.resolve("quarkus-app").resolve("quarkus-run.jar");
    if (Files.isRegularFile(fastJar)) {
      return fastJar;
    }
    throw new LocalClusterException(
        "No Quarkus runner (*"
            + RUNNER_SUFFIX
            + " or quarkus-app/quarkus-run.jar) in registry.home "
            + dir
            + "; is it an unpacked apicurio-registry-app zip?");
  }

  private static String mainClassOf(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      String main =
          manifest == null
              ? null
              : manifest.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS);
      if (main == null || main.isBlank()) {
        throw new LocalClusterException("The registry runner " + jar + " names no Main-Class");
      }
      return main.trim();
    } catch (IOException e) {
      throw new LocalClusterException("Cannot read the manifest of " + jar, e);
    }
  }

  /**
   * The registry's base URL.
   *
   * @return {@code http://127.0.0.1:<port>}
   */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /**
   * The runner jar in use.
   *
   * @return the jar
   */
  public Path runnerJar() {
    return runnerJar;
  }

  /** Starts the registry JVM; see {@link #awaitReady(Instant)}. */
  public void start() {
    if (isRunning()) {
      return;
    }
    List<String> jvmOptions =
        new ArrayList<>(
            List.of(
                "-Xmx" + heap,
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.awt.headless=true",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dapicurio.rules.global.compatibility=BACKWARD",
                "-Dapicurio.datasource.url=jdbc:h2:file:"
                    + databaseDirectory.resolve("apicurio").toAbsolutePath(),
                "-Dquarkus.banner.enabled=false",
                "-Dquarkus.log.level=WARN",
                "-Dquarkus.log.category.\"io.apicurio\".level=WARN",
                "-Dquarkus.http.access-log.enabled=false"));
    jvmOptions.addAll(extraJvmOptions);
    jvm =
        ChildJvm.launch(
            "registry",
            jvmOptions,
            runnerJar.toAbsolutePath() + File.pathSeparator + ChildJvm.guardClasspathEntry(),
            mainClass,
            List.of(),
            databaseDirectory,
            outputFile);
    LOG.debug("Started {} from {}", jvm, runnerJar);
  }

  /**
   * Waits until {@code GET /health/ready} answers 200.
   *
   * @param deadline when to give up
   * @throws LocalClusterException with the tail of the registry log if the JVM exits or the
   *     deadline passes first
   */
  public void awaitReady(Instant deadline) {
    ChildJvm current = requireStarted();
    Readiness.awaitPort(current, port, deadline);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl() + "/health/ready"))
            .timeout(Duration.ofSeconds(2))
            .GET()
            .build();
    String lastAnswer = "no answer";
    while (Instant.now().isBefore(deadline)) {
      if (!current.isAlive()) {
        throw current.failure("The registry exited during startup", null);
      }
      try {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
        lastAnswer = response.statusCode() + " " + response.body();
      } catch (IOException e) {
        lastAnswer = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LocalClusterException("Interrupted while waiting for the registry", e);
      }
      Readiness.pause();
    }
    throw current.failure(
        "The registry was not ready before the startup timeout (last /health/ready: "
            + lastAnswer
            + ")",
        null);
  }

  /** Stops the registry cleanly (SIGTERM), killing it if that takes longer than 10 seconds. */
  public void stop() {
    if (jvm != null) {
      jvm.stop(CLEAN_SHUTDOWN_GRACE);
      jvm = null;
    }
  }

  /**
   * Whether the registry JVM is running (not necessarily ready).
   *
   * @return {@code true} while alive
   */
  public boolean isRunning() {
    return jvm != null && jvm.isAlive();
  }

  private ChildJvm requireStarted() {
    if (jvm == null) {
      throw new IllegalStateException("The registry is not started");
    }
    return jvm;
  }
}
