package dev.tributary.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the fields of a JSON request body and collects every problem at once, so that a client sees
 * all its mistakes in one 400 instead of one per attempt. A JSON {@code null} counts as absent.
 *
 * <p>Every string read here passes {@link TextHygiene}: under {@link TextHygiene.Rule#IDENTIFIER}
 * unless the caller asks for free text.
 */
final class Fields {

  /** Visitor and session ids: short, and safe inside a Kafka key such as {@code site:visitor}. */
  static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

  private final ObjectNode body;
  private final Map<String, String> errors = new LinkedHashMap<>();

  Fields(ObjectNode body) {
    this.body = body;
  }

  /** The node of {@code name}, or null when absent or JSON null. */
  JsonNode node(String name) {
    JsonNode node = body.get(name);
    return node == null || node.isNull() ? null : node;
  }

  /** A required string of 1..{@code maxLength} characters; null (and an error) otherwise. */
  String required(String name, int maxLength) {
    if (node(name) == null) {
      error(name, "is required");
      return null;
    }
    return optional(name, maxLength);
  }

  /** A required string matching {@code pattern}; null (and an error) otherwise. */
  String required(String name, Pattern pattern) {
    return matching(name, required(name, Integer.MAX_VALUE), pattern);
  }

  /** An optional string of 1..{@code maxLength} characters; null if absent or invalid. */
  String optional(String name, int maxLength) {
    return optional(name, maxLength, TextHygiene.Rule.IDENTIFIER);
  }

  /**
   * An optional string of 1..{@code maxLength} characters that passes {@code rule}; null if absent
   * or invalid.
   */
  String optional(String name, int maxLength, TextHygiene.Rule rule) {
    JsonNode node = node(name);
    if (node == null) {
      return null;
    }
    if (!node.isTextual()) {
      error(name, "must be a string");
      return null;
    }
    String value = node.textValue();
    if (value.isEmpty()) {
      error(name, "must not be empty");
      return null;
    }
    if (!clean(name, value, rule)) {
      return null;
    }
    if (value.length() > maxLength) {
      error(name, "must be at most " + maxLength + " characters");
      return null;
    }
    return value;
  }

  /** An optional string matching {@code pattern}; null if absent or invalid. */
  String optional(String name, Pattern pattern) {
    return matching(name, optional(name, Integer.MAX_VALUE), pattern);
  }

  /**
   * Checks {@code value} of field {@code name} against {@code rule}; false (and an error) if it
   * holds a refused character.
   */
  boolean clean(String name, String value, TextHygiene.Rule rule) {
    String problem = TextHygiene.problem(value, rule);
    if (problem != null) {
      error(name, problem);
      return false;
    }
    return true;
  }

  void error(String name, String problem) {
    errors.putIfAbsent(name, problem);
  }

  boolean hasError(String name) {
    return errors.containsKey(name);
  }

  /** Throws the 400 listing every field error, if there is any. */
  void throwIfInvalid() {
    if (!errors.isEmpty()) {
      throw ApiError.invalidFields(errors);
    }
  }

  private String matching(String name, String value, Pattern pattern) {
    if (value != null && !pattern.matcher(value).matches()) {
      error(name, "must match " + pattern.pattern());
      return null;
    }
    return value;
  }
}
