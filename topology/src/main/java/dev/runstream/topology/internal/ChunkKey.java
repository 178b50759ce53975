package dev.runstream.topology.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Key of one stored chunk of a workflow's text: the workflow id and the chunk's index. Serialized
 * as the id's UTF-8 bytes, a 0 byte, and the index as 4 big-endian bytes, so a workflow's chunks
 * sort together and in order.
 */
public record ChunkKey(String workflowId, int index) {

  /** The serde of chunk keys. */
  public static Serde<ChunkKey> serde() {
    Serializer<ChunkKey> serializer =
        (topic, key) -> {
          if (key == null) {
            return null;
          }
          byte[] id = key.workflowId().getBytes(StandardCharsets.UTF_8);
          return ByteBuffer.allocate(id.length + 5)
              .put(id)
              .put((byte) 0)
              .putInt(key.index())
              .array();
        };
    Deserializer<ChunkKey> deserializer =
        (topic, data) -> {
          if (data == null) {
            return null;
          }
          if (data.length < 5 || data[data.length - 5] != 0) {
            throw new SerializationException("not a text chunk key (" + data.length + " bytes)");
          }
          String id = new String(data, 0, data.length - 5, StandardCharsets.UTF_8);
          return new ChunkKey(id, ByteBuffer.wrap(data, data.length - 4, 4).getInt());
        };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
