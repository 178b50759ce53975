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
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a Docker Compose file that the static checks and the container tests read, parsed
 * with Jackson YAML. Override files ({@code -f a.yml -f b.yml}) are merged the way Compose merges
 * them for the keys used here: a service's maps (environment, healthcheck, depends_on) are merged
 * key by key unless tagged {@code !override}, which replaces them; other values are replaced.
 */
public final class ComposeFile {
  /** The compose file at the repository root. */
  public static final String DEFAULT_FILE = "docker-compose.yml";

  /** The override file that swaps Apicurio for Confluent Schema Registry. */
  public static final String CONFLUENT_OVERRIDE_FILE = "docker-compose.confluent.yml";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Path path;
  private final ObjectNode root;
  private final String name;
  private final Set<String> overridden;

  private ComposeFile(Path path, ObjectNode root, String name, Set<String> overridden) {
    this.path = path;
    this.root = root;
    this.name = name;
    this.overridden = overridden;
  }

  /**
   * Parses a compose file.
   *
   * @param file the file
   * @return the parsed file
   */
  public static ComposeFile load(Path file) {
    try {
      String text = Files.readString(file);
      JsonNode tree = YAML.readTree(text);
      if (!(tree instanceof ObjectNode object)) {
        throw new IllegalArgumentException(file + " is not a YAML mapping");
      }
      return new ComposeFile(
          file, object, file.getFileName().toString(), overriddenServiceKeys(text));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static final Pattern SERVICE_LINE = Pattern.compile("^  ([A-Za-z0-9._-]+):\\s*$");
  private static final Pattern OVERRIDE_LINE =
      Pattern.compile("^    ([A-Za-z0-9_]+):\\s*!override\\b.*$");

  /**
   * The {@code service/key} pairs tagged {@code !override}, a Compose tag that Jackson reads past.
   * The compose files of this repository indent services by two spaces and their keys by four.
   */
  private static Set<String> overriddenServiceKeys(String text) {
    Set<String> out = new HashSet<>();
    String service = null;
    for (String line : text.split("\\n")) {
      Matcher s = SERVICE_LINE.matcher(line);
      if (s.matches()) {
        service = s.group(1);
        continue;
      }
      Matcher k = OVERRIDE_LINE.matcher(line);
      if (service != null && k.matches()) {
        out.add(service + "/" + k.group(1));
      }
    }
    return out;
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
    ObjectNode services = (ObjectNode) merged.path("services");
    Iterator<Map.Entry<String, JsonNode>> overrides = override.root.path("services").fields();
    while (overrides.hasNext()) {
      Map.Entry<String, JsonNode> service = overrides.next();
      if (!(services.get(service.getKey()) instanceof ObjectNode target)) {
        services.set(service.getKey(), service.getValue().deepCopy());
        continue;
      }
      Iterator<Map.Entry<String, JsonNode>> keys = service.getValue().fields();
      while (keys.hasNext()) {
        Map.Entry<String, JsonNode> key = keys.next();
        boolean replace = override.overridden.contains(service.getKey() + "/" + key.getKey());
        if (!replace
            && target.get(key.getKey()) instanceof ObjectNode current
            && key.getValue().isObject()) {
          key.getValue().fields().forEachRemaining(f -> current.set(f.getKey(), f.getValue()));
        } else {
          target.set(key.getKey(), key.getValue().deepCopy());
        }
      }
    }
    return new ComposeFile(
        override.path, merged, name + " + " + override.path.getFileName(), Set.of());
  }

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

  /** The file name, or the file names joined by {@code +} for a merged model. */
  @Override
  public String toString() {
    return name;
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
