package dev.tributary.gateway.verify;

import java.util.Map;
import java.util.TreeMap;

/**
 * Read access to request headers by case-insensitive name, so that verifiers do not depend on the
 * HTTP framework and can be tested with a plain map.
 */
@FunctionalInterface
public interface Headers {

  /** The value of {@code name}, or null when the request has no such header. */
  String get(String name);

  /** The first of {@code names} that is absent or blank, or null when all are present. */
  default String firstMissing(String... names) {
    for (String name : names) {
      String value = get(name);
      if (value == null || value.isBlank()) {
        return name;
      }
    }
    return null;
  }

  /** Headers backed by a map; names are matched ignoring case. */
  static Headers of(Map<String, String> headers) {
    Map<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    byName.putAll(headers);
    return byName::get;
  }
}
