package dev.tributary.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.gateway.config.SiteConfig;
import dev.tributary.gateway.config.SiteDirectory;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code POST /api/v1/events}: pageviews from the tracker script. Public, so it trusts nothing but
 * the site id: the site must exist, a browser's Origin must be one the site allows, and every field
 * is bounded before a record reaches {@code tributary.tracking}. Answers 202 after the ack.
 */
final class TrackingHandler implements Handler {

  /** The metrics label of pageviews. */
  static final String PROVIDER = "tracking";

  /** The utm tags a record may carry, in their wire order. */
  static final List<String> UTM_KEYS = List.of("source", "medium", "campaign", "term", "content");

  private static final Pattern TYPE = Pattern.compile("[a-z_]{1,32}");
  private static final int MAX_URL_LENGTH = 2048;
  private static final int MAX_UTM_LENGTH = 256;

  private final SiteDirectory sites;
  private final RequestBody requestBody;
  private final Forwarder forwarder;
  private final Clock clock;

  TrackingHandler(SiteDirectory sites, RequestBody requestBody, Forwarder forwarder, Clock clock) {
    this.sites = sites;
    this.requestBody = requestBody;
    this.forwarder = forwarder;
    this.clock = clock;
  }

  @Override
  public void handle(Context ctx) {
    IngestRoutes.tagProvider(ctx, PROVIDER);
    requestBody.checkHeaders(ctx, RequestBody.JSON_OR_TEXT);
    ObjectNode body = Json.parseObject(requestBody.read(ctx));
    Fields fields = new Fields(body);
    String siteId = fields.required("siteId", SiteConfig.SITE_ID);
    fields.throwIfInvalid();
    SiteConfig site =
        sites.byId(siteId).orElseThrow(() -> ApiError.unknownSite("no site with this siteId"));
    allowOrigin(ctx, site);

    String type = fields.optional("type", TYPE);
    String visitorId = fields.required("visitorId", Fields.ID);
    String sessionId = fields.required("sessionId", Fields.ID);
    String url = fields.required("url", MAX_URL_LENGTH);
    // document.referrer is "" when there is none.
    JsonNode referrerNode = fields.node("referrer");
    boolean noReferrer = referrerNode != null && "".equals(referrerNode.textValue());
    String referrer = noReferrer ? null : fields.optional("referrer", MAX_URL_LENGTH);
    Map<String, String> utm = utm(fields);
    Long clientTs = clientTs(fields);
    fields.throwIfInvalid();

    forwarder.forward(
        new TrackingRecord(
            type == null ? "pageview" : type,
            site.siteId(),
            visitorId,
            sessionId,
            url,
            referrer,
            utm,
            clientTs,
            clock.instant(),
            UUID.randomUUID().toString()));
    Responses.accepted(ctx, 202, null);
  }

  /**
   * {@code OPTIONS /api/v1/events}: lets a browser post JSON from any origin some site allows. The
   * site is in the body, which a preflight does not carry, so the POST checks the origin again.
   */
  static Handler preflight(SiteDirectory sites) {
    return ctx -> {
      String origin = ctx.header("Origin");
      if (origin != null && sites.anyAllowsOrigin(origin)) {
        ctx.header("Access-Control-Allow-Origin", origin);
        ctx.header("Access-Control-Allow-Methods", "POST");
        ctx.header("Access-Control-Allow-Headers", "Content-Type");
        ctx.header("Access-Control-Max-Age", "600");
        ctx.header("Vary", "Origin");
      }
      ctx.status(204);
    };
  }

  private static void allowOrigin(Context ctx, SiteConfig site) {
    String origin = ctx.header("Origin");
    if (origin == null) {
      return; // not a browser request; the Origin check only filters pages of other sites
    }
    if (!site.allowsOrigin(origin)) {
      throw new ApiError(403, "origin_not_allowed", "this site does not accept events from here");
    }
    ctx.header("Access-Control-Allow-Origin", site.allowedOrigins().isEmpty() ? "*" : origin);
    ctx.header("Vary", "Origin");
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
      } else {
        utm.put(key, value.textValue());
      }
    }
    return utm;
  }

  private static Long clientTs(Fields fields) {
    JsonNode node = fields.node("ts");
    if (node == null) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
      fields.error("ts", "must be epoch milliseconds");
      return null;
    }
    return node.longValue();
  }
}
