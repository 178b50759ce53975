package dev.runstream.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How tables show times, durations, money and counts. */
final class Formats {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Formats() {}

  /** An ISO-8601 timestamp field as {@code 2025-01-31 12:00:00Z}; {@code null} when absent. */
  static String time(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    try {
      return TIME.format(Instant.parse(node.asText()));
    } catch (RuntimeException e) {
      return node.asText();
    }
  }

  /** The time between two ISO-8601 timestamp fields, as {@code 12.3 s}; {@code null} if open. */
  static String duration(JsonNode from, JsonNode to) {
    if (from == null || to == null || from.isNull() || to.isNull()) {
      return null;
    }
    try {
      Duration d = Duration.between(Instant.parse(from.asText()), Instant.parse(to.asText()));
      return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** A decimal-string USD amount as {@code $0.004352} (rounded half-up to 6 decimals). */
  static String usd(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    try {
      return "$" + new BigDecimal(node.asText()).setScale(6, RoundingMode.HALF_UP).toPlainString();
    } catch (NumberFormatException e) {
      return node.asText();
    }
  }

  /** A count with thousands separators. */
  static String count(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    return String.format(Locale.ROOT, "%,d", node.asLong());
  }
}
