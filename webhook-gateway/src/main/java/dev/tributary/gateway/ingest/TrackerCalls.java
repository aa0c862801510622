package dev.tributary.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.gateway.config.SiteConfig;
import dev.tributary.gateway.config.SiteDirectory;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What the two public tracker routes ({@code /api/v1/events}, {@code /api/v1/identify}) share: the
 * bot filter, the site lookup, the per-site Origin check and its CORS answers, the client clock.
 */
final class TrackerCalls {

  /** The {@code tributary_gateway_dropped_total} reason of a bot's call. */
  static final String BOT = "bot";

  static final String EVENTS_PATH = "/api/v1/events";
  static final String IDENTIFY_PATH = "/api/v1/identify";

  private TrackerCalls() {}

  /** The {@code tributary_gateway_rejected_total} reason of a call over the rate limit. */
  static final String RATE_LIMITED = "rate_limited";

  /** A tracker call past the common checks: its fields and its site. */
  record Call(Fields fields, SiteConfig site) {}

  /**
   * What the tracker routes share besides the request: sites, the tracker body limit, metrics, the
   * rate limit per client address (one bucket for both routes and every site), and the forwarder
   * whose tracking lane they fill.
   */
  record Shared(
      SiteDirectory sites,
      RequestBody requestBody,
      GatewayMetrics metrics,
      RateLimiter limiter,
      ClientAddress clients,
      Forwarder forwarder) {}

  /**
   * The {@code before} handler of a tracker route, run before its body is read: tags the provider
   * for metrics, takes a token of the client's rate limit (429 with {@code Retry-After} when there
   * is none), refuses the call while the tracking lane is full (503 {@code overloaded} with {@code
   * Retry-After}: as many tracker calls as it holds are waiting for Kafka already) and refuses a
   * declared body over the tracker limit (413). Only for POST: a preflight costs nothing. Bots'
   * calls count too: a flood is a flood whoever sends it.
   *
   * <p>The site is in the body and not known yet, so a 429 or 503 carries the CORS answer a
   * preflight would get (the Origin is reflected if some site allows it), so that the browser can
   * read it.
   */
  static Handler admit(String provider, Shared shared) {
    return ctx -> {
      if (!HandlerType.POST.equals(ctx.method())) {
        return;
      }
      IngestRoutes.tagProvider(ctx, provider);
      long retryAfter = shared.limiter().acquire(shared.clients().of(ctx));
      if (retryAfter > 0) {
        allowAnyConfiguredOrigin(ctx, shared);
        throw new ApiError(
            429,
            RATE_LIMITED,
            "too many calls from this address; retry later",
            Map.of(),
            Map.of("Retry-After", Long.toString(retryAfter)));
      }
      if (shared.forwarder().trackingLaneFull()) {
        allowAnyConfiguredOrigin(ctx, shared);
        throw Forwarder.overloaded();
      }
      shared.requestBody().checkDeclaredLength(ctx);
    };
  }

  private static void allowAnyConfiguredOrigin(Context ctx, Shared shared) {
    String origin = RequestHeaders.single(ctx, "Origin");
    if (origin != null && shared.sites().anyAllowsOrigin(origin)) {
      ctx.header("Access-Control-Allow-Origin", origin);
      ctx.header("Vary", "Origin");
    }
  }

  /**
   * What every tracker route does once {@link #admit} let the call in: {@link #begin}, then the
   * body read without a waiting thread, the route's record built from it ({@code forward}) and
   * {@code 202} once Kafka acknowledged it.
   */
  static void handle(
      Context ctx,
      String provider,
      Shared shared,
      Function<Call, CompletableFuture<Void>> forward) {
    if (!begin(ctx, provider, shared)) {
      return;
    }
    ctx.future(
        () ->
            shared
                .requestBody()
                .read(ctx)
                .thenCompose(body -> forward.apply(call(ctx, shared, body)))
                .thenRun(() -> Responses.accepted(ctx, 202, null)));
  }

  /**
   * The start every tracker route shares once {@link #admit} let the call in: drop bots (answered
   * 202) and check the content type. Returns false when the call was a bot's and has been answered;
   * else the route reads the body asynchronously and hands it to {@link #call}.
   */
  private static boolean begin(Context ctx, String provider, Shared shared) {
    IngestRoutes.tagProvider(ctx, provider);
    if (dropBot(ctx, shared.metrics())) {
      return false;
    }
    shared.requestBody().checkHeaders(ctx, RequestBody.JSON_OR_TEXT);
    return true;
  }

  /**
   * A tracker call's body (at most the tracker limit; UTF-8, a JSON object) as fields, with its
   * site, once the browser origin is checked.
   */
  static Call call(Context ctx, Shared shared, byte[] body) {
    // Strict UTF-8 first: the JSON parser lets encoded surrogates through, which would reach Kafka
    // as text that is not Unicode.
    RequestBody.utf8(body);
    Fields fields = new Fields(Json.parseObject(body));
    SiteConfig site = site(shared.sites(), fields);
    allowOrigin(ctx, site);
    return new Call(fields, site);
  }

  /**
   * Answers a bot's call with a 202 that says it was dropped and why, and counts it; the caller
   * then produces nothing. Still 202, not an error: a crawler has nothing to retry, and a person
   * testing with curl learns at once why the pageview will not show up (it did not, and the
   * README's first example booked its payment on "(no touch)" without a word). The body is not
   * read, so a bot learns nothing about what a valid call looks like.
   *
   * @return true if the call was a bot's and is answered
   */
  static boolean dropBot(Context ctx, GatewayMetrics metrics) {
    if (!BotUserAgents.isBot(ctx.header("User-Agent"))) {
      return false;
    }
    metrics.dropped(BOT);
    Responses.dropped(
        ctx,
        "bot_user_agent",
        "tracker calls from bots and scripts (curl, crawlers, headless browsers) are not"
            + " recorded; send a browser's User-Agent to try it by hand");
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
    String origin = RequestHeaders.single(ctx, "Origin");
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
