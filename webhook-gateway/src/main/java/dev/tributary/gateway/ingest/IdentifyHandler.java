package dev.tributary.gateway.ingest;

import dev.tributary.gateway.config.GatewayConfig;
import dev.tributary.gateway.config.SiteConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /api/v1/identify}: the tracker's {@code tributary.identify(email)}, which tells the
 * job that this visitor is the person behind an email, so that a payment carrying only that email
 * can be linked to the visitor's touches. Public and checked like pageviews (site, Origin, bots).
 *
 * <p>The raw email never leaves this method: it is validated, hashed ({@link EmailHash}) and
 * dropped; the record holds the hash only, and no message or log line quotes the address.
 */
final class IdentifyHandler implements Handler {

  /** The metrics label of identify calls. */
  static final String PROVIDER = "identify";

  /** The longest address SMTP can deliver to (RFC 5321 path limit less the angle brackets). */
  static final int MAX_EMAIL_LENGTH = 254;

  private final TrackerCalls.Shared shared;
  private final Forwarder forwarder;
  private final Clock clock;
  private final GatewayConfig.EmailHashKey emailHashKey;

  IdentifyHandler(
      TrackerCalls.Shared shared,
      Forwarder forwarder,
      Clock clock,
      GatewayConfig.EmailHashKey emailHashKey) {
    this.shared = shared;
    this.forwarder = forwarder;
    this.clock = clock;
    this.emailHashKey = emailHashKey;
  }

  @Override
  public void handle(Context ctx) {
    TrackerCalls.handle(ctx, PROVIDER, shared, this::forward);
  }

  private CompletableFuture<Void> forward(TrackerCalls.Call call) {
    Fields fields = call.fields();
    SiteConfig site = call.site();

    String visitorId = fields.required("visitorId", Fields.ID);
    String sessionId = fields.optional("sessionId", Fields.ID);
    String email = fields.required("email", MAX_EMAIL_LENGTH);
    if (email != null && !looksLikeEmail(email)) {
      fields.error("email", "must be an email address");
    }
    Long clientTs = TrackerCalls.clientTs(fields);
    fields.throwIfInvalid();

    return forwarder.forward(
        new IdentifyRecord(
            site.siteId(),
            visitorId,
            sessionId,
            EmailHash.of(emailHashKey, site.siteId(), email),
            clientTs,
            clock.instant(),
            UUID.randomUUID().toString()));
  }

  /** {@link EmailHash#isEmail}: the rule both modules hash by. */
  static boolean looksLikeEmail(String email) {
    return EmailHash.isEmail(email);
  }
}
