package dev.tributary.job.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.job.payments.Json;
import dev.tributary.job.payments.MalformedPayloadException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * Tracking record JSON → {@link Pageview}. Utm tags come from the record's {@code utm} object when
 * the tracker sent one, else from the page URL's query string (so a plain server-side pageview with
 * a tagged URL still counts).
 */
public final class TrackingParser {
  private TrackingParser() {}

  /** Returns null for well-formed records of other types (identify calls arrive with issue 4). */
  public static Pageview parse(String json) {
    JsonNode n = Json.readObject(json, "tracking record");
    if (n.path("v").asInt(0) != 1) {
      throw new MalformedPayloadException("unsupported tracking record version " + n.path("v"));
    }
    String type = Json.text(n, "type");
    if (type != null && !"pageview".equals(type)) {
      return null;
    }
    String url = Json.requiredText(n, "url", "pageview");
    long receivedAt;
    try {
      receivedAt = Instant.parse(Json.requiredText(n, "receivedAt", "pageview")).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new MalformedPayloadException("pageview receivedAt is not ISO-8601");
    }
    JsonNode utm = n.get("utm");
    Map<String, String> query = queryOf(url);
    return new Pageview(
        Json.requiredText(n, "siteId", "pageview"),
        Json.requiredText(n, "visitorId", "pageview"),
        Json.requiredText(n, "sessionId", "pageview"),
        Json.text(n, "eventId"),
        url,
        Json.text(n, "referrer"),
        tag(utm, "source", query),
        tag(utm, "medium", query),
        tag(utm, "campaign", query),
        tag(utm, "term", query),
        tag(utm, "content", query),
        receivedAt);
  }

  private static String tag(JsonNode utm, String name, Map<String, String> query) {
    String v = Json.text(utm, name);
    return v != null ? v : query.get("utm_" + name);
  }

  /** The query parameters of a URL (first value wins); empty for an unparseable URL. */
  static Map<String, String> queryOf(String url) {
    Map<String, String> out = new HashMap<>();
    String raw;
    try {
      raw = URI.create(url).getRawQuery();
    } catch (IllegalArgumentException e) {
      return out;
    }
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (!value.isBlank()) {
        out.putIfAbsent(key, value);
      }
    }
    return out;
  }
}
