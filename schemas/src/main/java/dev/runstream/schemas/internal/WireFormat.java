package dev.runstream.schemas.internal;

import dev.runstream.schemas.MalformedRecordException;
import java.nio.ByteBuffer;

/** The Confluent framing: magic byte 0, a 4-byte big-endian schema id, then the Avro body. */
public final class WireFormat {
  public static final byte MAGIC_BYTE = 0;
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  /** Reads and checks the header; the buffer is left positioned at the Avro body. */
  public static int readSchemaId(ByteBuffer buffer, String topic) {
    if (buffer.remaining() < HEADER_SIZE) {
      throw new MalformedRecordException(
          "record on topic "
              + topic
              + " has "
              + buffer.remaining()
              + " bytes; the Confluent wire format needs at least "
              + HEADER_SIZE
              + " (magic byte and schema id)");
    }
    byte magic = buffer.get();
    if (magic != MAGIC_BYTE) {
      throw new MalformedRecordException(
          String.format(
              "record on topic %s starts with unknown magic byte 0x%02x; expected 0x00 (Confluent"
                  + " wire format)",
              topic, magic));
    }
    return buffer.getInt();
  }

  public static void writeHeader(ByteBuffer buffer, int schemaId) {
    buffer.put(MAGIC_BYTE).putInt(schemaId);
  }
}
