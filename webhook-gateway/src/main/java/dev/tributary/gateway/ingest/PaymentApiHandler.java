package dev.tributary.gateway.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.gateway.config.SiteConfig;
import dev.tributary.gateway.config.SiteDirectory;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The Payment API, {@code POST /api/v1/payments} and {@code POST /api/v1/refunds}: money from
 * providers without a webhook integration, sent by the site's own backend. The Bearer API key says
 * which site; the body is validated ({@link PaymentValidator}), then forwarded raw in an envelope
 * with provider {@code api} (the job tells a refund by its {@code refundId}). Answers 202 once
 * Kafka has acknowledged it.
 */
final class PaymentApiHandler implements Handler {

  static final String PROVIDER = "api";

  private static final String BEARER = "bearer ";
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

  private final SiteDirectory sites;
  private final RequestBody requestBody;
  private final Forwarder forwarder;
  private final Clock clock;
  private final BiConsumer<ObjectNode, Instant> validator;

  /**
   * @param validator throws a 400 for a body this endpoint must not accept at the given time
   */
  PaymentApiHandler(
      SiteDirectory sites,
      RequestBody requestBody,
      Forwarder forwarder,
      Clock clock,
      BiConsumer<ObjectNode, Instant> validator) {
    this.sites = sites;
    this.requestBody = requestBody;
    this.forwarder = forwarder;
    this.clock = clock;
    this.validator = validator;
  }

  /** {@code POST /api/v1/payments}. */
  static PaymentApiHandler payments(
      SiteDirectory sites, RequestBody requestBody, Forwarder forwarder, Clock clock) {
    return new PaymentApiHandler(
        sites, requestBody, forwarder, clock, PaymentValidator::validatePayment);
  }

  /** {@code POST /api/v1/refunds}. */
  static PaymentApiHandler refunds(
      SiteDirectory sites, RequestBody requestBody, Forwarder forwarder, Clock clock) {
    return new PaymentApiHandler(
        sites, requestBody, forwarder, clock, PaymentValidator::validateRefund);
  }

  @Override
  public void handle(Context ctx) {
    IngestRoutes.tagProvider(ctx, PROVIDER);
    requestBody.checkHeaders(ctx, RequestBody.JSON);
    SiteConfig site = authenticate(sites, RequestHeaders.single(ctx, "Authorization"));
    String deliveryId = deliveryId(RequestHeaders.single(ctx, "Idempotency-Key"));
    ctx.future(
        () ->
            requestBody
                .read(ctx)
                .thenCompose(
                    body -> {
                      String text = RequestBody.utf8(body);
                      Instant receivedAt = clock.instant();
                      validator.accept(Json.parseObject(body), receivedAt);
                      return forwarder.forward(
                          new WebhookEnvelope(
                              site.siteId(),
                              PROVIDER,
                              deliveryId,
                              receivedAt,
                              ctx.contentType(),
                              text));
                    })
                .thenRun(() -> Responses.accepted(ctx, 202, deliveryId)));
  }

  /** The site whose API key {@code authorization} carries as a Bearer token; 401 otherwise. */
  static SiteConfig authenticate(SiteDirectory sites, String authorization) {
    String key = null;
    if (authorization != null
        && authorization.length() > BEARER.length()
        && authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      key = authorization.substring(BEARER.length()).trim();
    }
    return sites
        .byApiKey(key)
        .orElseThrow(
            () ->
                new ApiError(
                    401,
                    "unauthorized",
                    "a valid API key is required: Authorization: Bearer <key>",
                    Map.of(),
                    Map.of("WWW-Authenticate", "Bearer")));
  }

  /** The caller's Idempotency-Key, so that its retries share one delivery id downstream. */
  private static String deliveryId(String idempotencyKey) {
    if (idempotencyKey == null || idempotencyKey.isBlank()) {
      return "api_" + UUID.randomUUID();
    }
    String key = idempotencyKey.trim();
    if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
      throw ApiError.invalidFields(
          Map.of("Idempotency-Key", "must be 1 to 255 visible ASCII characters"));
    }
    return key;
  }
}
