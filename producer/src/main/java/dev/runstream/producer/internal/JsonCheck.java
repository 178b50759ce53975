package dev.runstream.producer.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/** Checks that text is exactly one well-formed JSON value, without building it. */
final class JsonCheck {
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonCheck() {}

  /**
   * Why {@code text} is not one JSON value.
   *
   * @return the problem, or {@code null} if it is valid
   */
  static String problem(String text) {
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonToken token = parser.nextToken();
      if (token == null) {
        return "it is empty";
      }
      parser.skipChildren();
      if (parser.nextToken() != null) {
        return "it has content after the first JSON value";
      }
      return null;
    } catch (JsonProcessingException e) {
      return e.getOriginalMessage();
    } catch (IOException e) {
      return e.getMessage();
    }
  }
}
