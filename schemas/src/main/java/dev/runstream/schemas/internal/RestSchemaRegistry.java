package dev.runstream.schemas.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.IncompatibleSchemaException;
import dev.runstream.schemas.SchemaRegistry;
import dev.runstream.schemas.SchemaRegistryException;
import dev.runstream.schemas.SchemaRegistryUnavailableException;
import dev.runstream.schemas.UnknownSchemaException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.common.cache.SynchronizedCache;
import org.apache.kafka.common.utils.ExponentialBackoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link SchemaRegistry} over the Confluent REST API, with {@code java.net.http} and Jackson. */
public final class RestSchemaRegistry implements SchemaRegistry {
  private static final Logger log = LoggerFactory.getLogger(RestSchemaRegistry.class);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final int maxRetries;
  private final ExponentialBackoff backoff;
  private final String authorization;
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
  private final Cache<Integer, Schema> schemasById;

  public RestSchemaRegistry(AvroSerdeConfig config) {
    this.baseUrl = config.registryUrl();
    this.requestTimeout = Duration.ofMillis(config.requestTimeoutMs());
    this.http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    this.maxRetries = config.maxRetries();
    this.backoff =
        new ExponentialBackoff(config.retryBackoffMs(), 2, config.retryBackoffMaxMs(), 0.2);
    String userInfo = config.basicAuthUserInfo();
    this.authorization =
        userInfo.isEmpty()
            ? null
            : "Basic "
                + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    this.schemasById = new SynchronizedCache<>(new LRUCache<>(config.cacheCapacity()));
  }

  @Override
  public int register(String subject, Schema schema) {
    return idsBySubject
        .computeIfAbsent(subject, s -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            schema,
            s -> {
              JsonNode body =
                  call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(s));
              int id = body.path("id").asInt(-1);
              if (id < 0) {
                throw unexpected("register under " + subject, body);
              }
              schemasById.put(id, s);
              return id;
            });
  }

  @Override
  public int idOf(String subject, Schema schema) {
    return idsBySubject
        .computeIfAbsent(subject, s -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            schema,
            s -> {
              JsonNode body = call("POST", "/subjects/" + encode(subject), schemaBody(s));
              int id = body.path("id").asInt(-1);
              if (id < 0) {
                throw unexpected("look up a schema under " + subject, body);
              }
              schemasById.put(id, s);
              return id;
            });
  }

  @Override
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode body = call("GET", "/schemas/ids/" + id, null);
    String type = body.path("schemaType").asText("AVRO");
    if (!"AVRO".equals(type)) {
      throw new SchemaRegistryException(
          "schema id " + id + " is a " + type + " schema, not Avro", 200, -1);
    }
    Schema schema;
    try {
      schema = new Schema.Parser().parse(body.path("schema").asText());
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException(
          "schema id " + id + " from " + baseUrl + " is not valid Avro: " + e.getMessage(),
          200,
          -1);
    }
    schemasById.put(id, schema);
    return schema;
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    try {
      JsonNode body =
          call(
              "POST",
              "/compatibility/subjects/" + encode(subject) + "/versions/latest",
              schemaBody(schema));
      return body.path("is_compatible").asBoolean(false);
    } catch (UnknownSchemaException noSubjectYet) {
      return true;
    }
  }

  @Override
  public void setCompatibility(String subject, String level) {
    call("PUT", "/config/" + encode(subject), JSON.createObjectNode().put("compatibility", level));
  }

  private JsonNode schemaBody(Schema schema) {
    return JSON.createObjectNode().put("schemaType", "AVRO").put("schema", schema.toString());
  }

  private JsonNode call(String method, String path, JsonNode body) {
    URI uri = URI.create(baseUrl + path);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(requestTimeout).header("Accept", CONTENT_TYPE);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", CONTENT_TYPE);
      request.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    }
    HttpRequest built = request.build();

    String lastFailure = null;
    Throwable lastCause = null;
    long started = System.nanoTime();
    for (int attempt = 0; attempt <= maxRetries; attempt++) {
      if (attempt > 0) {
        sleep(backoff.backoff(attempt - 1));
      }
      try {
        HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          return parse(response.body(), method, uri);
        }
        if (status >= 500 || status == 408 || status == 429) {
          lastFailure = "HTTP " + status + " " + abbreviate(response.body());
          lastCause = null;
          log.debug(
              "{} {} answered {}; attempt {} of {}",
              method,
              uri,
              status,
              attempt + 1,
              maxRetries + 1);
          continue;
        }
        throw refusal(method, uri, status, response.body());
      } catch (IOException e) {
        lastFailure =
            e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        lastCause = e;
        log.debug(
            "{} {} failed on attempt {} of {}: {}",
            method,
            uri,
            attempt + 1,
            maxRetries + 1,
            lastFailure);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryUnavailableException(
            "interrupted while calling the schema registry: " + method + " " + uri, e);
      }
    }
    long elapsedMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
    throw new SchemaRegistryUnavailableException(
        "schema registry unavailable: "
            + method
            + " "
            + uri
            + " failed "
            + (maxRetries + 1)
            + " times in "
            + elapsedMs
            + " ms; last failure: "
            + lastFailure,
        lastCause);
  }

  private RuntimeException refusal(String method, URI uri, int status, String responseBody) {
    int errorCode = -1;
    String message = abbreviate(responseBody);
    try {
      JsonNode error = JSON.readTree(responseBody);
      errorCode = error.path("error_code").asInt(-1);
      message = error.path("message").asText(message);
    } catch (JsonProcessingException notJson) {
      // keep the raw body as the message
    }
    String what =
        method + " " + uri + " answered " + status + " (error code " + errorCode + "): " + message;
    if (status == 404) {
      return new UnknownSchemaException(what);
    }
    if (status == 409) {
      return new IncompatibleSchemaException(what);
    }
    return new SchemaRegistryException(what, status, errorCode);
  }

  private static JsonNode parse(String body, String method, URI uri) {
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new SchemaRegistryException(
          method + " " + uri + " answered a body that is not JSON: " + abbreviate(body), 200, -1);
    }
  }

  private static SchemaRegistryException unexpected(String what, JsonNode body) {
    return new SchemaRegistryException(
        "unexpected answer to " + what + ": " + abbreviate(body.toString()), 200, -1);
  }

  private static String abbreviate(String text) {
    if (text == null) {
      return "";
    }
    return text.length() <= 300 ? text : text.substring(0, 300) + "…";
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryUnavailableException("interrupted while backing off", e);
    }
  }
}
