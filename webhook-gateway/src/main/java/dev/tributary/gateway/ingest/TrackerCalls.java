package dev.tributary.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.gateway.config.SiteConfig;
import dev.tributary.gateway.config.SiteDirectory;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * What the two public tracker routes ({@code /api/v1/events}, {@code /api/v1/identify}) share: the
 * bot filter, the site lookup, the per-site Origin check and its CORS answers, the client clock.
 */
final class TrackerCalls {

  /** The {@code tributary_gateway_dropped_total} reason of a bot's call. */
  static final String BOT = "bot";

  private TrackerCalls() {}

  /** A tracker call past the common checks: its fields and its site. */
  record Call(Fields fields, SiteConfig site) {}

  /**
   * The start every tracker route shares: tag the provider for metrics, drop bots (answered 202),
   * check the content type, read the body, find the site and check the browser origin. Returns null
   * when the call was a bot's and has been answered.
   */
  static Call begin(
      Context ctx,
      String provider,
      SiteDirectory sites,
      RequestBody requestBody,
      GatewayMetrics metrics) {
    IngestRoutes.tagProvider(ctx, provider);
    if (dropBot(ctx, metrics)) {
      return null;
    }
    requestBody.checkHeaders(ctx, RequestBody.JSON_OR_TEXT);
    Fields fields = new Fields(Json.parseObject(requestBody.read(ctx)));
    SiteConfig site = site(sites, fields);
    allowOrigin(ctx, site);
    return new Call(fields, site);
  }

  /**
   * Answers a bot's call with the same 202 a browser gets, so that it learns nothing, and counts
   * it; the caller then produces nothing.
   *
   * @return true if the call was a bot's and is answered
   */
  static boolean dropBot(Context ctx, GatewayMetrics metrics) {
    if (!BotUserAgents.isBot(ctx.header("User-Agent"))) {
      return false;
    }
    metrics.dropped(BOT);
    Responses.accepted(ctx, 202, null);
    return true;
  }

  /** The site a call names in {@code siteId}; 400 via {@code fields}, or 404 if unknown. */
  static SiteConfig site(SiteDirectory sites, Fields fields) {
    String siteId = fields.required("siteId", SiteConfig.SITE_ID);
    fields.throwIfInvalid();
    return sites.byId(siteId).orElseThrow(() -> ApiError.unknownSite("no site with this siteId"));
  }

  /**
   * 403 unless a browser's Origin is one the site allows; else adds the CORS answer. A request
   * without Origin is not a browser's and passes: the check only keeps other sites' pages out.
   */
  static void allowOrigin(Context ctx, SiteConfig site) {
    String origin = ctx.header("Origin");
    if (origin == null) {
      return;
    }
    if (!site.allowsOrigin(origin)) {
      throw new ApiError(403, "origin_not_allowed", "this site does not accept events from here");
    }
    ctx.header("Access-Control-Allow-Origin", site.allowedOrigins().isEmpty() ? "*" : origin);
    ctx.header("Vary", "Origin");
  }

  /**
   * The {@code OPTIONS} answer: lets a browser post JSON from any origin some site allows. The site
   * is in the body, which a preflight does not carry, so the POST checks the origin again. (The
   * tracker itself sends {@code text/plain}, a "simple" request without a preflight.)
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

  /** The tracker's advisory {@code ts} (epoch millis), or null. */
  static Long clientTs(Fields fields) {
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
