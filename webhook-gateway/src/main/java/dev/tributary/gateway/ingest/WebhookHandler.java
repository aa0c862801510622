package dev.tributary.gateway.ingest;

import dev.tributary.gateway.config.SiteConfig;
import dev.tributary.gateway.config.SiteDirectory;
import dev.tributary.gateway.verify.Headers;
import dev.tributary.gateway.verify.Verification;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /webhooks/{provider}/{siteId}} (Gumroad: {@code …/{siteId}/{token}}): verifies the
 * signature over the raw bytes, wraps them in a {@link WebhookEnvelope} and answers 200 only once
 * Kafka has acknowledged it. A request that fails any check produces nothing. A provider's unsigned
 * setup ping ({@link WebhookProvider.Ping}) is answered 200 and produces nothing either.
 * Asynchronous: no thread waits for the body or the ack.
 */
final class WebhookHandler implements Handler {

  private final WebhookProvider provider;
  private final SiteDirectory sites;
  private final RequestBody requestBody;
  private final Forwarder forwarder;
  private final GatewayMetrics metrics;
  private final Clock clock;

  WebhookHandler(
      WebhookProvider provider,
      SiteDirectory sites,
      RequestBody requestBody,
      Forwarder forwarder,
      GatewayMetrics metrics,
      Clock clock) {
    this.provider = provider;
    this.sites = sites;
    this.requestBody = requestBody;
    this.forwarder = forwarder;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public void handle(Context ctx) {
    IngestRoutes.tagProvider(ctx, provider.name());
    WebhookProvider.Ping ping = provider.ping();
    boolean maybePing =
        ping != null
            && ping.mediaTypes()
                .contains(RequestBody.mediaType(RequestHeaders.single(ctx, "Content-Type")));
    requestBody.checkHeaders(ctx, maybePing ? ping.mediaTypes() : provider.mediaTypes());
    SiteConfig site = sites.byId(ctx.pathParam("siteId")).orElse(null);
    List<String> secrets = site == null ? List.of() : site.secrets(provider.name());
    if (secrets.isEmpty()) {
      throw ApiError.unknownSite("no " + provider.name() + " endpoint for this site");
    }
    // The body is read, verified and forwarded without a thread waiting on the client or on Kafka;
    // the answer is written when the ack (or a refusal) is in.
    ctx.future(
        () ->
            requestBody
                .read(ctx)
                .thenCompose(
                    body ->
                        maybePing
                            ? answerPing(ctx, ping, body)
                            : verifyAndForward(ctx, site, secrets, body)));
  }

  /**
   * The provider's URL check ({@link WebhookProvider.Ping}) on a configured endpoint: 200, counted
   * as dropped, nothing forwarded. Anything else in the ping's media type is not an event either.
   */
  private CompletableFuture<Void> answerPing(Context ctx, WebhookProvider.Ping ping, byte[] body) {
    if (!ping.matches(RequestBody.utf8(body))) {
      throw new ApiError(
          415,
          "unsupported_media_type",
          "Content-Type must be "
              + String.join(" or ", provider.mediaTypes().stream().sorted().toList())
              + " (only the setup ping is form-encoded)");
    }
    metrics.dropped(GatewayMetrics.PING);
    Responses.dropped(
        ctx, 200, GatewayMetrics.PING, "the URL check of a new webhook; not recorded");
    return CompletableFuture.completedFuture(null);
  }

  private CompletableFuture<Void> verifyAndForward(
      Context ctx, SiteConfig site, List<String> secrets, byte[] body) {
    Instant now = clock.instant();
    Map<String, String> pathParams = ctx.pathParamMap();
    // Path parameters other than the site reach the verifier as ":name" pseudo-headers; real
    // headers are never consulted for such names. A header the verifier reads must be sent once.
    Headers headers =
        name ->
            name.startsWith(":")
                ? pathParams.get(name.substring(1))
                : RequestHeaders.single(ctx, name);
    Verification verification = provider.verifier().verify(body, headers, secrets, now);
    if (!verification.isValid()) {
      String code =
          verification.outcome() == Verification.Outcome.MALFORMED
              ? "malformed_signature"
              : "invalid_signature";
      throw new ApiError(verification.httpStatus(), code, verification.reason());
    }
    String deliveryId = provider.deliveryId().read(body, headers);
    WebhookEnvelope envelope =
        new WebhookEnvelope(
            site.siteId(),
            provider.name(),
            deliveryId,
            now,
            ctx.contentType(),
            RequestBody.utf8(body));
    return forwarder.forward(envelope).thenRun(() -> Responses.accepted(ctx, 200, deliveryId));
  }
}
