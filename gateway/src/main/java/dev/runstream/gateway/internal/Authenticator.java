package dev.runstream.gateway.internal;

import dev.runstream.gateway.GatewayConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the credential of a {@code /v1/...} request in secure mode: an API key or a JWT, sent as
 * {@code Authorization: Bearer <credential>}, or — for GET only, because a browser's EventSource
 * cannot set headers — as the {@code access_token} query parameter. The credential must be valid
 * and belong to the gateway's tenant; anything else is a 401 with {@code WWW-Authenticate: Bearer}.
 * Credentials are never logged.
 */
public final class Authenticator {
  /** The query parameter that carries a credential on GET requests. */
  public static final String ACCESS_TOKEN_PARAM = "access_token";

  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
  private static final String BEARER = "Bearer ";

  private final String tenant;
  private final ApiKeys apiKeys;
  private final JwtVerifier jwt;

  /**
   * The authenticator of {@code config}'s secure mode.
   *
   * @param config a configuration with {@link GatewayConfig#authRequired()} and a tenant
   */
  public Authenticator(GatewayConfig config) {
    this.tenant = config.tenant().orElseThrow();
    this.apiKeys = new ApiKeys(config.apiKeys());
    this.jwt =
        config.jwtHmacSecret().isEmpty() && config.jwtPublicKey().isEmpty()
            ? null
            : new JwtVerifier(
                config
                    .jwtHmacSecret()
                    .map(p -> p.value().getBytes(StandardCharsets.UTF_8))
                    .orElse(null),
                config.jwtPublicKey().orElse(null),
                config.jwtIssuer().orElse(null),
                config.jwtAudience().orElse(null),
                config.jwtTenantClaim(),
                config.jwtClockSkew());
  }

  /**
   * Checks the request's credential.
   *
   * @param ctx the request
   * @throws ApiException 401 if the credential is missing, invalid, expired or another tenant's
   */
  public void check(Context ctx) {
    check(credential(ctx));
  }

  /**
   * Checks a credential.
   *
   * @param credential the API key or JWT, or null if the request has none
   * @throws ApiException 401 if it is missing, invalid, expired or another tenant's
   */
  public void check(String credential) {
    if (credential == null) {
      throw ApiException.unauthorized(
          "authentication required: send 'Authorization: Bearer <API key or JWT>'");
    }
    Optional<String> owner = tenantOf(credential);
    if (owner.isEmpty()) {
      throw ApiException.invalidToken("invalid or expired credentials");
    }
    if (!owner.get().equals(tenant)) {
      LOG.debug("a credential of another tenant");
      throw ApiException.invalidToken("invalid or expired credentials");
    }
  }

  private Optional<String> tenantOf(String credential) {
    if (jwt != null && JwtVerifier.looksLikeJwt(credential)) {
      try {
        return Optional.of(jwt.tenantOf(credential));
      } catch (IllegalArgumentException e) {
        LOG.debug("JWT refused: {}", e.getMessage());
        return Optional.empty();
      }
    }
    return apiKeys.tenantOf(credential);
  }

  private static String credential(Context ctx) {
    String header = ctx.header("Authorization");
    if (header != null) {
      if (header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
        String value = header.substring(BEARER.length()).trim();
        return value.isEmpty() ? null : value;
      }
      return null;
    }
    if ("GET".equals(ctx.method().name())) {
      String token = ctx.queryParam(ACCESS_TOKEN_PARAM);
      return token == null || token.isBlank() ? null : token.trim();
    }
    return null;
  }
}
