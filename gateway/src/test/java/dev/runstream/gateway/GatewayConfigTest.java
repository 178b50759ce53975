package dev.runstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.client.ClientConfig;
import dev.runstream.schemas.ClientSecurityConfigs;
import dev.runstream.schemas.QueryServiceToken;
import dev.runstream.schemas.TenantConfigs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigTest {
  private static GatewayConfig config(
      Map<String, ?> explicit, Map<String, String> env, Properties system) {
    return new GatewayConfig(explicit, env, system);
  }

  @Test
  void shouldUseTheLocalClusterDefaultsWhenNothingIsSet() {
    GatewayConfig c = config(Map.of(), Map.of(), new Properties());
    assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(c.schemaRegistryUrl()).isEqualTo("http://127.0.0.1:8081/apis/ccompat/v7");
    assertThat(c.queryUrls()).containsExactly(URI.create("http://127.0.0.1:8090"));
    assertThat(c.httpHost()).isEqualTo("127.0.0.1");
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.sseKeepAlive()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.sseRetry()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.uiEnabled()).isTrue();
    assertThat(c.clientConfig().clientId()).isEqualTo("runstream-gateway");
    assertThat(c.clientConfig().bootstrapServers()).isEqualTo("127.0.0.1:9092");
  }

  @Test
  void shouldTakeEnvironmentThenSystemPropertiesThenExplicitValuesWhenLayered() {
    Properties system = new Properties();
    system.setProperty("runstream.gateway.http.port", "9000");
    system.setProperty("runstream.bootstrap.servers", "sys:9092");
    GatewayConfig c =
        config(
            Map.of(GatewayConfig.BOOTSTRAP_SERVERS_CONFIG, "explicit:9092"),
            Map.of(
                "RUNSTREAM_GATEWAY_HTTP_PORT", "7000",
                "RUNSTREAM_GATEWAY_HTTP_HOST", "0.0.0.0",
                "RUNSTREAM_QUERY_URL", "http://topology-1:8090,http://topology-2:8090/"),
            system);
    assertThat(c.httpPort()).isEqualTo(9000);
    assertThat(c.httpHost()).isEqualTo("0.0.0.0");
    assertThat(c.bootstrapServers()).isEqualTo("explicit:9092");
    assertThat(c.clientConfig().bootstrapServers()).isEqualTo("explicit:9092");
    assertThat(c.queryUrls())
        .containsExactly(
            URI.create("http://topology-1:8090"), URI.create("http://topology-2:8090"));
    assertThat(c.clientConfig().queryUrls())
        .containsExactly("http://topology-1:8090", "http://topology-2:8090");
  }

  @Test
  void shouldBuildWithTheBuilderMethodsWhenUsedFromCode() {
    GatewayConfig c =
        GatewayConfig.newBuilder()
            .bootstrapServers("kafka:9092")
            .schemaRegistryUrl("http://registry:8081")
            .queryUrl("http://topology:8090")
            .httpHost("0.0.0.0")
            .httpPort(0)
            .sseKeepAlive(Duration.ofSeconds(5))
            .sseStartTimeout(Duration.ofSeconds(3))
            .set(ClientConfig.BUFFER_SIZE_CONFIG, 64)
            .set("consumer.fetch.max.wait.ms", 100)
            .build();
    assertThat(c.httpPort()).isZero();
    assertThat(c.sseKeepAlive()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.sseStartTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.clientConfig().bufferSize()).isEqualTo(64);
    assertThat(c.clientConfig().consumerOverrides()).containsEntry("fetch.max.wait.ms", 100);
    assertThat(c.clientConfig().schemaRegistryUrl()).isEqualTo("http://registry:8081");
  }

  @Test
  void shouldFailNamingTheKeyWhenAValueIsInvalid() {
    assertThatThrownBy(() -> GatewayConfig.newBuilder().httpPort(70_000).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.HTTP_PORT_CONFIG);
    assertThatThrownBy(() -> GatewayConfig.newBuilder().queryUrl("ftp://topology").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.QUERY_URL_CONFIG);
    assertThatThrownBy(() -> GatewayConfig.newBuilder().queryUrl("").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.QUERY_URL_CONFIG);
    assertThatThrownBy(() -> GatewayConfig.newBuilder().httpHost("not a host").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.HTTP_HOST_CONFIG);
    assertThatThrownBy(
            () ->
                config(Map.of(), Map.of("RUNSTREAM_GATEWAY_HTTP_PORT", "eighty"), new Properties()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.HTTP_PORT_CONFIG);
    assertThatThrownBy(
            () -> GatewayConfig.newBuilder().set(GatewayConfig.SSE_KEEPALIVE_MS_CONFIG, 10).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.SSE_KEEPALIVE_MS_CONFIG);
  }

  @Test
  void shouldRefuseUnknownKeysWhenSetExplicitly() {
    assertThatThrownBy(() -> GatewayConfig.newBuilder().set("gateway.htpp.port", 1).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gateway.htpp.port");
    assertThatThrownBy(() -> GatewayConfig.newBuilder().set("client.bufer.size", 1).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("client.bufer.size");
    assertThatThrownBy(
            () -> GatewayConfig.newBuilder().set(ClientConfig.BUFFER_SIZE_CONFIG, 0).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ClientConfig.BUFFER_SIZE_CONFIG);
  }

  @Test
  void shouldDocumentEveryKeyWhenDefined() {
    ConfigDef def = GatewayConfig.configDef();
    assertThat(def.names())
        .contains(
            GatewayConfig.HTTP_HOST_CONFIG,
            GatewayConfig.HTTP_PORT_CONFIG,
            GatewayConfig.QUERY_URL_CONFIG);
    def.configKeys()
        .values()
        .forEach(
            key -> {
              assertThat(key.documentation).as(key.name).isNotBlank();
              assertThat(key.hasDefault()).as(key.name).isTrue();
              assertThat(
                      key.name.startsWith("gateway.")
                          || key.name.contains("url")
                          || key.name.equals("bootstrap.servers")
                          || ClientSecurityConfigs.names().contains(key.name)
                          || key.name.equals(TenantConfigs.TENANT_ID_CONFIG)
                          || key.name.equals(QueryServiceToken.QUERY_TOKEN_CONFIG))
                  .as(key.name)
                  .isTrue();
            });
  }

  // printf %s 'acme-key' | sha256sum
  private static final String ACME_KEY_SHA256 =
      "afacab3575137afa4e00d9cbcafcb14c9ae25f779d964eb0ea5b2c4eb5dfd163";
  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  private static GatewayConfig secure(Map<String, String> env) {
    return config(Map.of(), env, new Properties());
  }

  @Test
  void shouldKeepTheGatewayOpenWithDefaultBoundsWhenNothingSecureIsSet() {
    GatewayConfig c = config(Map.of(), Map.of(), new Properties());
    assertThat(c.authRequired()).isFalse();
    assertThat(c.tenant()).isEmpty();
    assertThat(c.apiKeys()).isEmpty();
    assertThat(c.jwtHmacSecret()).isEmpty();
    assertThat(c.jwtPublicKey()).isEmpty();
    assertThat(c.jwtTenantClaim()).isEqualTo("tenant");
    assertThat(c.jwtClockSkew()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.corsAllowedOrigins()).isEmpty();
    assertThat(c.maxIdLength()).isEqualTo(128);
    assertThat(c.maxQueryLength()).isEqualTo(2048);
    assertThat(c.maxLastEventIdLength()).isEqualTo(20);
  }

  @Test
  void shouldReadTheSecureModeFromTheEnvironmentWhenSet() {
    GatewayConfig c =
        secure(
            Map.of(
                "RUNSTREAM_GATEWAY_AUTH_REQUIRED", "true",
                "RUNSTREAM_TENANT_ID", "acme",
                "RUNSTREAM_GATEWAY_API_KEYS", "acme:" + ACME_KEY_SHA256.toUpperCase(),
                "RUNSTREAM_GATEWAY_JWT_HMAC_SECRET", SECRET,
                "RUNSTREAM_GATEWAY_JWT_ISSUER", "https://issuer.example",
                "RUNSTREAM_GATEWAY_CORS_ALLOWED_ORIGINS",
                    "https://app.example/,http://localhost:3000"));
    assertThat(c.authRequired()).isTrue();
    assertThat(c.tenant()).hasValue("acme");
    assertThat(c.apiKeys()).containsExactly("acme:" + ACME_KEY_SHA256);
    assertThat(c.jwtHmacSecret().orElseThrow().value()).isEqualTo(SECRET);
    assertThat(c.toString()).doesNotContain(SECRET).contains("[hidden]");
    assertThat(c.jwtIssuer()).hasValue("https://issuer.example");
    assertThat(c.jwtAudience()).isEmpty();
    assertThat(c.corsAllowedOrigins())
        .containsExactly("https://app.example", "http://localhost:3000");
  }

  @Test
  void shouldFailAtStartupWhenAuthIsRequiredWithoutTenantOrCredentialSource() {
    assertThatThrownBy(
            () ->
                secure(
                    Map.of(
                        "RUNSTREAM_GATEWAY_AUTH_REQUIRED",
                        "true",
                        "RUNSTREAM_GATEWAY_API_KEYS",
                        "acme:" + ACME_KEY_SHA256)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.TENANT_CONFIG)
        .hasMessageContaining("required");
    assertThatThrownBy(
            () ->
                secure(
                    Map.of(
                        "RUNSTREAM_GATEWAY_AUTH_REQUIRED", "true",
                        "RUNSTREAM_TENANT_ID", "acme")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.AUTH_REQUIRED_CONFIG)
        .hasMessageContaining(GatewayConfig.API_KEYS_CONFIG)
        .hasMessageContaining(GatewayConfig.JWT_PUBLIC_KEY_FILE_CONFIG);
  }

  @Test
  void shouldFailAtStartupWhenASecureValueIsInvalid() {
    assertThatThrownBy(() -> GatewayConfig.newBuilder().tenant("acme corp").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.TENANT_CONFIG);
    assertThatThrownBy(() -> GatewayConfig.newBuilder().jwtHmacSecret("too-short").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.JWT_HMAC_SECRET_CONFIG)
        .hasMessageContaining("32 bytes")
        .hasMessageNotContaining("too-short");
    assertThatThrownBy(() -> GatewayConfig.newBuilder().apiKeys("acme:my-plain-key").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.API_KEYS_CONFIG)
        .hasMessageContaining("SHA-256")
        .hasMessageNotContaining("my-plain-key");
    assertThatThrownBy(() -> GatewayConfig.newBuilder().apiKeys(ACME_KEY_SHA256).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tenant:");
    assertThatThrownBy(
            () -> GatewayConfig.newBuilder().corsAllowedOrigins("https://app.example/path").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.CORS_ALLOWED_ORIGINS_CONFIG);
    assertThatThrownBy(
            () ->
                GatewayConfig.newBuilder()
                    .authRequired(true)
                    .tenant("acme")
                    .jwtHmacSecret(SECRET)
                    .corsAllowedOrigins("*")
                    .build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.CORS_ALLOWED_ORIGINS_CONFIG)
        .hasMessageContaining("'*'");
    assertThat(GatewayConfig.newBuilder().corsAllowedOrigins("*").build().corsAllowedOrigins())
        .as("'*' without auth")
        .containsExactly("*");
    assertThatThrownBy(
            () -> GatewayConfig.newBuilder().set(GatewayConfig.MAX_ID_LENGTH_CONFIG, 0).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.MAX_ID_LENGTH_CONFIG);
  }

  @Test
  void shouldReadKeyFilesWhenConfiguredAndFailWhenUnreadable(@TempDir Path dir) throws Exception {
    Path keys = dir.resolve("api-keys");
    Files.writeString(
        keys, "# acme's keys\n\nacme:" + ACME_KEY_SHA256 + "\n  globex:" + "ab".repeat(32) + "\n");
    KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    Path pem = dir.resolve("jwt.pem");
    Files.writeString(
        pem,
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(rsa.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n");
    GatewayConfig c =
        GatewayConfig.newBuilder()
            .authRequired(true)
            .tenant("acme")
            .set(GatewayConfig.API_KEYS_FILE_CONFIG, keys.toString())
            .set(GatewayConfig.JWT_PUBLIC_KEY_FILE_CONFIG, pem.toString())
            .build();
    assertThat(c.apiKeys()).containsExactly("acme:" + ACME_KEY_SHA256, "globex:" + "ab".repeat(32));
    assertThat(c.jwtPublicKey().orElseThrow().getEncoded()).isEqualTo(rsa.getPublic().getEncoded());

    assertThatThrownBy(
            () ->
                GatewayConfig.newBuilder()
                    .set(GatewayConfig.API_KEYS_FILE_CONFIG, dir.resolve("missing").toString())
                    .build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.API_KEYS_FILE_CONFIG)
        .hasMessageContaining("cannot be read");
    Path plain = dir.resolve("plain-keys");
    Files.writeString(plain, "acme:the-plain-key\n");
    assertThatThrownBy(
            () ->
                GatewayConfig.newBuilder()
                    .set(GatewayConfig.API_KEYS_FILE_CONFIG, plain.toString())
                    .build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("line 1")
        .hasMessageNotContaining("the-plain-key");
    assertThatThrownBy(
            () ->
                GatewayConfig.newBuilder()
                    .set(GatewayConfig.JWT_PUBLIC_KEY_FILE_CONFIG, keys.toString())
                    .build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.JWT_PUBLIC_KEY_FILE_CONFIG)
        .hasMessageContaining("PEM");
  }
}
