package dev.runstream.schemas;

/**
 * The registry refused to register a schema because it breaks the subject's compatibility rule
 * (HTTP 409). Fatal: evolve the schema compatibly (add fields with defaults) instead.
 */
public class IncompatibleSchemaException extends AvroSerdeException {
  private static final long serialVersionUID = 1L;

  public IncompatibleSchemaException(String message) {
    super(message, null, false);
  }
}
