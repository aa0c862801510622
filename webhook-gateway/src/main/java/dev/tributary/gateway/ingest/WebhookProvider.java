package dev.tributary.gateway.ingest;

import dev.tributary.gateway.config.WebhookProviders;
import dev.tributary.gateway.verify.Base64HmacVerifier;
import dev.tributary.gateway.verify.Headers;
import dev.tributary.gateway.verify.HexHmacVerifier;
import dev.tributary.gateway.verify.PaddleSignatureVerifier;
import dev.tributary.gateway.verify.StandardWebhooksVerifier;
import dev.tributary.gateway.verify.StandardWebhooksVerifier.SecretEncoding;
import dev.tributary.gateway.verify.StripeSignatureVerifier;
import dev.tributary.gateway.verify.UrlTokenVerifier;
import dev.tributary.gateway.verify.WebhookVerifier;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What differs between webhook providers: the name (URL segment, secrets key and the envelope's
 * {@code provider}), the route, the accepted media types, the signing scheme, where the provider's
 * event id is, and the unsigned setup ping if the provider sends one. Everything else is {@link
 * WebhookHandler}; adding a provider means adding one entry to {@link #all(Duration)} (and a {@link
 * WebhookVerifier} if its scheme is new).
 *
 * @param name one of {@link WebhookProviders#NAMES}
 * @param path the route; {@code {siteId}} names the site, any other path parameter reaches the
 *     verifier as the pseudo-header {@code ":<parameter>"}
 * @param mediaTypes the Content-Types the provider sends
 * @param verifier the provider's signing scheme
 * @param deliveryId where the verified request's delivery id comes from
 * @param ping the unsigned URL check the provider sends when an endpoint is set up, or null
 */
public record WebhookProvider(
    String name,
    String path,
    Set<String> mediaTypes,
    WebhookVerifier verifier,
    DeliveryIdReader deliveryId,
    Ping ping) {

  /** Finds the delivery id of a verified request; may refuse it with a 400 ({@link ApiError}). */
  @FunctionalInterface
  public interface DeliveryIdReader {
    String read(byte[] body, Headers headers);
  }

  /**
   * An unsigned request a provider sends to check the URL, not an event: WooCommerce posts {@code
   * webhook_id=<id>} (form-encoded, without a signature) when a webhook is saved, and shows an
   * error unless the answer is exactly 200. It is answered 200 {@code {"status":"dropped","reason":
   * "ping"}} and never forwarded (there is nothing to verify or to book in it); any other body of
   * that media type is refused as the wrong media type.
   *
   * @param mediaTypes the Content-Types it comes with, none of them the provider's event types
   * @param body what the whole body must match
   */
  public record Ping(Set<String> mediaTypes, Pattern body) {
    public Ping {
      mediaTypes = Set.copyOf(mediaTypes);
      Objects.requireNonNull(body, "body");
    }

    public boolean matches(String body) {
      return this.body.matcher(body).matches();
    }
  }

  static final Set<String> FORM = Set.of("application/x-www-form-urlencoded");

  /** WooCommerce's {@code WC_Webhook::deliver_ping}: {@code 'webhook_id=' . $this->get_id()}. */
  static final Ping WOOCOMMERCE_PING = new Ping(FORM, Pattern.compile("webhook_id=[0-9]{1,20}"));

  /** A provider that sends no setup ping. */
  public WebhookProvider(
      String name,
      String path,
      Set<String> mediaTypes,
      WebhookVerifier verifier,
      DeliveryIdReader deliveryId) {
    this(name, path, mediaTypes, verifier, deliveryId, null);
  }

  public WebhookProvider {
    Objects.requireNonNull(name, "name");
    if (!WebhookProviders.NAMES.contains(name)) {
      throw new IllegalArgumentException("no secrets can be configured for provider " + name);
    }
    Objects.requireNonNull(path, "path");
    mediaTypes = Set.copyOf(mediaTypes);
    Objects.requireNonNull(verifier, "verifier");
    Objects.requireNonNull(deliveryId, "deliveryId");
    if (ping != null && ping.mediaTypes().stream().anyMatch(mediaTypes::contains)) {
      throw new IllegalArgumentException("a ping must not share a media type with the events");
    }
  }

  /** A provider at the usual route, {@code /webhooks/<name>/{siteId}}, taking JSON. */
  static WebhookProvider json(String name, WebhookVerifier verifier, DeliveryIdReader deliveryId) {
    return new WebhookProvider(
        name, "/webhooks/" + name + "/{siteId}", RequestBody.JSON, verifier, deliveryId);
  }

  /**
   * Every provider the gateway serves.
   *
   * @param tolerance how far a signed timestamp may be from now, for the schemes that sign one
   */
  public static List<WebhookProvider> all(Duration tolerance) {
    return List.of(
        // Stripe: the event's "id" (evt_…).
        json(
            WebhookProviders.STRIPE,
            new StripeSignatureVerifier(tolerance),
            DeliveryIds.jsonField("id")),
        // Lemon Squeezy sends no event id: identical retries hash alike.
        json(
            WebhookProviders.LEMON_SQUEEZY,
            new HexHmacVerifier(HexHmacVerifier.LEMON_SQUEEZY_HEADER),
            DeliveryIds.bodySha256()),
        // Paddle: the notification's "event_id" (evt_…).
        json(
            WebhookProviders.PADDLE,
            new PaddleSignatureVerifier(tolerance),
            DeliveryIds.jsonField("event_id")),
        // Razorpay: the event id header, the same on every retry of an event.
        json(
            WebhookProviders.RAZORPAY,
            new HexHmacVerifier(HexHmacVerifier.RAZORPAY_HEADER),
            DeliveryIds.requiredHeader("x-razorpay-event-id")),
        // Standard Webhooks: webhook-id, signed and the same on every retry.
        json(
            WebhookProviders.DODO,
            new StandardWebhooksVerifier(SecretEncoding.BASE64_AFTER_WHSEC, tolerance),
            DeliveryIds.requiredHeader(StandardWebhooksVerifier.ID_HEADER)),
        json(
            WebhookProviders.POLAR,
            new StandardWebhooksVerifier(SecretEncoding.RAW_UTF8, tolerance),
            DeliveryIds.requiredHeader(StandardWebhooksVerifier.ID_HEADER)),
        // Gumroad: unsigned form posts to a URL holding a secret token; no event id.
        new WebhookProvider(
            WebhookProviders.GUMROAD,
            "/webhooks/" + WebhookProviders.GUMROAD + "/{siteId}/{token}",
            FORM,
            new UrlTokenVerifier(),
            DeliveryIds.bodySha256()),
        // Paystack: hex HMAC-SHA512 under the secret key. No event id reaches the endpoint (not in
        // a header, not in the body; refund and invoice events carry no id of their own), and a
        // retry re-sends the stored payload: identical retries hash alike.
        json(
            WebhookProviders.PAYSTACK,
            new HexHmacVerifier(HexHmacVerifier.PAYSTACK_HEADER, HexHmacVerifier.Algorithm.SHA512),
            DeliveryIds.bodySha256()),
        // Creem: the event's "id" (evt_…), the same on every retry of one event.
        json(
            WebhookProviders.CREEM,
            new HexHmacVerifier(HexHmacVerifier.CREEM_HEADER),
            DeliveryIds.jsonField("id")),
        // Shopify: the webhook id header, the same on every retry of a delivery (Shopify's advice
        // for deduplication); X-Shopify-Topic is neither signed nor needed (the job reads the
        // body).
        json(
            WebhookProviders.SHOPIFY,
            new Base64HmacVerifier(Base64HmacVerifier.SHOPIFY_HEADER),
            DeliveryIds.requiredHeader("x-shopify-webhook-id")),
        // WooCommerce's X-WC-Webhook-Delivery-ID is wp_hash(webhook id . the current second):
        // another value on every attempt, and one value for two deliveries in the same second. The
        // body is the order's whole state, so its hash is the same exactly when the news is.
        new WebhookProvider(
            WebhookProviders.WOOCOMMERCE,
            "/webhooks/" + WebhookProviders.WOOCOMMERCE + "/{siteId}",
            RequestBody.JSON,
            new Base64HmacVerifier(Base64HmacVerifier.WOOCOMMERCE_HEADER),
            DeliveryIds.bodySha256(),
            WOOCOMMERCE_PING));
  }
}
