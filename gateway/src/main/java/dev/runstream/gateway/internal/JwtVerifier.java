package dev.runstream.gateway.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Verifies signed JWTs (Nimbus JOSE+JWT) and tells the tenant they were issued for.
 *
 * <p>A token is accepted only if it is a JWS whose algorithm matches a configured key — HMAC
 * (HS256/384/512) with the shared secret, RSA (RS*, PS*) or EC (ES* on the key's curve) with the
 * public key — so an {@code alg: none} token or an HMAC token signed with the public key is
 * refused. Its claims must have {@code exp} (not past, with the allowed clock skew), {@code nbf} if
 * present not in the future, the configured {@code iss} and {@code aud} when set, and the tenant
 * claim as a string.
 */
public final class JwtVerifier {
  private final JWSVerifier hmac;
  private final JWSVerifier publicKey;
  private final DefaultJWTClaimsVerifier<SecurityContext> claims;
  private final String tenantClaim;

  /**
   * A verifier; at least one of {@code hmacSecret} and {@code key} is given.
   *
   * @param hmacSecret the HMAC secret (at least 32 bytes), or null
   * @param key the RSA or EC public key, or null
   * @param issuer the required {@code iss}, or null for any
   * @param audience the required {@code aud}, or null for any
   * @param tenantClaim the claim naming the tenant
   * @param clockSkew the allowed clock skew
   * @throws IllegalArgumentException if a key cannot be used
   */
  public JwtVerifier(
      byte[] hmacSecret,
      PublicKey key,
      String issuer,
      String audience,
      String tenantClaim,
      Duration clockSkew) {
    try {
      this.hmac = hmacSecret == null ? null : new MACVerifier(hmacSecret);
      if (key == null) {
        this.publicKey = null;
      } else if (key instanceof RSAPublicKey rsa) {
        this.publicKey = new RSASSAVerifier(rsa);
      } else if (key instanceof ECPublicKey ec) {
        this.publicKey = new ECDSAVerifier(ec);
      } else {
        throw new IllegalArgumentException("not an RSA or EC key: " + key.getAlgorithm());
      }
    } catch (JOSEException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    if (hmac == null && publicKey == null) {
      throw new IllegalArgumentException("no JWT key");
    }
    JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
    if (issuer != null) {
      exact.issuer(issuer);
    }
    Set<String> required = new HashSet<>(Set.of("exp", tenantClaim));
    if (issuer != null) {
      required.add("iss");
    }
    this.claims =
        new DefaultJWTClaimsVerifier<>(
            audience == null ? null : Set.of(audience), exact.build(), required, null);
    this.claims.setMaxClockSkew((int) Math.min(Integer.MAX_VALUE, clockSkew.toSeconds()));
    this.tenantClaim = tenantClaim;
  }

  /** Whether {@code credential} has the shape of a JWS compact serialization. */
  public static boolean looksLikeJwt(String credential) {
    return credential.chars().filter(c -> c == '.').count() == 2 && credential.startsWith("eyJ");
  }

  /**
   * The tenant a valid token was issued for.
   *
   * @param token the compact JWT
   * @return the value of the tenant claim
   * @throws IllegalArgumentException naming why the token is refused (for the logs, not the client)
   */
  public String tenantOf(String token) {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new IllegalArgumentException("not a signed JWT: " + e.getMessage());
    }
    JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
    JWSVerifier verifier =
        JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)
            ? hmac
            : (JWSAlgorithm.Family.RSA.contains(algorithm)
                    || JWSAlgorithm.Family.EC.contains(algorithm))
                ? publicKey
                : null;
    if (verifier == null || !verifier.supportedJWSAlgorithms().contains(algorithm)) {
      throw new IllegalArgumentException("algorithm " + algorithm + " is not accepted");
    }
    try {
      if (!jwt.verify(verifier)) {
        throw new IllegalArgumentException("bad signature");
      }
    } catch (JOSEException e) {
      throw new IllegalArgumentException("signature not verifiable: " + e.getMessage());
    }
    try {
      JWTClaimsSet set = jwt.getJWTClaimsSet();
      claims.verify(set, null);
      String tenant = set.getStringClaim(tenantClaim);
      if (tenant == null || tenant.isBlank()) {
        throw new IllegalArgumentException("no " + tenantClaim + " claim");
      }
      return tenant;
    } catch (ParseException | BadJWTException e) {
      throw new IllegalArgumentException("claims rejected: " + e.getMessage());
    }
  }
}
