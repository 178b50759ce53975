package dev.runstream.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PemPublicKeyTest {
  /** {@code key} as {@code openssl pkey -pubout} writes it. */
  static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  @Test
  void shouldReadRsaAndEcKeysWhenThePemIsSubjectPublicKeyInfo() {
    PublicKey rsa = PemPublicKey.parse(pem(JwtVerifierTest.RSA.getPublic()));
    assertThat(rsa.getAlgorithm()).isEqualTo("RSA");
    assertThat(rsa.getEncoded()).isEqualTo(JwtVerifierTest.RSA.getPublic().getEncoded());
    PublicKey ec = PemPublicKey.parse("# comment\n" + pem(JwtVerifierTest.EC.getPublic()));
    assertThat(ec.getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void shouldFailClearlyWhenThePemHoldsNoPublicKey() {
    assertThatThrownBy(() -> PemPublicKey.parse("hello"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("BEGIN PUBLIC KEY");
    assertThatThrownBy(
            () -> PemPublicKey.parse("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("neither an RSA nor an EC");
  }
}
