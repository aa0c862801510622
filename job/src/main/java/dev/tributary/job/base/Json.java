package dev.tributary.job.base;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

/** Small null-safe readers over Jackson trees, shared by the provider parsers. */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A plain decimal as providers write money in major units: {@code 199.00}, {@code -10.00}. */
  private static final Pattern PLAIN_DECIMAL = Pattern.compile("-?[0-9]{1,30}(\\.[0-9]{1,30})?");

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

  /**
   * An amount written in major units, as exact minor units of a currency with {@code exponent}
   * digits: a JSON string holding a plain decimal ({@code "199.00"}, {@code "-10.00"}, {@code
   * "29"}) or an integral JSON number. Zeros beyond the exponent are dropped ({@code "1000.00"} JPY
   * is 1000); any other digit beyond it, an exponent form, a JSON float (already rounded by the
   * parser) or a value whose magnitude exceeds a signed 64-bit integer is refused, never rounded.
   * The sign is kept: callers decide what a negative amount means.
   */
  public static long requiredDecimalMinor(JsonNode node, String field, String where, int exponent) {
    JsonNode v = node == null ? null : node.get(field);
    String text;
    if (v != null && v.isTextual()) {
      text = v.textValue();
    } else if (v != null && v.isIntegralNumber()) {
      text = v.asText();
    } else {
      throw new MalformedPayloadException(where + "." + field + " is not a decimal string");
    }
    if (!PLAIN_DECIMAL.matcher(text).matches()) {
      throw new MalformedPayloadException(where + "." + field + " is not a plain decimal");
    }
    try {
      return MinorUnits.of(new BigDecimal(text), exponent);
    } catch (ArithmeticException e) {
      throw new MalformedPayloadException(where + "." + field + " " + reason(e));
    }
  }

  /** "has more than 2 decimals" or "does not fit a 64-bit integer". */
  private static String reason(ArithmeticException e) {
    return e.getMessage().startsWith("more") ? "has " + e.getMessage() : e.getMessage();
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

  /**
   * A list of name/value pairs ({@code [{"name":…,"value":…}]}: Shopify's {@code note_attributes},
   * WooCommerce's {@code meta_data} with {@code key}) as one object, so that {@link MetadataKeys}
   * can read it like any provider's metadata. The first pair of a name wins; pairs without a name
   * or with a value that is an object or an array are left out. Null when {@code array} is not an
   * array.
   */
  public static JsonNode objectOfPairs(JsonNode array, String nameField, String valueField) {
    if (array == null || !array.isArray()) {
      return null;
    }
    ObjectNode object = MAPPER.createObjectNode();
    for (JsonNode pair : array) {
      String name = text(pair, nameField);
      JsonNode value = pair.get(valueField);
      if (name != null && value != null && value.isValueNode() && !object.has(name)) {
        object.set(name, value);
      }
    }
    return object;
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
