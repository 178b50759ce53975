package dev.runstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.runstream.cluster.TopicSpec;
import dev.runstream.e2e.ComposeFile.PortMapping;
import dev.runstream.e2e.ComposeFile.Service;
import dev.runstream.schemas.ConfigSources;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Static checks of docker-compose.yml (alone, and with docker-compose.confluent.yml over it), run
 * by every build, Docker engine or not: the services of issue 7 are there, images are pinned, app
 * services set only environment variables their typed configs read (with valid values), ports line
 * up, long-running services have healthchecks and start in order, and the topics service creates
 * local-cluster's {@link TopicSpec#runstreamTopics()}.
 */
class DockerComposeTest {

  /**
   * The services issue 7 names. The gateway joins this list with its service once the gateway
   * module has a runnable main class.
   */
  static final List<String> REQUIRED_SERVICES =
      List.of(
          "kafka", "topics", "schema-registry", "topology-1", "topology-2", "gateway", "worker");

  /** Services that run to completion; every other service runs for long. */
  static final Set<String> ONE_SHOT_SERVICES = Set.of("topics", "worker");

  /**
   * The config classes each runnable main class builds from the environment: the env vars an app
   * service may set are their keys through {@link ConfigSources#envName}. Looked up by name so that
   * a main class named in the compose file but missing from the build fails the check.
   */
  static final Map<String, List<String>> CONFIGS_BY_MAIN_CLASS =
      Map.of(
          "dev.runstream.topology.TopologyApp",
          List.of("dev.runstream.topology.TopologyConfig", "dev.runstream.schemas.AvroSerdeConfig"),
          "dev.runstream.gateway.Gateway",
          List.of(
              "dev.runstream.gateway.GatewayConfig",
              "dev.runstream.client.ClientConfig",
              "dev.runstream.schemas.AvroSerdeConfig"),
          "dev.runstream.cli.RunstreamCli",
          List.of(
              "dev.runstream.cli.CliConfig",
              "dev.runstream.producer.PublisherConfig",
              "dev.runstream.client.ClientConfig",
              "dev.runstream.schemas.AvroSerdeConfig"),
          "dev.runstream.producer.DemoAgent",
          List.of(
              "dev.runstream.producer.PublisherConfig", "dev.runstream.schemas.AvroSerdeConfig"));

  /** The compose models checked: the default file and the Confluent registry variant. */
  static Stream<ComposeFile> composeModels() {
    ComposeFile base = ComposeFile.load();
    return Stream.of(
        base,
        base.withOverride(
            ComposeFile.load(ProjectRoot.path().resolve(ComposeFile.CONFLUENT_OVERRIDE_FILE))));
  }

  @Test
  void shouldDeclareEveryServiceOfTheIssueWhenTheComposeFileIsParsed() {
    assertThat(ComposeFile.load().services().keySet()).containsAll(REQUIRED_SERVICES);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("composeModels")
  void shouldPinEveryImageWhenAServiceUsesOne(ComposeFile compose) {
    for (Service service : compose.services().values()) {
      assertThat(service.image())
          .as("service %s must name its image (built ones too, so they are tagged)", service)
          .isPresent();
      assertPinned(service.image().orElseThrow(), "service " + service.name());
    }
  }

  @Test
  void shouldPinEveryBaseImageWhenTheDockerfileBuildsTheApps() throws IOException {
    List<String> froms = new ArrayList<>();
    for (String line : Files.readAllLines(ProjectRoot.path().resolve("Dockerfile"))) {
      Matcher m = Pattern.compile("(?i)^FROM\\s+(\\S+)").matcher(line.trim());
      if (m.find()) {
        froms.add(m.group(1));
        assertPinned(m.group(1), "Dockerfile " + line.trim());
      }
    }
    assertThat(froms).as("a multi-stage build: a build stage and a runtime stage").hasSize(2);
    assertThat(froms.get(0)).startsWith("maven:3.9").contains("temurin-17");
    assertThat(froms.get(1)).startsWith("eclipse-temurin:17").contains("-jre");
  }

  private static void assertPinned(String image, String where) {
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    assertThat(colon)
        .as("%s: image %s has no tag, which means latest", where, image)
        .isGreaterThan(slash);
    String tag = image.substring(colon + 1);
    assertThat(tag)
        .as("%s: image %s must be pinned to a version, not %s", where, image, tag)
        .doesNotContainIgnoringCase("latest")
        .matches(".*\\d+\\.\\d+.*");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("composeModels")
  void shouldSetOnlyVariablesTheAppReadsWhenAnAppServiceIsConfigured(ComposeFile compose)
      throws Exception {
    int apps = 0;
    for (Service service : compose.services().values()) {
      if (!service.isBuilt()) {
        continue;
      }
      apps++;
      assertThat(service.command())
          .as("app service %s must name its main class", service)
          .isNotEmpty();
      String mainClass = service.command().get(0);
      assertThat(CONFIGS_BY_MAIN_CLASS)
          .as("service %s runs %s, an unknown main class", service, mainClass)
          .containsKey(mainClass);
      Class.forName(mainClass).getMethod("main", String[].class);

      List<ConfigDef> defs = new ArrayList<>();
      for (String configClass : CONFIGS_BY_MAIN_CLASS.get(mainClass)) {
        defs.add(configDef(configClass));
      }
      Set<String> readable = new TreeSet<>();
      defs.forEach(def -> def.names().forEach(key -> readable.add(ConfigSources.envName(key))));

      Map<String, String> env = service.environment();
      assertThat(env.keySet())
          .as(
              "environment of %s (%s): every variable must be one its configs read: %s",
              service, mainClass, readable)
          .isSubsetOf(readable);
      for (ConfigDef def : defs) {
        Map<String, Object> values = ConfigSources.resolve(def, Map.of(), env, Map.of());
        assertThatCode(() -> def.parse(values))
            .as("values of %s must be valid for its config", service)
            .doesNotThrowAnyException();
      }
    }
    assertThat(apps).as("app services built from the Dockerfile").isGreaterThanOrEqualTo(3);
  }

  private static ConfigDef configDef(String configClass) throws Exception {
    Method m = Class.forName(configClass).getMethod("configDef");
    return (ConfigDef) m.invoke(null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("composeModels")
  void shouldUseOneRegistryUrlWhenAppsTalkToTheRegistry(ComposeFile compose) {
    Set<String> urls = new TreeSet<>();
    for (Service service : compose.services().values()) {
      String url = service.environment().get("RUNSTREAM_SCHEMA_REGISTRY_URL");
      if (service.isBuilt()) {
        assertThat(url).as("app %s must be told where the registry is", service).isNotNull();
        urls.add(url);
      }
    }
    assertThat(urls).as("every app must use the same registry").hasSize(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("composeModels")
  void shouldPublishEachHostPortOnceWhenServicesMapPorts(ComposeFile compose) {
    Map<Integer, String> owners = new HashMap<>();
    for (Service service : compose.services().values()) {
      for (PortMapping p : service.ports()) {
        if (p.hostPort() < 0) {
          continue;
        }
        String previous = owners.putIfAbsent(p.hostPort(), service.name());
        assertThat(previous)
            .as("host port %d is published by %s and %s", p.hostPort(), previous, service)
            .isNull();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("composeModels")
  void shouldMapOnlyPortsTheContainerListensOnWhenPublishingPorts(ComposeFile compose) {
    for (Service service : compose.services().values()) {
      Set<Integer> listening = listeningPorts(service);
      for (PortMapping p : service.ports()) {
        assertThat(listening)
            .as(
                "%s publishes container port %d but listens on %s",
                service, p.containerPort(), listening)
            .contains(p.containerPort());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("composeModels")
  void shouldReachAListeningPortWhenAServiceAddressesAnother(ComposeFile compose) {
    Map<String, Service> byHost = servicesByHost(compose);
    for (Service service : compose.services().values()) {
      for (String text : addressBearingTexts(service)) {
        Matcher m = HOST_PORT.matcher(text);
        while (m.find()) {
          String host = m.group(1);
          int port = Integer.parseInt(m.group(2));
          Service target =
              LOCAL_HOSTS.contains(host) && service.healthcheck().orElse("").contains(text)
                  ? service
                  : byHost.get(host);
          if (target == null) {
            continue;
          }
          assertThat(listeningPorts(target))
              .as(
                  "%s addresses %s:%d in '%s', but %s listens on",
                  service, host, port, text, target)
              .contains(port);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("composeModels")
  void shouldBootstrapFromAnAdvertisedListenerWhenAServiceConnectsToKafka(ComposeFile compose) {
    Service kafka = compose.service("kafka");
    Set<String> advertised = new LinkedHashSet<>();
    for (String listener : kafka.environment().get("KAFKA_ADVERTISED_LISTENERS").split(",")) {
      advertised.add(listener.substring(listener.indexOf("://") + 3));
    }
    for (Service service : compose.services().values()) {
      if (service == kafka || service.name().equals(kafka.name())) {
        continue; // the broker's own settings name its controller listener too
      }
      for (String text : addressBearingTexts(service)) {
        Matcher m = HOST_PORT.matcher(text);
        while (m.find()) {
          if (m.group(1).equals("kafka")) {
            assertThat(advertised)
                .as(
                    "%s connects to kafka:%s, which is not an advertised listener",
                    service, m.group(2))
                .contains("kafka:" + m.group(2));
          }
        }
      }
    }
    // The host listener is advertised on localhost at the port published for it.
    Map<String, Integer> bindPorts = listenerPorts(kafka.environment().get("KAFKA_LISTENERS"));
    for (String listener : kafka.environment().get("KAFKA_ADVERTISED_LISTENERS").split(",")) {
      String name = listener.substring(0, listener.indexOf("://"));
      String address = listener.substring(listener.indexOf("://") + 3);
      if (address.startsWith("localhost:") || address.startsWith("127.0.0.1:")) {
        int advertisedPort = Integer.parseInt(address.substring(address.indexOf(':') + 1));
        assertThat(kafka.ports())
            .as(
                "the host listener %s must be published as %d:%d",
                name, advertisedPort, bindPorts.get(name))
            .contains(new PortMapping(advertisedPort, bindPorts.get(name)));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("composeModels")
  void shouldAdvertiseItsOwnServiceNameWhenATopologyInstanceServesQueries(ComposeFile compose) {
    List<Service> topologies =
        compose.services().values().stream()
            .filter(s -> s.command().contains("dev.runstream.topology.TopologyApp"))
            .toList();
    assertThat(topologies)
        .as("two topology instances show query routing")
        .hasSizeGreaterThanOrEqualTo(2);
    Set<String> applicationIds = new TreeSet<>();
    for (Service topology : topologies) {
      Map<String, String> env = topology.environment();
      assertThat(env.get("RUNSTREAM_TOPOLOGY_HTTP_ADVERTISED_HOST"))
          .as("%s must advertise a name the other instances resolve", topology)
          .isIn(topology.name(), topology.hostname().orElse(topology.name()));
      assertThat(env.get("RUNSTREAM_TOPOLOGY_HTTP_HOST"))
          .as("%s must listen on all interfaces to be reachable from its peers", topology)
          .isEqualTo("0.0.0.0");
      applicationIds.add(env.getOrDefault("RUNSTREAM_TOPOLOGY_APPLICATION_ID", "<default>"));
    }
    assertThat(applicationIds).as("the instances share one application id").hasSize(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("composeModels")
  void shouldHaveAHealthcheckWhenAServiceRunsForLong(ComposeFile compose) {
    for (Service service : compose.services().values()) {
      if (ONE_SHOT_SERVICES.contains(service.name())) {
        assertThat(service.restart())
            .as("one-shot service %s must not be restarted", service)
            .isIn("no", "on-failure");
      } else {
        assertThat(service.healthcheck())
            .as("long-running service %s needs a healthcheck", service)
            .isPresent();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("composeModels")
  void shouldWaitForHealthOrCompletionWhenAServiceDependsOnAnother(ComposeFile compose) {
    Map<String, Service> services = compose.services();
    for (Service service : services.values()) {
      for (Map.Entry<String, String> dep : service.dependsOn().entrySet()) {
        assertThat(services)
            .as("%s depends on an unknown service", service)
            .containsKey(dep.getKey());
        String expected =
            ONE_SHOT_SERVICES.contains(dep.getKey())
                ? "service_completed_successfully"
                : "service_healthy";
        assertThat(dep.getValue())
            .as("%s depends on %s", service, dep.getKey())
            .isEqualTo(expected);
      }
      if (service.isBuilt()) {
        assertThat(dependsTransitively(services, service.name()))
            .as("app %s must start after the topics exist and the registry is healthy", service)
            .contains("topics", "schema-registry", "kafka");
      }
    }
  }

  private static Set<String> dependsTransitively(Map<String, Service> services, String name) {
    Set<String> out = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(services.get(name).dependsOn().keySet());
    while (!todo.isEmpty()) {
      String next = todo.remove(0);
      if (out.add(next) && services.containsKey(next)) {
        todo.addAll(services.get(next).dependsOn().keySet());
      }
    }
    return out;
  }

  @Test
  void shouldCreateTheTopicsOfTopicSpecWhenTheTopicsServiceRuns() {
    Service topics = ComposeFile.load().service("topics");
    String script = String.join("\n", topics.command());
    Map<String, TopicSpec> created = new TreeMap<>();
    for (String line : script.split("\n")) {
      if (!line.contains("kafka-topics.sh") || !line.contains("--create")) {
        continue;
      }
      List<String> words = List.of(line.trim().split("\\s+"));
      String name = null;
      int partitions = -1;
      Map<String, String> configs = new LinkedHashMap<>();
      for (int i = 0; i + 1 < words.size(); i++) {
        switch (words.get(i)) {
          case "--topic" -> name = words.get(i + 1);
          case "--partitions" -> partitions = Integer.parseInt(words.get(i + 1));
          case "--config" -> {
            String[] kv = words.get(i + 1).split("=", 2);
            configs.put(kv[0], kv[1]);
          }
          default -> {}
        }
      }
      assertThat(line).as("topic creation must be idempotent").contains("--if-not-exists");
      created.put(name, new TopicSpec(name, partitions, configs));
    }
    Map<String, TopicSpec> expected = new TreeMap<>();
    TopicSpec.runstreamTopics().forEach(t -> expected.put(t.name(), t));
    assertThat(created).isEqualTo(expected);
    assertThat(ComposeFile.load().service("kafka").environment())
        .as("topics are created explicitly, never on first use")
        .containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
  }

  // ---- helpers ----

  /** host:port, optionally in a URL; hosts are compose service names or local names. */
  private static final Pattern HOST_PORT =
      Pattern.compile("(?:^|[\\s/@,=\"'])([a-z][a-z0-9-]*|127\\.0\\.0\\.1)[:/](\\d{2,5})\\b");

  private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1");

  /** Environment values, healthcheck and command of a service: where addresses appear. */
  private static List<String> addressBearingTexts(Service service) {
    List<String> texts = new ArrayList<>(service.environment().values());
    service.healthcheck().ifPresent(texts::add);
    texts.addAll(service.command());
    return texts;
  }

  private static Map<String, Service> servicesByHost(ComposeFile compose) {
    Map<String, Service> byHost = new HashMap<>();
    for (Service s : compose.services().values()) {
      byHost.put(s.name(), s);
      s.hostname().ifPresent(h -> byHost.put(h, s));
    }
    return byHost;
  }

  /**
   * The ports a service's container listens on, from its configuration: integer {@code *_PORT}
   * variables, and the ports of {@code *_LISTENERS} variables.
   */
  static Set<Integer> listeningPorts(Service service) {
    Set<Integer> ports = new TreeSet<>();
    for (Map.Entry<String, String> e : service.environment().entrySet()) {
      if (e.getKey().endsWith("_PORT") && e.getValue().matches("\\d+")) {
        ports.add(Integer.parseInt(e.getValue()));
      } else if (e.getKey().endsWith("_LISTENERS") && !e.getKey().contains("ADVERTISED")) {
        ports.addAll(listenerPorts(e.getValue()).values());
      }
    }
    return ports;
  }

  /** {@code NAME://host:port,...} to name → port. */
  private static Map<String, Integer> listenerPorts(String listeners) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String listener : listeners.split(",")) {
      String l = listener.trim();
      int colon = l.lastIndexOf(':');
      String name = l.contains("://") ? l.substring(0, l.indexOf("://")) : l;
      out.put(name, Integer.parseInt(l.substring(colon + 1).replaceAll("\\D.*", "")));
    }
    return out;
  }
}
