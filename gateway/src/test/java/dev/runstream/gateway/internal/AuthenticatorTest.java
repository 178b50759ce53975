package dev.runstream.gateway.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.gateway.GatewayConfig;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
  private static final Authenticator AUTH =
      new Authenticator(
          new GatewayConfig(
              Map.of(
                  GatewayConfig.AUTH_REQUIRED_CONFIG,
                  true,
                  GatewayConfig.TENANT_CONFIG,
                  "acme",
                  GatewayConfig.API_KEYS_CONFIG,
                  "acme:"
                      + ApiKeys.sha256Hex("acme-key")
                      + ",globex:"
                      + ApiKeys.sha256Hex("globex-key"),
                  GatewayConfig.JWT_HMAC_SECRET_CONFIG,
                  JwtVerifierTest.SECRET,
                  GatewayConfig.JWT_ISSUER_CONFIG,
                  JwtVerifierTest.ISSUER,
                  GatewayConfig.JWT_AUDIENCE_CONFIG,
                  JwtVerifierTest.AUDIENCE),
              Map.of(),
              new Properties()));

  private static void assert401(String credential, String code) {
    assertThatThrownBy(() -> AUTH.check(credential))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              org.assertj.core.api.Assertions.assertThat(e.status()).isEqualTo(401);
              org.assertj.core.api.Assertions.assertThat(e.code()).isEqualTo(code);
            });
  }

  @Test
  void shouldAcceptTheTenantsApiKeyAndJwtWhenValid() {
    assertThatCode(() -> AUTH.check("acme-key")).doesNotThrowAnyException();
    assertThatCode(
            () ->
                AUTH.check(
                    JwtVerifierTest.hs256(
                        JwtVerifierTest.SECRET, JwtVerifierTest.claims().build())))
        .doesNotThrowAnyException();
  }

  @Test
  void shouldAnswer401WhenTheCredentialIsMissingOrInvalid() {
    assert401(null, "unauthorized");
    assert401("wrong-key", "invalid_token");
    assert401(
        JwtVerifierTest.hs256(
            "another-secret-another-secret-another-secret", JwtVerifierTest.claims().build()),
        "invalid_token");
  }

  @Test
  void shouldAnswer401WhenTheCredentialIsAnotherTenants() {
    assert401("globex-key", "invalid_token");
    assert401(
        JwtVerifierTest.hs256(
            JwtVerifierTest.SECRET, JwtVerifierTest.claims().claim("tenant", "globex").build()),
        "invalid_token");
  }
}
