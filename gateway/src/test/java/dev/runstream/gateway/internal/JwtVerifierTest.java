package dev.runstream.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.junit.jupiter.api.Test;

class JwtVerifierTest {
  static final String SECRET = "0123456789abcdef0123456789abcdef-test-secret";
  static final String ISSUER = "https://issuer.example";
  static final String AUDIENCE = "runstream-gateway";

  static final KeyPair RSA = generate("RSA", null);
  static final KeyPair EC = generate("EC", "secp256r1");

  private static KeyPair generate(String algorithm, String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      if (curve != null) {
        g.initialize(new ECGenParameterSpec(curve));
      } else {
        g.initialize(2048);
      }
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Claims valid now: issuer, audience, tenant acme, expiring in 5 minutes. */
  static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject("alice")
        .claim("tenant", "acme")
        .expirationTime(Date.from(Instant.now().plusSeconds(300)));
  }

  static String sign(JWSSigner signer, JWSAlgorithm algorithm, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hs256(String secret, JWTClaimsSet claims) {
    try {
      return sign(
          new MACSigner(secret.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JwtVerifier hmacVerifier() {
    return new JwtVerifier(
        SECRET.getBytes(StandardCharsets.UTF_8),
        null,
        ISSUER,
        AUDIENCE,
        "tenant",
        Duration.ofSeconds(60));
  }

  private static JwtVerifier publicKeyVerifier(KeyPair pair) {
    return new JwtVerifier(null, pair.getPublic(), ISSUER, AUDIENCE, "tenant", Duration.ZERO);
  }

  private static void assertRefused(JwtVerifier verifier, String token, String why) {
    assertThatThrownBy(() -> verifier.tenantOf(token))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(why);
  }

  @Test
  void shouldReturnTheTenantClaimWhenAnHs256TokenIsValid() {
    String token = hs256(SECRET, claims().build());
    assertThat(JwtVerifier.looksLikeJwt(token)).isTrue();
    assertThat(hmacVerifier().tenantOf(token)).isEqualTo("acme");
    assertThat(hmacVerifier().tenantOf(hs256(SECRET, claims().claim("tenant", "other").build())))
        .isEqualTo("other");
  }

  @Test
  void shouldRefuseTheTokenWhenItHasExpiredBeyondTheClockSkew() {
    Date twoMinutesAgo = Date.from(Instant.now().minusSeconds(120));
    assertRefused(
        hmacVerifier(),
        hs256(SECRET, claims().expirationTime(twoMinutesAgo).build()),
        "Expired JWT");
    Date thirtySecondsAgo = Date.from(Instant.now().minusSeconds(30));
    assertThat(
            hmacVerifier()
                .tenantOf(hs256(SECRET, claims().expirationTime(thirtySecondsAgo).build())))
        .as("within the 60 s clock skew")
        .isEqualTo("acme");
  }

  @Test
  void shouldRefuseTheTokenWhenItIsNotValidYet() {
    Date inTenMinutes = Date.from(Instant.now().plusSeconds(600));
    assertRefused(
        hmacVerifier(), hs256(SECRET, claims().notBeforeTime(inTenMinutes).build()), "JWT");
  }

  @Test
  void shouldRefuseTheTokenWhenTheSignatureIsWrong() {
    String other = hs256("another-secret-another-secret-another-secret", claims().build());
    assertRefused(hmacVerifier(), other, "bad signature");
    String token = hs256(SECRET, claims().build());
    String[] parts = token.split("\\.");
    String forgedClaims =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                claims()
                    .claim("tenant", "evil")
                    .build()
                    .toString()
                    .getBytes(StandardCharsets.UTF_8));
    assertRefused(hmacVerifier(), parts[0] + "." + forgedClaims + "." + parts[2], "bad signature");
  }

  @Test
  void shouldRefuseTheTokenWhenTheIssuerIsWrong() {
    assertRefused(
        hmacVerifier(), hs256(SECRET, claims().issuer("https://evil.example").build()), "iss");
    assertRefused(hmacVerifier(), hs256(SECRET, claims().issuer(null).build()), "iss");
  }

  @Test
  void shouldRefuseTheTokenWhenTheAudienceIsWrong() {
    assertRefused(hmacVerifier(), hs256(SECRET, claims().audience("another-api").build()), "aud");
    assertRefused(hmacVerifier(), hs256(SECRET, claims().audience((String) null).build()), "aud");
  }

  @Test
  void shouldRefuseTheTokenWhenExpOrTheTenantClaimIsMissing() {
    assertRefused(hmacVerifier(), hs256(SECRET, claims().expirationTime(null).build()), "exp");
    assertRefused(hmacVerifier(), hs256(SECRET, claims().claim("tenant", null).build()), "tenant");
    assertRefused(hmacVerifier(), hs256(SECRET, claims().claim("tenant", 42).build()), "claims");
  }

  @Test
  void shouldRefuseUnsignedAndMalformedTokensWhenParsing() {
    String none = new PlainJWT(claims().build()).serialize();
    assertRefused(hmacVerifier(), none, "not a signed JWT");
    assertRefused(hmacVerifier(), "eyJhbGciOiJIUzI1NiJ9.garbage.sig", "bad signature");
    assertRefused(hmacVerifier(), "eyJ.a.b", "not a signed JWT");
  }

  @Test
  void shouldVerifyRs256AndEs256TokensWhenAPublicKeyIsConfigured() throws Exception {
    String rs256 = sign(new RSASSASigner(RSA.getPrivate()), JWSAlgorithm.RS256, claims().build());
    assertThat(publicKeyVerifier(RSA).tenantOf(rs256)).isEqualTo("acme");
    String es256 =
        sign(new ECDSASigner((ECPrivateKey) EC.getPrivate()), JWSAlgorithm.ES256, claims().build());
    assertThat(publicKeyVerifier(EC).tenantOf(es256)).isEqualTo("acme");

    KeyPair otherRsa = generate("RSA", null);
    String forged =
        sign(new RSASSASigner(otherRsa.getPrivate()), JWSAlgorithm.RS256, claims().build());
    assertRefused(publicKeyVerifier(RSA), forged, "bad signature");
    assertRefused(publicKeyVerifier(EC), rs256, "not accepted");
  }

  @Test
  void shouldRefuseAnHmacTokenWhenOnlyAPublicKeyIsConfigured() {
    // The algorithm-confusion attack: an HS256 token "signed" with the public key's bytes.
    String confused =
        hs256(Base64.getEncoder().encodeToString(RSA.getPublic().getEncoded()), claims().build());
    assertRefused(publicKeyVerifier(RSA), confused, "not accepted");
  }
}
