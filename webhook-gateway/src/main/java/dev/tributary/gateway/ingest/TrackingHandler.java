package dev.tributary.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.gateway.config.SiteConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * {@code POST /api/v1/events}: pageviews from the tracker script. Public, so it trusts nothing but
 * the site id: the site must exist, a browser's Origin must be one the site allows, and every field
 * is bounded and passes {@link TextHygiene} (URLs with their percent-escapes and query) before a
 * record reaches {@code tributary.tracking}. Answers 202 after the ack; a bot's call ({@link
 * BotUserAgents}) gets the same 202 and produces nothing.
 */
final class TrackingHandler implements Handler {

  /** The metrics label of pageviews. */
  static final String PROVIDER = "tracking";

  /** The utm tags a record may carry, in their wire order. */
  static final List<String> UTM_KEYS = List.of("source", "medium", "campaign", "term", "content");

  private static final Pattern TYPE = Pattern.compile("[a-z_]{1,32}");
  private static final int MAX_URL_LENGTH = 2048;
  private static final int MAX_UTM_LENGTH = 256;

  private final TrackerCalls.Shared shared;
  private final Forwarder forwarder;
  private final Clock clock;

  TrackingHandler(TrackerCalls.Shared shared, Forwarder forwarder, Clock clock) {
    this.shared = shared;
    this.forwarder = forwarder;
    this.clock = clock;
  }

  @Override
  public void handle(Context ctx) {
    TrackerCalls.handle(ctx, PROVIDER, shared, this::forward);
  }

  private CompletableFuture<Void> forward(TrackerCalls.Call call) {
    Fields fields = call.fields();
    SiteConfig site = call.site();

    String type = fields.optional("type", TYPE);
    if (IdentifyRecord.TYPE.equals(type)) {
      // Identify records carry an email hash that only /api/v1/identify computes.
      fields.error("type", "identify calls go to /api/v1/identify");
    } else if (type != null && !"pageview".equals(type)) {
      // The job reads pageviews and identify calls only; anything else would be dead-lettered.
      fields.error("type", "must be pageview");
    }
    String visitorId = fields.required("visitorId", Fields.ID);
    String sessionId = fields.required("sessionId", Fields.ID);
    String url = url(fields, "url", fields.required("url", MAX_URL_LENGTH));
    // document.referrer is "" when there is none.
    JsonNode referrerNode = fields.node("referrer");
    boolean noReferrer = referrerNode != null && "".equals(referrerNode.textValue());
    String referrer =
        noReferrer ? null : url(fields, "referrer", fields.optional("referrer", MAX_URL_LENGTH));
    Map<String, String> utm = utm(fields);
    Long clientTs = TrackerCalls.clientTs(fields);
    fields.throwIfInvalid();

    return forwarder.forward(
        new TrackingRecord(
            type == null ? "pageview" : type,
            site.siteId(),
            visitorId,
            sessionId,
            // tokens in the query or the fragment never reach Kafka
            UrlHygiene.page(url, site.keptQueryParameters()),
            UrlHygiene.referrer(referrer),
            utm,
            clientTs,
            clock.instant(),
            UUID.randomUUID().toString()));
  }

  /**
   * {@code value} if it passes {@link TextHygiene#urlProblem} (percent-escapes and query parameters
   * included: the job decodes the query for utm tags); null, and an error, otherwise.
   */
  private static String url(Fields fields, String name, String value) {
    if (value == null) {
      return null;
    }
    String problem = TextHygiene.urlProblem(value);
    if (problem != null) {
      fields.error(name, problem);
      return null;
    }
    return value;
  }

  private static Map<String, String> utm(Fields fields) {
    JsonNode node = fields.node("utm");
    Map<String, String> utm = new LinkedHashMap<>();
    if (node == null) {
      return utm;
    }
    if (!node.isObject()) {
      fields.error("utm", "must be an object");
      return utm;
    }
    for (String key : UTM_KEYS) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull() || "".equals(value.textValue())) {
        continue;
      }
      if (!value.isTextual() || value.textValue().length() > MAX_UTM_LENGTH) {
        fields.error("utm." + key, "must be a string of at most " + MAX_UTM_LENGTH + " characters");
      } else if (fields.clean("utm." + key, value.textValue(), TextHygiene.Rule.IDENTIFIER)) {
        utm.put(key, value.textValue());
      }
    }
    return utm;
  }
}
