package dev.runstream.bench.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@link SuiteReport} as JSON ({@code latest.json}): record components by name, NaN (unmeasured) as
 * {@code null}, plus the summary's ratios under {@code headlines}.
 */
public final class JsonReport {
  private static final ObjectMapper MAPPER = mapper();

  private JsonReport() {}

  /**
   * The JSON document.
   *
   * @param report the figures
   * @return pretty-printed JSON
   */
  public static String render(SuiteReport report) {
    try {
      var root = MAPPER.valueToTree(report);
      var headlines = MAPPER.createArrayNode();
      for (Headline h : Headline.of(report)) {
        var node = MAPPER.valueToTree(h);
        ((com.fasterxml.jackson.databind.node.ObjectNode) node)
            .set("baselineRatio", MAPPER.valueToTree(h.baselineRatio()));
        ((com.fasterxml.jackson.databind.node.ObjectNode) node)
            .set("peerRatio", MAPPER.valueToTree(h.peerRatio()));
        headlines.add(node);
      }
      ((com.fasterxml.jackson.databind.node.ObjectNode) root).set("headlines", headlines);
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a document written by {@link #render}, headlines ignored; {@code null} figures read as
   * NaN.
   *
   * @param json the document
   * @return the report
   */
  public static SuiteReport parse(String json) {
    try {
      var node = (com.fasterxml.jackson.databind.node.ObjectNode) MAPPER.readTree(json);
      node.remove("headlines");
      return MAPPER.treeToValue(node, SuiteReport.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectMapper mapper() {
    JsonSerializer<Double> nanAsNull =
        new JsonSerializer<>() {
          @Override
          public void serialize(Double value, JsonGenerator gen, SerializerProvider serializers)
              throws IOException {
            if (value == null || value.isNaN() || value.isInfinite()) {
              gen.writeNull();
            } else {
              gen.writeNumber(value);
            }
          }
        };
    JsonDeserializer<Double> nullAsNan =
        new JsonDeserializer<>() {
          @Override
          public Double deserialize(JsonParser p, DeserializationContext context)
              throws IOException {
            return p.getValueAsDouble();
          }

          @Override
          public Double getNullValue(DeserializationContext context) {
            return Double.NaN;
          }
        };
    SimpleModule module = new SimpleModule("nan-as-null");
    module.addSerializer(Double.class, nanAsNull);
    module.addSerializer(double.class, nanAsNull);
    module.addDeserializer(Double.class, nullAsNan);
    module.addDeserializer(double.class, nullAsNan);
    ObjectMapper mapper = new ObjectMapper().registerModule(module);
    mapper.enable(SerializationFeature.INDENT_OUTPUT);
    mapper.configure(
        com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false);
    mapper.configure(
        com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    return mapper;
  }
}
