package dev.tributary.gateway.ingest;

import io.javalin.http.Context;
import java.util.Enumeration;

/**
 * Headers a decision depends on (signatures, their timestamps and ids, Content-Type, Authorization,
 * Origin) must be sent once: with two, what was checked and what is used could differ, so such a
 * request is refused rather than resolved by picking one.
 */
final class RequestHeaders {

  private RequestHeaders() {}

  /** The header's value, null if absent; a 400 {@code duplicate_header} if sent more than once. */
  static String single(Context ctx, String name) {
    Enumeration<String> values = ctx.req().getHeaders(name);
    if (values == null || !values.hasMoreElements()) {
      return null;
    }
    String value = values.nextElement();
    if (values.hasMoreElements()) {
      throw new ApiError(400, "duplicate_header", "the " + name + " header must be sent once");
    }
    return value;
  }
}
