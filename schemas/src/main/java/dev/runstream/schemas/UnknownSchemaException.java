package dev.runstream.schemas;

/**
 * The registry has no such schema: an unknown schema id in a record's header, or a schema that is
 * not registered under a subject when auto-registration is off. Fatal: the registry answered
 * authoritatively (HTTP 404).
 */
public class UnknownSchemaException extends AvroSerdeException {
  private static final long serialVersionUID = 1L;

  public UnknownSchemaException(String message) {
    super(message, null, false);
  }
}
