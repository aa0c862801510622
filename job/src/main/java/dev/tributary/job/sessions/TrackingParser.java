package dev.tributary.job.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.job.base.Json;
import dev.tributary.job.base.MalformedPayloadException;
import dev.tributary.job.base.Text;
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

  /** One parsed tracking record: exactly one of the two is set. */
  public record Parsed(Pageview pageview, Identify identify) {}

  /** A pageview or an identify call; unknown record types are malformed. */
  public static Parsed parseRecord(String json) {
    return parseRecord(json, java.util.Set.of());
  }

  /**
   * A pageview or an identify call; {@code keptQueryParameters} are kept in page addresses besides
   * {@link UrlHygiene#KEPT}.
   */
  public static Parsed parseRecord(String json, java.util.Set<String> keptQueryParameters) {
    JsonNode n = Json.readObject(json, "tracking record");
    if (n.path("v").asInt(0) != 1) {
      throw new MalformedPayloadException("unsupported tracking record version " + n.path("v"));
    }
    String type = Json.text(n, "type");
    if (type == null || "pageview".equals(type)) {
      return new Parsed(pageview(n, keptQueryParameters), null);
    }
    if ("identify".equals(type)) {
      return new Parsed(null, identify(n));
    }
    if ("forget".equals(type)) {
      // written by ForgetEmail (an operator's erasure request), never by the gateway's routes
      return new Parsed(
          null,
          Identify.forget(
              Json.requiredText(n, "siteId", "forget"),
              emailHash(n, "forget"),
              receivedAt(n, "forget")));
    }
    throw new MalformedPayloadException("unknown tracking record type " + type);
  }

  /** A pageview record (tests and callers that know the type). */
  public static Pageview parse(String json) {
    return parseRecord(json).pageview();
  }

  private static String emailHash(JsonNode n, String what) {
    String hash = Json.requiredText(n, "emailHash", what);
    if (!hash.matches("[0-9a-f]{64}")) {
      throw new MalformedPayloadException(what + " emailHash is not a SHA-256 hex digest");
    }
    return hash;
  }

  private static Identify identify(JsonNode n) {
    String hash = emailHash(n, "identify");
    return new Identify(
        Json.requiredText(n, "siteId", "identify"),
        Json.requiredText(n, "visitorId", "identify"),
        Json.text(n, "sessionId"),
        hash,
        receivedAt(n, "identify"),
        // only the gateway writes this topic, and it sets the flag only for calls made with the
        // site's API key
        n.path("verified").asBoolean(false));
  }

  private static long receivedAt(JsonNode n, String what) {
    try {
      return Instant.parse(Json.requiredText(n, "receivedAt", what)).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new MalformedPayloadException(what + " receivedAt is not an ISO-8601 instant in range");
    }
  }

  private static Pageview pageview(JsonNode n, java.util.Set<String> keptQueryParameters) {
    String url = Json.requiredText(n, "url", "pageview");
    long receivedAt = receivedAt(n, "pageview");
    return pageview(
        Json.requiredText(n, "siteId", "pageview"),
        Json.requiredText(n, "visitorId", "pageview"),
        Json.requiredText(n, "sessionId", "pageview"),
        Json.text(n, "eventId"),
        url,
        Json.text(n, "referrer"),
        n.get("utm"),
        receivedAt,
        keptQueryParameters);
  }

  /**
   * The pageview an order's own evidence stands for, with no visitor and no session: the page its
   * buyer landed on and the site that sent them, as a store recorded them with the order (Shopify's
   * {@code landing_site} and {@code referring_site}). Read as the tracker's pageviews are: utm tags
   * from the address's query string, which may be a path without a host; either may be null.
   */
  public static Pageview landing(String siteId, String url, String referrer, long atMillis) {
    return pageview(siteId, null, null, null, url, referrer, null, atMillis, java.util.Set.of());
  }

  private static Pageview pageview(
      String siteId,
      String visitorId,
      String sessionId,
      String eventId,
      String url,
      String referrer,
      JsonNode utm,
      long receivedAt,
      java.util.Set<String> keptQueryParameters) {
    Map<String, String> query = queryOf(url == null ? "" : url);
    return new Pageview(
        siteId,
        visitorId,
        sessionId,
        eventId,
        // the tags are read from the full address above; only what attribution reads is kept
        UrlHygiene.page(url, keptQueryParameters),
        UrlHygiene.referrer(referrer),
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
    if (url.indexOf('?') < 0) {
      return out; // no query: most pages, and no need to parse the address
    }
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
      String key;
      String value;
      try {
        key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
        value = Text.clean(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        continue; // a broken escape such as %zz: that parameter says nothing
      }
      if (!value.isBlank()) {
        out.putIfAbsent(key, value);
      }
    }
    return out;
  }
}
