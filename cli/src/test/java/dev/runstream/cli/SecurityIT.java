package dev.runstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runstream.cli.RunstreamCliTest.Result;
import dev.runstream.client.AccessDeniedException;
import dev.runstream.client.CancelOptions;
import dev.runstream.client.CancelReceipt;
import dev.runstream.client.ClientConfig;
import dev.runstream.client.RunstreamClient;
import dev.runstream.client.WorkflowStream;
import dev.runstream.cluster.ClusterSecurity;
import dev.runstream.cluster.LocalClusterConfig;
import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.gateway.Gateway;
import dev.runstream.gateway.GatewayConfig;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.DemoAgent;
import dev.runstream.producer.FatalPublishException;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.producer.RunStep;
import dev.runstream.producer.TokenUsage;
import dev.runstream.schemas.StepType;
import dev.runstream.topology.RunstreamTopologyException;
import dev.runstream.topology.TopologyApp;
import dev.runstream.topology.TopologyConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * runstream on a secure broker (SASL_SSL with SCRAM-SHA-512, StandardAuthorizer): every component
 * runs as its own tenant principal with only the ACLs {@code runstream acl} grants, and tenants
 * cannot read each other's topics.
 */
class SecurityIT {
  @RegisterExtension
  static final LocalClusterExtension CLUSTER =
      LocalClusterExtension.perClass(
          LocalClusterConfig.newBuilder()
              .freePorts()
              .securityEnabled(true)
              .tenants(List.of("acme", "globex"))
              .securityUsers(
                  List.of(
                      "acme-worker",
                      "acme-topology",
                      "acme-reader",
                      "globex-worker",
                      "globex-topology",
                      "globex-reader",
                      "stray"))
              .build());

  @TempDir static Path stateDir;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String QUERY_TOKEN = "query-token-" + java.util.UUID.randomUUID();
  private static TopologyApp acmeTopology;
  private static String queryUrl;

  @BeforeAll
  static void grantAndStart() {
    Path admin = security().writeClientProperties(ClusterSecurity.ADMIN);
    for (String tenant : List.of("acme", "globex")) {
      Result acl = cli("acl", "--tenant", tenant, "--command-config", admin.toString());
      assertThat(acl.exitCode()).as(acl.err()).isZero();
      assertThat(acl.err()).contains("ACLs applied for tenant '" + tenant + "'");
    }
    acmeTopology = TopologyApp.start(topologyConfig("acme", stateDir.resolve("acme")));
    assertThat(acmeTopology.awaitRunning(Duration.ofSeconds(90))).isTrue();
    String address = acmeTopology.httpAddress().toString();
    queryUrl = address.substring(0, address.length() - 1);
  }

  @AfterAll
  static void stop() {
    if (acmeTopology != null) {
      acmeTopology.close();
    }
  }

  /** Waits until the broker's authorizer, not only the controller, has the ACL change. */
  private static void awaitAcls(Admin admin, Predicate<Collection<AclBinding>> applied)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!applied.test(
        admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS))) {
      assertThat(System.nanoTime()).as("ACL change in force within 30 s").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static ClusterSecurity security() {
    return CLUSTER.cluster().security();
  }

  private static Result cli(String... args) {
    return RunstreamCliTest.run(
        concat(args, "--bootstrap-servers", CLUSTER.cluster().bootstrapServers()));
  }

  private static String[] concat(String[] args, String... more) {
    String[] all = new String[args.length + more.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  private static TopologyConfig topologyConfig(String tenant, Path state) {
    TopologyConfig.Builder builder = TopologyConfig.newBuilder().isolated();
    security().saslClientConfig(tenant + "-topology").forEach(builder::set);
    return builder
        .set("tenant.id", tenant)
        .set("query.token", QUERY_TOKEN)
        .schemaRegistryUrl(CLUSTER.cluster().schemaRegistryUrl())
        .stateDir(state)
        .httpPort(0)
        .commitInterval(Duration.ofMillis(100))
        .snapshotInterval(Duration.ofMillis(200))
        .streamsProperty("task.timeout.ms", 5_000)
        .build();
  }

  private static PublisherConfig publisherConfig(String user, String tenant) {
    return publisherConfig(security().saslClientConfig(user), tenant);
  }

  private static PublisherConfig publisherConfig(Map<String, String> security, String tenant) {
    PublisherConfig.Builder builder = PublisherConfig.newBuilder();
    security.forEach(builder::set);
    return builder
        .set("tenant.id", tenant)
        .schemaRegistryUrl(CLUSTER.cluster().schemaRegistryUrl())
        .linger(Duration.ofMillis(1))
        .prices(DemoAgent.DEMO_PRICES)
        .maxBlock(Duration.ofSeconds(15))
        .build();
  }

  private static ClientConfig clientConfig(String user, String tenant) {
    return clientConfig(security().saslClientConfig(user), tenant);
  }

  private static ClientConfig clientConfig(Map<String, String> security, String tenant) {
    ClientConfig.Builder builder = ClientConfig.newBuilder();
    security.forEach(builder::set);
    return builder
        .set("tenant.id", tenant)
        .set("query.token", QUERY_TOKEN)
        .schemaRegistryUrl(CLUSTER.cluster().schemaRegistryUrl())
        .queryUrl(queryUrl)
        .brokerTimeout(Duration.ofSeconds(15))
        .build();
  }

  private static String publishRun(AgentEventPublisher publisher) throws Exception {
    AgentRun run = publisher.startRun("secure-agent", "what is secret?");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    llm.textDelta("only ");
    llm.textDelta("acme ");
    llm.textDelta("sees this");
    llm.finish(null, "gpt-4o-mini", TokenUsage.of(100, 20));
    run.finish("done").get(30, TimeUnit.SECONDS);
    return run.workflowId();
  }

  @Test
  void shouldPublishMaterializeAndReplayWhenEachComponentRunsAsItsTenantPrincipal()
      throws Exception {
    String workflowId;
    try (AgentEventPublisher publisher =
        AgentEventPublisher.create(publisherConfig("acme-worker", "acme"))) {
      workflowId = publishRun(publisher);
    }
    try (RunstreamClient client = RunstreamClient.create(clientConfig("acme-reader", "acme"))) {
      assertThat(client.text(workflowId).get(60, TimeUnit.SECONDS))
          .isEqualTo("only acme sees this");
    }
    JsonNode view = awaitView(workflowId);
    assertThat(view.path("tenant_id").asText()).isEqualTo("acme");
    assertThat(view.path("status").asText()).isEqualTo("FINISHED");
    assertThat(acmeTopology.config().topics().events()).isEqualTo("acme.agent-events");
    assertThat(acmeTopology.config().applicationId()).isEqualTo("acme.runstream-topology");
  }

  @Test
  void shouldPublishAndReplayOverMutualTlsWhenClientsPresentCertificates() throws Exception {
    // The certificates' CN are the same principals, so the same ACLs apply.
    String workflowId;
    try (AgentEventPublisher mtls =
        AgentEventPublisher.create(
            publisherConfig(security().mtlsClientConfig("acme-worker"), "acme"))) {
      workflowId = publishRun(mtls);
    }
    ClientConfig config = clientConfig(security().mtlsClientConfig("acme-reader"), "acme");
    assertThat(config.securityProperties()).containsEntry("security.protocol", "SSL");
    StringBuilder text = new StringBuilder();
    try (RunstreamClient reader = RunstreamClient.create(config);
        WorkflowStream events = reader.replay(workflowId)) {
      events.textChunks().forEach(text::append);
    }
    assertThat(text).hasToString("only acme sees this");
  }

  @Test
  void shouldCancelWhenTheTenantReaderAsksAndDenyAnotherTenantsReaderTheControlTopic()
      throws Exception {
    try (AgentEventPublisher publisher =
            AgentEventPublisher.create(publisherConfig("acme-worker", "acme"));
        RunstreamClient reader = RunstreamClient.create(clientConfig("acme-reader", "acme"))) {
      assertThat(publisher.config().controlTopic()).isEqualTo("acme.agent-control");
      AgentRun run = publisher.startRun("secure-agent", "a long task");
      run.startStep("llm_1", StepType.LLM).textDelta("working");
      CancelReceipt receipt = reader.cancel(run.workflowId(), "stop it").get(60, TimeUnit.SECONDS);
      assertThat(receipt.topic()).isEqualTo("acme.agent-control");
      assertThat(run.cancellation().get(30, TimeUnit.SECONDS).requestId())
          .isEqualTo(receipt.requestId());
      run.cancel(null).get(30, TimeUnit.SECONDS);
      assertThat(reader.result(run.workflowId()).get(60, TimeUnit.SECONDS).isCancelled()).isTrue();
    }
    // globex's reader, pointed at acme's control topic.
    ClientConfig.Builder builder = ClientConfig.newBuilder();
    security().saslClientConfig("globex-reader").forEach(builder::set);
    ClientConfig crossTenant =
        builder
            .set(ClientConfig.CONTROL_TOPIC_CONFIG, "acme.agent-control")
            .schemaRegistryUrl(CLUSTER.cluster().schemaRegistryUrl())
            .withoutView()
            .brokerTimeout(Duration.ofSeconds(15))
            .build();
    try (RunstreamClient client = RunstreamClient.create(crossTenant)) {
      assertThatThrownBy(
              () ->
                  client
                      .cancel(
                          "wf-x",
                          CancelOptions.newBuilder().rootWorkflowId("wf-x").reason("x").build())
                      .get(60, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining("may not write to the control topic acme.agent-control");
    }
  }

  @Test
  void shouldCancelARunOverItsBudgetWhenTheAdminSetsItAndDenyTheReaderSettingOne()
      throws Exception {
    String registry = CLUSTER.cluster().schemaRegistryUrl();
    String agent = "budget-agent-" + java.util.UUID.randomUUID();
    Path admin = security().writeClientProperties(ClusterSecurity.ADMIN);
    Result set =
        cli(
            "budget",
            "--topic",
            "acme.budgets",
            "set",
            "--agent",
            agent,
            "--max-tokens",
            "150",
            "--command-config",
            admin.toString(),
            "--registry-url",
            registry);
    assertThat(set.exitCode()).as(set.err()).isZero();
    Result denied =
        cli(
            "budget",
            "set",
            "--agent",
            agent,
            "--max-tokens",
            "1000000",
            "--command-config",
            readerSettings().toString(),
            "--registry-url",
            registry);
    assertThat(denied.exitCode()).isEqualTo(1);
    assertThat(denied.err())
        .contains("not authorized to write the budgets topic acme.budgets")
        .hasLineCount(1);
    Result list =
        cli(
            "budget",
            "list",
            "--json",
            "--command-config",
            readerSettings().toString(),
            "--registry-url",
            registry);
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.out()).contains("\"AGENT:" + agent + "\"").contains("\"max_tokens\":150");

    // The topology, as acme-topology, reads the budget and writes the cancel and budget event.
    try (AgentEventPublisher publisher =
            AgentEventPublisher.create(publisherConfig("acme-worker", "acme"));
        RunstreamClient reader = RunstreamClient.create(clientConfig("acme-reader", "acme"))) {
      AgentRun run = publisher.startRun(agent, "spend");
      for (int i = 0; i < 20 && !run.isCancelRequested(); i++) {
        run.startStep("llm_" + i, StepType.LLM).finish(null, "gpt-4o-mini", TokenUsage.of(90, 10));
        Thread.sleep(100);
      }
      assertThat(run.cancellation().get(30, TimeUnit.SECONDS).reason())
          .startsWith("budget_exceeded: AGENT:" + agent);
      run.cancel(null).get(30, TimeUnit.SECONDS);
      assertThat(reader.result(run.workflowId()).get(60, TimeUnit.SECONDS).isCancelled()).isTrue();
    }
  }

  @Test
  void shouldDenyAnotherTenantsEventsAndRunsAtTheBroker() throws Exception {
    String workflowId;
    try (AgentEventPublisher publisher =
        AgentEventPublisher.create(publisherConfig("acme-worker", "acme"))) {
      workflowId = publishRun(publisher);
    }
    awaitView(workflowId);
    // globex's reader, pointed at acme's events topic.
    ClientConfig.Builder builder = ClientConfig.newBuilder();
    security().saslClientConfig("globex-reader").forEach(builder::set);
    ClientConfig crossTenant =
        builder
            .set(ClientConfig.TOPIC_CONFIG, "acme.agent-events")
            .set("query.token", QUERY_TOKEN)
            .schemaRegistryUrl(CLUSTER.cluster().schemaRegistryUrl())
            .queryUrl(queryUrl)
            .brokerTimeout(Duration.ofSeconds(15))
            .build();
    try (RunstreamClient client = RunstreamClient.create(crossTenant)) {
      assertThatThrownBy(
              () -> {
                try (WorkflowStream events = client.replay(workflowId)) {
                  events.forEach(event -> {});
                }
              })
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining("may not read topic acme.agent-events")
          .rootCause()
          .isInstanceOf(TopicAuthorizationException.class);
    }
    // And acme's materialized runs, read with a plain consumer.
    Map<String, Object> consumer = new HashMap<>(security().saslClientConfig("globex-reader"));
    consumer.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    try (KafkaConsumer<byte[], byte[]> runs =
        new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      runs.assign(List.of(new TopicPartition("acme.workflow-runs", 0)));
      runs.seekToBeginning(runs.assignment());
      assertThatThrownBy(() -> runs.poll(Duration.ofSeconds(10)))
          .isInstanceOf(TopicAuthorizationException.class)
          .hasMessageContaining("acme.workflow-runs");
    }
  }

  @Test
  void shouldRefuseAtCreationWhenTheWorkerMayNotWriteTheTopic() {
    // acme's worker may write acme's events only; the stray user may write nothing.
    assertThatThrownBy(() -> AgentEventPublisher.create(publisherConfig("acme-worker", "globex")))
        .isInstanceOf(FatalPublishException.class)
        .hasMessageContaining("Not authorized for topic globex.agent-events");
    assertThatThrownBy(() -> AgentEventPublisher.create(publisherConfig("stray", "acme")))
        .isInstanceOf(FatalPublishException.class)
        .hasMessageContaining("WRITE and DESCRIBE");
  }

  @Test
  void shouldFailFastWithoutRetryingWhenThePasswordIsWrong() {
    PublisherConfig.Builder builder = PublisherConfig.newBuilder();
    security().saslClientConfig("acme-worker").forEach(builder::set);
    PublisherConfig wrong =
        builder
            .set("sasl.jaas.config", jaas("acme-worker", "wrong-password"))
            .set("tenant.id", "acme")
            .schemaRegistryUrl(CLUSTER.cluster().schemaRegistryUrl())
            .maxBlock(Duration.ofSeconds(60))
            .build();
    long start = System.nanoTime();
    assertThatThrownBy(() -> AgentEventPublisher.create(wrong))
        .isInstanceOf(FatalPublishException.class)
        .hasMessageContaining("Authentication to")
        .hasMessageContaining("Not retried");
    // Far below max.block.ms: the first refusal is final.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void shouldFailTopologyStartupClearlyWhenTransactionalIdAclIsMissingAndRunOnceGranted()
      throws Exception {
    AclBindingFilter transactional =
        new AclBindingFilter(
            new ResourcePatternFilter(
                ResourceType.TRANSACTIONAL_ID, "globex.runstream-topology", PatternType.PREFIXED),
            new AccessControlEntryFilter(
                "User:globex-topology", null, AclOperation.ANY, AclPermissionType.ANY));
    List<AclBinding> removed;
    try (Admin admin = Admin.create(new HashMap<>(security().adminClientConfig()))) {
      removed =
          List.copyOf(admin.deleteAcls(List.of(transactional)).all().get(30, TimeUnit.SECONDS));
      awaitAcls(admin, acls -> removed.stream().noneMatch(acls::contains));
    }
    assertThat(removed).hasSize(2);
    try (TopologyApp denied =
        TopologyApp.start(topologyConfig("globex", stateDir.resolve("globex-denied")))) {
      assertThatThrownBy(() -> denied.awaitRunning(Duration.ofSeconds(90)))
          .isInstanceOf(RunstreamTopologyException.class)
          .hasMessageContaining("not authorized")
          .hasMessageContaining(
              "WRITE and DESCRIBE on transactional ids prefixed 'globex.runstream-topology'");
      assertThat(denied.failure()).isPresent();
    }
    try (Admin admin = Admin.create(new HashMap<>(security().adminClientConfig()))) {
      admin.createAcls(removed).all().get(30, TimeUnit.SECONDS);
      awaitAcls(admin, acls -> acls.containsAll(removed));
    }
    try (TopologyApp granted =
        TopologyApp.start(topologyConfig("globex", stateDir.resolve("globex-granted")))) {
      assertThat(granted.awaitRunning(Duration.ofSeconds(90))).isTrue();
      assertThat(granted.failure()).isEmpty();
    }
  }

  @Test
  void shouldServeTheTenantsRunsWhenTheGatewayReadsAsTheTenantReader() throws Exception {
    String workflowId;
    try (AgentEventPublisher publisher =
        AgentEventPublisher.create(publisherConfig("acme-worker", "acme"))) {
      workflowId = publishRun(publisher);
    }
    awaitView(workflowId);
    GatewayConfig.Builder builder = GatewayConfig.newBuilder();
    security().saslClientConfig("acme-reader").forEach(builder::set);
    GatewayConfig config =
        builder
            .set("tenant.id", "acme")
            .set("query.token", QUERY_TOKEN)
            .schemaRegistryUrl(CLUSTER.cluster().schemaRegistryUrl())
            .queryUrl(queryUrl)
            .httpPort(0)
            .build();
    try (Gateway gateway = Gateway.start(config)) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + gateway.port();
      HttpResponse<String> ready = awaitStatus(http, base + "/ready", 200);
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
      HttpResponse<String> events =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(base + "/v1/workflows/" + workflowId + "/events?from=beginning"))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(events.statusCode()).isEqualTo(200);
      assertThat(events.body()).contains("only ").contains("sees this").contains("agent_finish");
    }
  }

  @Test
  void shouldRequireTheQueryTokenWhenTheTopologyHasOne() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> anonymous =
        http.send(
            HttpRequest.newBuilder(URI.create(queryUrl + "/workflows?limit=1")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer realm=\"runstream-query\"");
    assertThat(anonymous.body()).doesNotContain("workflow_id");
    HttpResponse<String> wrong =
        http.send(
            HttpRequest.newBuilder(URI.create(queryUrl + "/workflows?limit=1"))
                .header("Authorization", "Bearer " + QUERY_TOKEN + "x")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(wrong.statusCode()).isEqualTo(401);
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create(queryUrl + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    Result runs =
        cli(
            "runs",
            "--json",
            "--query-url",
            queryUrl,
            "--command-config",
            readerSettings().toString());
    assertThat(runs.exitCode()).as(runs.err()).isZero();
    assertThat(runs.out()).contains("\"workflows\"");
  }

  private static Path readerSettings() throws Exception {
    Path file = security().writeClientProperties("acme-reader");
    java.util.Properties properties = new java.util.Properties();
    try (var in = java.nio.file.Files.newBufferedReader(file)) {
      properties.load(in);
    }
    properties.setProperty("query.token", QUERY_TOKEN);
    properties.setProperty("tenant.id", "acme");
    try (var out = java.nio.file.Files.newBufferedWriter(file)) {
      properties.store(out, null);
    }
    return file;
  }

  @Test
  void shouldPrintEveryAclWithoutApplyingWhenDryRun() {
    Result dry = RunstreamCliTest.run("acl", "--tenant", "initech", "--dry-run");
    assertThat(dry.exitCode()).as(dry.err()).isZero();
    assertThat(dry.out())
        .contains("User:initech-worker")
        .contains("initech.agent-events")
        .contains("TRANSACTIONAL_ID")
        .contains("initech.runstream-topology")
        .contains("PREFIXED");
    Result bad = RunstreamCliTest.run("acl", "--tenant", "Not A Tenant", "--dry-run");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("invalid tenant");
  }

  private static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  private static HttpResponse<String> awaitStatus(HttpClient http, String url, int status)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    HttpResponse<String> last;
    do {
      last =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (last.statusCode() == status) {
        return last;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    return last;
  }

  @Test
  void shouldLetOnlyTheAdministratorWriteThePriceLedgerWhileTheTopologyPricesFromIt()
      throws Exception {
    String model = "secure-model-" + System.nanoTime();
    try (dev.runstream.producer.PriceLedger ledger =
        dev.runstream.producer.PriceLedger.create(publisherConfig("acme-worker", "acme"))) {
      assertThatThrownBy(
              () ->
                  ledger.publish(
                      new dev.runstream.producer.ModelPrice(
                          model, java.math.BigDecimal.ONE, java.math.BigDecimal.TEN),
                      java.time.Instant.EPOCH,
                      null))
          .isInstanceOf(FatalPublishException.class)
          .hasMessageContaining("acme.model-prices");
    }
    Path admin = stateDir.resolve("acme-admin.properties");
    java.nio.file.Files.writeString(
        admin,
        java.nio.file.Files.readString(security().writeClientProperties(ClusterSecurity.ADMIN))
            + "\ntenant.id=acme\n");
    Result set =
        cli(
            "prices",
            "set",
            model,
            "--input",
            "1",
            "--output",
            "2",
            "--effective-from",
            "2020-01-01T00:00:00Z",
            "--command-config",
            admin.toString(),
            "--registry-url",
            CLUSTER.cluster().schemaRegistryUrl());
    assertThat(set.exitCode()).as(set.err()).isZero();
    assertThat(set.out()).contains("to acme.model-prices");
    Result list =
        cli(
            "prices",
            "list",
            "--model",
            model,
            "--command-config",
            admin.toString(),
            "--registry-url",
            CLUSTER.cluster().schemaRegistryUrl());
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.out()).contains(model, "2020-01-01T00:00:00Z");
    Thread.sleep(2_000); // the topology's global table follows the ledger within milliseconds

    String workflowId;
    try (AgentEventPublisher publisher =
        AgentEventPublisher.create(publisherConfig("acme-worker", "acme"))) {
      AgentRun run = publisher.startRun("secure-agent", "priced?");
      run.startStep("llm_1", StepType.LLM)
          .finish(null, model, TokenUsage.of(1_000_000, 1_000_000, java.math.BigDecimal.ZERO));
      run.finish("done").get(30, TimeUnit.SECONDS);
      workflowId = run.workflowId();
    }
    JsonNode view = awaitView(workflowId);
    assertThat(view.path("steps").get(0).path("priced_by").asText()).isEqualTo("LEDGER");
    assertThat(new java.math.BigDecimal(view.path("usage").path("cost_usd").asText()))
        .isEqualByComparingTo("3");
  }

  private static JsonNode awaitView(String workflowId) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(queryUrl + "/workflows/" + workflowId))
                  .header("Authorization", "Bearer " + QUERY_TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        last = JSON.readTree(r.body());
        if (!"RUNNING".equals(last.path("status").asText())) {
          return last;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the view of " + workflowId + " did not end: " + last);
  }
}
