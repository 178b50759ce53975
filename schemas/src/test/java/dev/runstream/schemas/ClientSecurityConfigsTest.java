package dev.runstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientSecurityConfigsTest {
  private static final ConfigDef DEF =
      QueryServiceToken.define(TenantConfigs.define(ClientSecurityConfigs.define(new ConfigDef())));

  private static Map<String, Object> parse(Map<String, Object> values) {
    Map<String, Object> parsed = new HashMap<>(new AbstractConfig(DEF, values, false).values());
    ClientSecurityConfigs.validate(parsed);
    return parsed;
  }

  @Test
  void shouldOnlySetPlaintextWhenNothingIsConfigured() {
    assertThat(ClientSecurityConfigs.clientProperties(parse(Map.of())))
        .containsExactly(Map.entry("security.protocol", "PLAINTEXT"));
  }

  @Test
  void shouldBuildTheScramJaasLineWhenUserAndPasswordAreGiven() {
    Map<String, Object> props =
        ClientSecurityConfigs.clientProperties(
            parse(
                Map.of(
                    "security.protocol", "sasl_ssl",
                    "sasl.mechanism", "SCRAM-SHA-512",
                    "sasl.username", "acme-worker",
                    "sasl.password", "p\"w")));
    assertThat(props).containsEntry("security.protocol", "SASL_SSL");
    assertThat(props).doesNotContainKeys("sasl.username", "sasl.password");
    assertThat(((Password) props.get("sasl.jaas.config")).value())
        .isEqualTo(
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"acme-worker\" password=\"p\\\"w\";");
    assertThat(props.get("sasl.jaas.config").toString()).isEqualTo("[hidden]");
  }

  @Test
  void shouldUseThePlainLoginModuleWhenTheMechanismIsPlain() {
    Map<String, Object> props =
        ClientSecurityConfigs.clientProperties(
            parse(
                Map.of(
                    "security.protocol", "SASL_PLAINTEXT",
                    "sasl.mechanism", "PLAIN",
                    "sasl.username", "u",
                    "sasl.password", "p")));
    assertThat(((Password) props.get("sasl.jaas.config")).value())
        .startsWith("org.apache.kafka.common.security.plain.PlainLoginModule required");
  }

  @Test
  void shouldFailAtStartupWhenSaslHasNoCredentials() {
    assertThatThrownBy(
            () -> parse(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-256")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("security.protocol")
        .hasMessageContaining("needs credentials");
  }

  @Test
  void shouldFailAtStartupWhenCredentialsAreIncompleteOrTwice() {
    assertThatThrownBy(() -> parse(Map.of("sasl.username", "u")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("go together");
    Map<String, Object> both = new HashMap<>();
    both.put("sasl.username", "u");
    both.put("sasl.password", "p");
    both.put("sasl.jaas.config", "x required;");
    assertThatThrownBy(() -> parse(both))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not both");
    assertThatThrownBy(
            () ->
                parse(
                    Map.of(
                        "sasl.mechanism",
                        "OAUTHBEARER",
                        "sasl.username",
                        "u",
                        "sasl.password",
                        "p")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not OAUTHBEARER");
  }

  @Test
  void shouldFailAtStartupWhenAStoreIsNotReadableOrHasNoPassword(@TempDir Path dir)
      throws Exception {
    assertThatThrownBy(
            () -> parse(Map.of("ssl.truststore.location", dir.resolve("missing.p12").toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ssl.truststore.location")
        .hasMessageContaining("not a readable file");
    Path keystore = Files.writeString(dir.resolve("client.p12"), "x");
    assertThatThrownBy(
            () ->
                parse(
                    Map.of(
                        "security.protocol", "SSL", "ssl.keystore.location", keystore.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ssl.keystore.password");
    assertThatThrownBy(() -> parse(Map.of("security.protocol", "TLS")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("must be one of");
  }

  @Test
  void shouldPrefixOnlyTheDefaultsWhenATenantIsSet() {
    ConfigDef def =
        TenantConfigs.define(new ConfigDef())
            .define("topic", ConfigDef.Type.STRING, "agent-events", ConfigDef.Importance.HIGH, "t")
            .define("other", ConfigDef.Type.STRING, "runs", ConfigDef.Importance.HIGH, "o");
    Map<String, Object> resolved = new HashMap<>(Map.of("tenant.id", "acme", "other", "mine"));
    TenantConfigs.prefixDefaults(def, resolved, List.of("topic", "other"));
    assertThat(resolved).containsEntry("topic", "acme.agent-events").containsEntry("other", "mine");
    Map<String, Object> none = new HashMap<>();
    TenantConfigs.prefixDefaults(def, none, List.of("topic"));
    assertThat(none).doesNotContainKey("topic");
    assertThatThrownBy(() -> new AbstractConfig(def, Map.of("tenant.id", "Acme.Corp"), false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("lower-case");
  }

  @Test
  void shouldAcceptOnlyTheExactQueryTokenWhenCompared() {
    Password token = new Password("0123456789abcdef-token");
    assertThat(QueryServiceToken.accepts("Bearer 0123456789abcdef-token", token)).isTrue();
    assertThat(QueryServiceToken.accepts("Bearer 0123456789abcdef-tokeN", token)).isFalse();
    assertThat(QueryServiceToken.accepts("0123456789abcdef-token", token)).isFalse();
    assertThat(QueryServiceToken.accepts(null, token)).isFalse();
    assertThatThrownBy(() -> new AbstractConfig(DEF, Map.of("query.token", "short"), false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("at least 16")
        .hasMessageNotContaining("short");
  }
}
