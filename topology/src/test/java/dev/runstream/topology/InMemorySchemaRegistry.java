package dev.runstream.topology;

import dev.runstream.schemas.SchemaRegistry;
import dev.runstream.schemas.UnknownSchemaException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * A schema registry held in memory, for unit tests: the real Confluent-format serdes run against
 * it, so wire format, unknown ids and malformed bytes behave as with a real registry.
 */
final class InMemorySchemaRegistry implements SchemaRegistry {
  private final Map<Schema, Integer> ids = new HashMap<>();
  private final Map<Integer, Schema> schemas = new HashMap<>();
  private int next = 1;

  @Override
  public synchronized int register(String subject, Schema schema) {
    return ids.computeIfAbsent(
        schema,
        s -> {
          int id = next++;
          schemas.put(id, s);
          return id;
        });
  }

  @Override
  public synchronized int idOf(String subject, Schema schema) {
    Integer id = ids.get(schema);
    if (id == null) {
      throw new UnknownSchemaException("schema not registered under " + subject);
    }
    return id;
  }

  @Override
  public synchronized Schema schemaById(int id) {
    Schema schema = schemas.get(id);
    if (schema == null) {
      throw new UnknownSchemaException("no schema with id " + id);
    }
    return schema;
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    return true;
  }

  @Override
  public void setCompatibility(String subject, String level) {}
}
