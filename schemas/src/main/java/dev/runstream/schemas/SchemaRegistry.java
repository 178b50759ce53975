package dev.runstream.schemas;

import dev.runstream.schemas.internal.RestSchemaRegistry;
import org.apache.avro.Schema;

/**
 * A client of a schema registry that speaks the Confluent Schema Registry REST API (Confluent
 * Schema Registry, Karapace, Apicurio's {@code /apis/ccompat/v7}).
 *
 * <p>Ids and schemas are cached: registering or looking up the same schema under the same subject
 * calls the registry once, and a schema is fetched by id once. Requests that fail to connect, time
 * out or get a 5xx answer are retried with exponential backoff, a bounded number of times (see
 * {@link AvroSerdeConfig}); then {@link SchemaRegistryUnavailableException} (retriable) is thrown.
 * Authoritative refusals are fatal: {@link IncompatibleSchemaException} (409), {@link
 * UnknownSchemaException} (404), {@link SchemaRegistryException} (other 4xx). Implementations are
 * thread-safe.
 *
 * <pre>{@code
 * SchemaRegistry registry = SchemaRegistry.connect(new AvroSerdeConfig());
 * int id = registry.register("agent-events-value", AgentEvent.getClassSchema());
 * Schema same = registry.schemaById(id);
 * }</pre>
 */
public interface SchemaRegistry {

  /** A client for the registry at {@link AvroSerdeConfig#registryUrl()}. No request is made yet. */
  static SchemaRegistry connect(AvroSerdeConfig config) {
    return new RestSchemaRegistry(config);
  }

  /**
   * Registers {@code schema} under {@code subject} (a no-op returning the existing id if it is
   * already registered there) and returns its global id.
   *
   * @throws IncompatibleSchemaException when the subject's compatibility rule rejects it
   */
  int register(String subject, Schema schema);

  /**
   * The id of {@code schema} if it is registered under {@code subject}.
   *
   * @throws UnknownSchemaException when the subject or the schema under it does not exist
   */
  int idOf(String subject, Schema schema);

  /**
   * The schema with global id {@code id}.
   *
   * @throws UnknownSchemaException when no schema has that id
   */
  Schema schemaById(int id);

  /**
   * Whether {@code schema} could be registered under {@code subject} by its compatibility rule.
   * True when the subject does not exist yet.
   */
  boolean isCompatible(String subject, Schema schema);

  /** Sets the compatibility rule of {@code subject}, e.g. {@code "BACKWARD"} or {@code "FULL"}. */
  void setCompatibility(String subject, String level);

  /** The subject of a topic's values or keys under Confluent's TopicNameStrategy. */
  static String topicSubject(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }
}
