package dev.tributary.job.base;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Small null-safe readers over Jackson trees, shared by the provider parsers. */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** Parses {@code text} that must be one JSON object; {@code what} names it in the reason. */
  public static JsonNode readObject(String text, String what) {
    JsonNode n;
    try {
      n = text == null ? null : MAPPER.readTree(text);
    } catch (Exception e) {
      throw new MalformedPayloadException(what + " is not JSON");
    }
    if (n == null || !n.isObject()) {
      throw new MalformedPayloadException(what + " is not a JSON object");
    }
    return n;
  }

  /**
   * The text of a field, {@link Text#clean cleaned}, or null when it is missing, null, blank or
   * nothing but characters the job does not keep.
   */
  public static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || v.isNull() || v.isContainerNode()) {
      return null;
    }
    String s = Text.clean(v.asText());
    return s.isBlank() ? null : s;
  }

  public static String requiredText(JsonNode node, String field, String where) {
    String s = text(node, field);
    if (s == null) {
      throw new MalformedPayloadException(where + " has no " + field);
    }
    return s;
  }

  /**
   * An amount in minor units: present, integral (minor units never have a fraction), not negative
   * and within a signed 64-bit integer; anything else is refused rather than wrapped or rounded.
   */
  public static long requiredLong(JsonNode node, String field, String where) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || !v.isIntegralNumber()) {
      throw new MalformedPayloadException(where + "." + field + " is not an integer");
    }
    if (!v.canConvertToLong()) {
      throw new MalformedPayloadException(where + "." + field + " does not fit a 64-bit integer");
    }
    long value = v.longValue();
    if (value < 0) {
      throw new MalformedPayloadException(where + "." + field + " is negative");
    }
    return value;
  }

  /** The first of {@code keys} with a non-blank text value in {@code object}, or null. */
  public static String firstText(JsonNode object, List<String> keys) {
    if (object == null || !object.isObject()) {
      return null;
    }
    for (String key : keys) {
      String s = text(object, key);
      if (s != null) {
        return s;
      }
    }
    return null;
  }

  /** An id that may be a plain string or an expanded object with an {@code id}. */
  public static String idOf(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    return v.isObject() ? text(v, "id") : text(node, field);
  }

  /**
   * An ISO-8601 timestamp with an offset ({@code Z}, {@code +00:00}, {@code -07:00}) as epoch
   * millis; {@code fallback} when the field is missing; malformed input is refused with a reason
   * naming {@code where.field}.
   */
  public static long isoMillis(JsonNode node, String field, String where, long fallback) {
    String s = text(node, field);
    if (s == null) {
      return fallback;
    }
    Long millis = isoMillisOrNull(s);
    if (millis == null) {
      throw new MalformedPayloadException(where + "." + field + " is not ISO-8601");
    }
    return millis;
  }

  /** Lenient form of {@link #isoMillis}: null for a missing or unreadable value. */
  public static Long isoMillisOrNull(String s) {
    if (s == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant().toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      // ArithmeticException: a year such as +300000000 parses but has no epoch millis
      return null;
    }
  }

  /** A field that must hold a JSON object (e.g. an event's {@code data}). */
  public static JsonNode requiredObject(JsonNode node, String field, String where) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || !v.isObject()) {
      throw new MalformedPayloadException(where + " has no " + field);
    }
    return v;
  }

  /** The first readable ISO-8601 timestamp among {@code candidates}, else {@code fallback}. */
  public static long firstIsoMillis(long fallback, String... candidates) {
    for (String s : candidates) {
      Long millis = isoMillisOrNull(s);
      if (millis != null) {
        return millis;
      }
    }
    return fallback;
  }
}
