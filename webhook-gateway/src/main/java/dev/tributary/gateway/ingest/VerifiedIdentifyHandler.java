package dev.tributary.gateway.ingest;

import dev.tributary.gateway.config.GatewayConfig;
import dev.tributary.gateway.config.SiteConfig;
import dev.tributary.gateway.config.SiteDirectory;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /api/v1/identify/verified}: the merchant's server says which visitor is the person
 * behind an email, after it authenticated them (sign-up, login, a confirmed address). The Bearer
 * API key says which site, so the call cannot come from a page: the record is marked {@code
 * verified} and the job ranks it above the public tracker's {@code /api/v1/identify}, which anyone
 * can call with any email (README, Security: the identify threat model).
 *
 * <p>Body: {@code {"visitorId": …, "email": …, "sessionId"?: …}}; the visitor id is the one the
 * tracker keeps in the {@code tributary_vid} cookie (the page passes it to the server, e.g. in the
 * login form). A {@code siteId} in the body, if any, must be the key's site. Not rate-limited per
 * address (the caller is the merchant's server and is known by its key); not open to browsers (no
 * CORS answer). The email is hashed here and dropped, as on the public route.
 */
final class VerifiedIdentifyHandler implements Handler {

  private final SiteDirectory sites;
  private final RequestBody requestBody;
  private final Forwarder forwarder;
  private final Clock clock;
  private final GatewayConfig.EmailHashKey emailHashKey;

  VerifiedIdentifyHandler(
      SiteDirectory sites,
      RequestBody requestBody,
      Forwarder forwarder,
      Clock clock,
      GatewayConfig.EmailHashKey emailHashKey) {
    this.sites = sites;
    this.requestBody = requestBody;
    this.forwarder = forwarder;
    this.clock = clock;
    this.emailHashKey = emailHashKey;
  }

  @Override
  public void handle(Context ctx) {
    IngestRoutes.tagProvider(ctx, IdentifyHandler.PROVIDER);
    requestBody.checkHeaders(ctx, RequestBody.JSON);
    SiteConfig site =
        PaymentApiHandler.authenticate(sites, RequestHeaders.single(ctx, "Authorization"));
    ctx.future(
        () ->
            requestBody
                .read(ctx)
                .thenCompose(body -> forward(site, body))
                .thenRun(() -> Responses.accepted(ctx, 202, null)));
  }

  private CompletableFuture<Void> forward(SiteConfig site, byte[] body) {
    RequestBody.utf8(body);
    Fields fields = new Fields(Json.parseObject(body));
    String siteId = fields.optional("siteId", SiteConfig.SITE_ID);
    if (siteId != null && !siteId.equals(site.siteId())) {
      fields.error("siteId", "is not the site of this API key");
    }
    String visitorId = fields.required("visitorId", Fields.ID);
    String sessionId = fields.optional("sessionId", Fields.ID);
    String email = fields.required("email", IdentifyHandler.MAX_EMAIL_LENGTH);
    if (email != null && !IdentifyHandler.looksLikeEmail(email)) {
      fields.error("email", "must be an email address");
    }
    fields.throwIfInvalid();
    return forwarder.forward(
        new IdentifyRecord(
            site.siteId(),
            visitorId,
            sessionId,
            EmailHash.of(emailHashKey, site.siteId(), email),
            null,
            clock.instant(),
            UUID.randomUUID().toString(),
            true));
  }
}
