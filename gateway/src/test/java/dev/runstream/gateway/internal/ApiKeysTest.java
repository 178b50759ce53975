package dev.runstream.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
  // printf %s 'secret-key-1' | sha256sum
  private static final String KEY_1_SHA256 =
      "a6c1eaef9d5f23f4e13d9b574cbbe07ae877227d92be87d077005dc6776bcdcc";

  @Test
  void shouldHashLikeSha256sumWhenMintingAnEntry() {
    assertThat(ApiKeys.sha256Hex("secret-key-1")).isEqualTo(KEY_1_SHA256);
  }

  @Test
  void shouldReturnTheTenantOfTheKeyWhenItsHashIsConfigured() {
    ApiKeys keys =
        new ApiKeys(List.of("acme:" + KEY_1_SHA256, "globex:" + ApiKeys.sha256Hex("secret-key-2")));
    assertThat(keys.isEmpty()).isFalse();
    assertThat(keys.tenantOf("secret-key-1")).hasValue("acme");
    assertThat(keys.tenantOf("secret-key-2")).hasValue("globex");
  }

  @Test
  void shouldReturnNothingWhenTheKeyIsUnknownOrIsTheHashItself() {
    ApiKeys keys = new ApiKeys(List.of("acme:" + KEY_1_SHA256));
    assertThat(keys.tenantOf("secret-key-3")).isEmpty();
    assertThat(keys.tenantOf("")).isEmpty();
    assertThat(keys.tenantOf("secret-key-1 ")).isEmpty();
    assertThat(keys.tenantOf(KEY_1_SHA256)).as("the stored hash is not a key").isEmpty();
    assertThat(new ApiKeys(List.of()).tenantOf("secret-key-1")).isEmpty();
  }
}
