package dev.runstream.topology.internal;

import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/** Reassembles a workflow's text from its stored chunks. */
public final class TextChunks {
  private TextChunks() {}

  /**
   * The text described by {@code state}: its first {@code textBytes} bytes, from {@code textChunks}
   * chunks from index {@code textBase} on, read with {@code chunk} (index to bytes, null if
   * missing).
   *
   * @throws IllegalStateException if a chunk is missing or the chunks are shorter than the header
   *     says, which means the store is being rebuilt under the reader
   */
  public static String assemble(WorkflowState state, IntFunction<byte[]> chunk) {
    long length = state.textBytes();
    if (length == 0) {
      return "";
    }
    if (length > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("text of " + length + " bytes is too long to assemble");
    }
    byte[] text = new byte[(int) length];
    int position = 0;
    for (int i = 0; i < state.textChunks() && position < length; i++) {
      byte[] bytes = chunk.apply(state.textBase() + i);
      if (bytes == null) {
        throw new IllegalStateException(
            "text chunk " + i + " of workflow " + state.run().getWorkflowId() + " is missing");
      }
      int take = (int) Math.min(bytes.length, length - position);
      System.arraycopy(bytes, 0, text, position, take);
      position += take;
    }
    if (position != length) {
      throw new IllegalStateException(
          "text of workflow "
              + state.run().getWorkflowId()
              + " has "
              + position
              + " of "
              + length
              + " bytes");
    }
    return new String(text, StandardCharsets.UTF_8);
  }
}
