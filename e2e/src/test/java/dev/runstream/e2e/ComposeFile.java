package dev.runstream.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of a Docker Compose file that the static checks and the container tests read, parsed
 * with Jackson YAML. Override files ({@code -f a.yml -f b.yml}) are merged the way Compose merges
 * them for the keys used here: maps are merged key by key, {@code !override} replaces the value,
 * everything else is replaced.
 */
public final class ComposeFile {
  /** The compose file at the repository root. */
  public static final String DEFAULT_FILE = "docker-compose.yml";

  /** The override file that swaps Apicurio for Confluent Schema Registry. */
  public static final String CONFLUENT_OVERRIDE_FILE = "docker-compose.confluent.yml";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Path path;
  private final ObjectNode root;

  private ComposeFile(Path path, ObjectNode root) {
    this.path = path;
    this.root = root;
  }

  /**
   * Parses a compose file.
   *
   * @param file the file
   * @return the parsed file
   */
  public static ComposeFile load(Path file) {
    try {
      JsonNode tree = YAML.readTree(Files.readString(file));
      if (!(tree instanceof ObjectNode object)) {
        throw new IllegalArgumentException(file + " is not a YAML mapping");
      }
      return new ComposeFile(file, object);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * Parses the compose file at the repository root.
   *
   * @return the parsed file
   */
  public static ComposeFile load() {
    return load(ProjectRoot.path().resolve(DEFAULT_FILE));
  }

  /**
   * This file with an override file applied, as {@code docker compose -f this -f override}.
   *
   * @param override the override file
   * @return the merged model
   */
  public ComposeFile withOverride(ComposeFile override) {
    ObjectNode merged = root.deepCopy();
    merge(merged, override.root);
    return new ComposeFile(override.path, merged);
  }

  private static void merge(ObjectNode target, JsonNode source) {
    Iterator<Map.Entry<String, JsonNode>> fields = source.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode existing = target.get(field.getKey());
      if (existing instanceof ObjectNode existingObject
          && field.getValue() instanceof ObjectNode
          && !OVERRIDDEN.contains(field.getKey())) {
        merge(existingObject, field.getValue());
      } else {
        target.set(field.getKey(), field.getValue().deepCopy());
      }
    }
  }

  /**
   * Keys whose whole value an override file replaces in this repository's override files (they
   * carry Compose's {@code !override} tag there, which Jackson reads past).
   */
  private static final List<String> OVERRIDDEN = List.of("environment");

  /**
   * The file this model was read from (the last override, when merged).
   *
   * @return the path
   */
  public Path path() {
    return path;
  }

  /**
   * The services, in file order.
   *
   * @return service name to service
   */
  public Map<String, Service> services() {
    Map<String, Service> services = new LinkedHashMap<>();
    JsonNode node = root.path("services");
    node.fieldNames()
        .forEachRemaining(name -> services.put(name, new Service(name, node.get(name))));
    return services;
  }

  /**
   * One service.
   *
   * @param name the service name
   * @return the service
   * @throws IllegalArgumentException if there is no such service
   */
  public Service service(String name) {
    Service service = services().get(name);
    if (service == null) {
      throw new IllegalArgumentException("no service " + name + " in " + path);
    }
    return service;
  }

  /** One service of the file. */
  public static final class Service {
    private final String name;
    private final JsonNode node;

    Service(String name, JsonNode node) {
      this.name = name;
      this.node = node;
    }

    public String name() {
      return name;
    }

    /** The image, or empty when the service has none. */
    public Optional<String> image() {
      return text(node.get("image"));
    }

    /** Whether the service is built from a Dockerfile. */
    public boolean isBuilt() {
      return node.has("build");
    }

    /** The environment, in either the map or the list form, values as strings. */
    public Map<String, String> environment() {
      Map<String, String> env = new LinkedHashMap<>();
      JsonNode e = node.path("environment");
      if (e.isObject()) {
        e.fields()
            .forEachRemaining(f -> env.put(f.getKey(), f.getValue().isNull() ? "" : scalar(f)));
      } else if (e.isArray()) {
        for (JsonNode item : e) {
          String s = item.asText();
          int eq = s.indexOf('=');
          env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
        }
      }
      return env;
    }

    private static String scalar(Map.Entry<String, JsonNode> field) {
      return field.getValue().asText();
    }

    /** The command as a list (a string command is one element). */
    public List<String> command() {
      return list(node.get("command"));
    }

    /** The entrypoint as a list. */
    public List<String> entrypoint() {
      return list(node.get("entrypoint"));
    }

    /** The port mappings. */
    public List<PortMapping> ports() {
      List<PortMapping> ports = new ArrayList<>();
      for (JsonNode p : node.path("ports")) {
        ports.add(PortMapping.parse(p.asText()));
      }
      return ports;
    }

    /** The healthcheck's test as one string (the command words joined), if there is one. */
    public Optional<String> healthcheck() {
      JsonNode test = node.path("healthcheck").get("test");
      if (test == null || node.path("healthcheck").path("disable").asBoolean(false)) {
        return Optional.empty();
      }
      return Optional.of(String.join(" ", list(test)));
    }

    /** The services this one depends on, with their conditions. */
    public Map<String, String> dependsOn() {
      Map<String, String> deps = new LinkedHashMap<>();
      JsonNode d = node.path("depends_on");
      if (d.isArray()) {
        d.forEach(s -> deps.put(s.asText(), "service_started"));
      } else if (d.isObject()) {
        d.fields()
            .forEachRemaining(
                f ->
                    deps.put(f.getKey(), f.getValue().path("condition").asText("service_started")));
      }
      return deps;
    }

    /** The restart policy, or {@code no}. */
    public String restart() {
      return node.path("restart").asText("no");
    }

    /** The hostname set for the container, if any. */
    public Optional<String> hostname() {
      return text(node.get("hostname"));
    }

    @Override
    public String toString() {
      return name;
    }

    private static Optional<String> text(JsonNode n) {
      return n == null || n.isNull() ? Optional.empty() : Optional.of(n.asText());
    }

    private static List<String> list(JsonNode n) {
      List<String> out = new ArrayList<>();
      if (n == null || n.isNull()) {
        return out;
      }
      if (n.isArray()) {
        n.forEach(item -> out.add(item.asText()));
      } else {
        out.add(n.asText());
      }
      return out;
    }
  }

  /**
   * A {@code ports} entry, {@code [host_ip:]host:container[/protocol]} or {@code container}.
   *
   * @param hostPort the published host port, or -1 when none is published
   * @param containerPort the container port
   */
  public record PortMapping(int hostPort, int containerPort) {
    static PortMapping parse(String spec) {
      String s = spec.contains("/") ? spec.substring(0, spec.indexOf('/')) : spec;
      String[] parts = s.split(":");
      int container = Integer.parseInt(parts[parts.length - 1]);
      int host = parts.length >= 2 ? Integer.parseInt(parts[parts.length - 2]) : -1;
      return new PortMapping(host, container);
    }
  }
}
