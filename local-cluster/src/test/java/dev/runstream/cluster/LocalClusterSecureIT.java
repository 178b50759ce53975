package dev.runstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.cluster.internal.CertificateAuthority;
import dev.runstream.cluster.internal.SecureMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class LocalClusterSecureIT {

  @RegisterExtension
  static final LocalClusterExtension CLUSTER =
      LocalClusterExtension.perClass(
          LocalClusterConfig.newBuilder()
              .freePorts()
              .registryEnabled(false)
              .securityEnabled(true)
              .securityUsers(List.of("writer", "reader", "stranger"))
              .build());

  private static final String TOPIC = TopicSpec.AGENT_EVENTS;

  @BeforeAll
  static void grantAcls() throws Exception {
    ClusterSecurity security = CLUSTER.cluster().security();
    List<AclBinding> acls =
        List.of(
            allow("writer", ResourceType.TOPIC, TOPIC, AclOperation.WRITE),
            allow("cert-writer", ResourceType.TOPIC, TOPIC, AclOperation.WRITE),
            allow("reader", ResourceType.TOPIC, TOPIC, AclOperation.READ),
            allow("reader", ResourceType.GROUP, "reader-group", AclOperation.READ),
            allow("cert-reader", ResourceType.TOPIC, TOPIC, AclOperation.READ));
    try (Admin admin = Admin.create(new HashMap<>(security.adminClientConfig()))) {
      admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
      // The controller has committed them; wait until the broker's authorizer enforces them too.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!admin
          .describeAcls(AclBindingFilter.ANY)
          .values()
          .get(30, TimeUnit.SECONDS)
          .containsAll(acls)) {
        assertThat(System.nanoTime()).as("ACLs in force within 30 s").isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }

  private static AclBinding allow(
      String user, ResourceType type, String name, AclOperation operation) {
    return new AclBinding(
        new ResourcePattern(type, name, PatternType.LITERAL),
        new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
  }

  @Test
  void shouldProduceAndConsumeWhenClientsLogInWithScramOverTls() throws Exception {
    ClusterSecurity security = CLUSTER.cluster().security();
    String key = "wf-" + UUID.randomUUID();
    try (KafkaProducer<String, String> producer = producer(security.saslClientConfig("writer"))) {
      producer.send(new ProducerRecord<>(TOPIC, 0, key, "over SASL_SSL")).get(30, TimeUnit.SECONDS);
    }
    Map<String, Object> consumer = new HashMap<>(security.saslClientConfig("reader"));
    consumer.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-group");
    assertThat(readValue(consumer, key, true)).isEqualTo("over SASL_SSL");
  }

  @Test
  void shouldProduceAndConsumeWhenClientsPresentCertificates() throws Exception {
    ClusterSecurity security = CLUSTER.cluster().security();
    String key = "wf-" + UUID.randomUUID();
    try (KafkaProducer<String, String> producer =
        producer(security.mtlsClientConfig("cert-writer"))) {
      producer.send(new ProducerRecord<>(TOPIC, 0, key, "over mTLS")).get(30, TimeUnit.SECONDS);
    }
    assertThat(readValue(new HashMap<>(security.mtlsClientConfig("cert-reader")), key, false))
        .isEqualTo("over mTLS");
  }

  @Test
  void shouldFailFastWithAuthenticationErrorWhenPasswordIsWrong() {
    ClusterSecurity security = CLUSTER.cluster().security();
    Map<String, Object> config = new HashMap<>(security.saslClientConfig("writer"));
    config.put("sasl.jaas.config", SecureMode.jaasConfig("writer", "not-the-password"));
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
    long start = System.nanoTime();
    try (KafkaProducer<String, String> producer = producer(config)) {
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, "k", "v")).get())
          .hasRootCauseInstanceOf(SaslAuthenticationException.class)
          .hasMessageContaining("Authentication failed");
    }
    // Not a retry until max.block.ms: the error is final at the first attempt.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void shouldFailFastWhenTheServerCertificateIsNotTrusted(@TempDir Path dir) {
    ClusterSecurity security = CLUSTER.cluster().security();
    char[] password = "rogue-store".toCharArray();
    CertificateAuthority rogue = CertificateAuthority.openOrCreate(dir, "rogue CA", password);
    Map<String, Object> config = new HashMap<>(security.saslClientConfig("writer"));
    config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, rogue.truststore().toString());
    config.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, "rogue-store");
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
    try (KafkaProducer<String, String> producer = producer(config)) {
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, "k", "v")).get())
          .hasRootCauseMessage("unable to find valid certification path to requested target")
          .cause()
          .isInstanceOf(SslAuthenticationException.class);
    }
  }

  @Test
  void shouldRejectClientCertificateWhenAnotherCaSignedIt(@TempDir Path dir) {
    ClusterSecurity security = CLUSTER.cluster().security();
    char[] password = "rogue-store".toCharArray();
    CertificateAuthority rogue = CertificateAuthority.openOrCreate(dir, "rogue CA", password);
    Map<String, Object> config = new HashMap<>(security.mtlsClientConfig("cert-writer"));
    // Trusts the real broker, but presents a certificate for the same name from another CA.
    config.put(
        SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, rogue.keystore("cert-writer", false).toString());
    config.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, "rogue-store");
    config.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, "rogue-store");
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
    try (KafkaProducer<String, String> producer = producer(config)) {
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, "k", "v")).get())
          .cause()
          .isInstanceOf(SslAuthenticationException.class);
    }
  }

  @Test
  void shouldDenyTopicAndGroupWhenPrincipalHasNoAcl() {
    ClusterSecurity security = CLUSTER.cluster().security();
    Map<String, Object> config = new HashMap<>(security.saslClientConfig("stranger"));
    try (KafkaProducer<String, String> producer = producer(config)) {
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, "k", "v")).get())
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(TopicAuthorizationException.class)
          .hasMessageContaining(TOPIC);
    }
    // reader may read the topic, but not in a group it has no ACL for.
    Map<String, Object> consumer = new HashMap<>(security.saslClientConfig("reader"));
    consumer.put(ConsumerConfig.GROUP_ID_CONFIG, "someone-elses-group");
    assertThatThrownBy(() -> readValue(consumer, "none", true))
        .isInstanceOf(GroupAuthorizationException.class);
  }

  @Test
  void shouldKeepSecretsPrivateWhenWrittenToTheDataDirectory() throws Exception {
    ClusterSecurity security = CLUSTER.cluster().security();
    Path secrets = security.directory().resolve("secrets.properties");
    assertThat(Files.getPosixFilePermissions(secrets))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(secrets)).contains(security.password("writer"));
    assertThat(security.users()).contains("admin", "writer", "reader", "stranger");
    assertThat(CLUSTER.cluster().isSecure()).isTrue();
  }

  private static KafkaProducer<String, String> producer(Map<String, ?> security) {
    Map<String, Object> config = new HashMap<>(security);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
  }

  private static String readValue(Map<String, Object> config, String key, boolean subscribe) {
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      if (subscribe) {
        consumer.subscribe(List.of(TOPIC));
      } else {
        consumer.assign(List.of(new TopicPartition(TOPIC, 0)));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      List<String> seen = new ArrayList<>();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.key().equals(key)) {
            return record.value();
          }
          seen.add(record.key());
        }
      }
      throw new AssertionError("No record with key " + key + "; saw " + seen);
    }
  }
}
