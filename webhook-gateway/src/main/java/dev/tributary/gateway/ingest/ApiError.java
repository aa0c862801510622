package dev.tributary.gateway.ingest;

import java.util.Map;

/**
 * A request the gateway refuses, with everything needed to answer it: status, a stable error code
 * for machines, a short message for people, and optional field errors and headers. Thrown by the
 * handlers and turned into {@code {"error":…,"message":…}} in one place.
 */
final class ApiError extends RuntimeException {

  private final int status;
  private final String code;
  private final Map<String, String> fields;
  private final Map<String, String> headers;

  ApiError(
      int status,
      String code,
      String message,
      Map<String, String> fields,
      Map<String, String> headers) {
    // No stack trace: these are expected answers, not failures worth a trace.
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.fields = Map.copyOf(fields);
    this.headers = Map.copyOf(headers);
  }

  ApiError(int status, String code, String message) {
    this(status, code, message, Map.of(), Map.of());
  }

  static ApiError invalidFields(Map<String, String> fields) {
    return new ApiError(400, "invalid_request", "some fields are invalid", fields, Map.of());
  }

  static ApiError unknownSite(String what) {
    return new ApiError(404, "unknown_site", what);
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  /** Field name → problem; empty unless the body had invalid fields. */
  Map<String, String> fields() {
    return fields;
  }

  Map<String, String> headers() {
    return headers;
  }
}
