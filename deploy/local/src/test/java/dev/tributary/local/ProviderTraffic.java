package dev.tributary.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.gateway.verify.Base64HmacVerifier;
import dev.tributary.gateway.verify.HexHmacVerifier;
import dev.tributary.gateway.verify.PaddleSignatureVerifier;
import dev.tributary.gateway.verify.StandardWebhooksVerifier;
import dev.tributary.gateway.verify.StandardWebhooksVerifier.SecretEncoding;
import dev.tributary.gateway.verify.StripeSignatureVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Posts each provider's webhooks to the gateway signed the way that provider signs them, with the
 * gateway's own signing helpers, and asserts they were accepted.
 */
final class ProviderTraffic {
  private static final String JSON = "application/json";
  private final GatewayClient gateway;
  private final LocalStack.Site site;

  ProviderTraffic(GatewayClient gateway, LocalStack.Site site) {
    this.gateway = gateway;
    this.site = site;
  }

  private String secret(String provider) {
    return site.webhookSecrets().get(provider);
  }

  private static long now() {
    return Instant.now().getEpochSecond();
  }

  private static byte[] bytes(String body) {
    return body.getBytes(StandardCharsets.UTF_8);
  }

  private void webhook(
      String provider, String contentType, Map<String, String> headers, String body)
      throws Exception {
    post("webhooks/" + provider + "/" + site.siteId(), contentType, headers, body);
  }

  private void post(String path, String contentType, Map<String, String> headers, String body)
      throws Exception {
    GatewayClient.Response r = gateway.webhook(path, contentType, headers, body);
    assertThat(r.ok()).as("%s answered %d %s", path, r.status(), r.body()).isTrue();
  }

  void stripe(String body) throws Exception {
    webhook(
        "stripe",
        JSON,
        Map.of(
            StripeSignatureVerifier.HEADER,
            StripeSignatureVerifier.signatureHeader(site.stripeSecret(), now(), bytes(body))),
        body);
  }

  void lemonSqueezy(String body) throws Exception {
    webhook(
        "lemonsqueezy",
        JSON,
        Map.of(
            HexHmacVerifier.LEMON_SQUEEZY_HEADER,
            HexHmacVerifier.signature(secret("lemonsqueezy"), bytes(body))),
        body);
  }

  void paddle(String body) throws Exception {
    webhook(
        "paddle",
        JSON,
        Map.of(
            PaddleSignatureVerifier.HEADER,
            PaddleSignatureVerifier.signatureHeader(secret("paddle"), now(), bytes(body))),
        body);
  }

  void razorpay(String eventId, String body) throws Exception {
    webhook(
        "razorpay",
        JSON,
        Map.of(
            HexHmacVerifier.RAZORPAY_HEADER,
            HexHmacVerifier.signature(secret("razorpay"), bytes(body)),
            "x-razorpay-event-id",
            eventId),
        body);
  }

  void dodo(String webhookId, String body) throws Exception {
    standardWebhook("dodo", SecretEncoding.BASE64_AFTER_WHSEC, webhookId, body);
  }

  void polar(String webhookId, String body) throws Exception {
    standardWebhook("polar", SecretEncoding.RAW_UTF8, webhookId, body);
  }

  private void standardWebhook(
      String provider, SecretEncoding encoding, String webhookId, String body) throws Exception {
    long t = now();
    webhook(
        provider,
        JSON,
        Map.of(
            StandardWebhooksVerifier.ID_HEADER,
            webhookId,
            StandardWebhooksVerifier.TIMESTAMP_HEADER,
            Long.toString(t),
            StandardWebhooksVerifier.SIGNATURE_HEADER,
            StandardWebhooksVerifier.signatureHeader(
                encoding, secret(provider), webhookId, t, bytes(body))),
        body);
  }

  void shopify(String webhookId, String body) throws Exception {
    webhook(
        "shopify",
        JSON,
        Map.of(
            Base64HmacVerifier.SHOPIFY_HEADER,
            Base64HmacVerifier.signature(secret("shopify"), bytes(body)),
            "X-Shopify-Webhook-Id",
            webhookId),
        body);
  }

  void wooCommerce(String body) throws Exception {
    webhook(
        "woocommerce",
        JSON,
        Map.of(
            Base64HmacVerifier.WOOCOMMERCE_HEADER,
            Base64HmacVerifier.signature(secret("woocommerce"), bytes(body))),
        body);
  }

  void paystack(String body) throws Exception {
    webhook(
        "paystack",
        JSON,
        Map.of(
            HexHmacVerifier.PAYSTACK_HEADER,
            HexHmacVerifier.signature(
                HexHmacVerifier.Algorithm.SHA512, secret("paystack"), bytes(body))),
        body);
  }

  void creem(String body) throws Exception {
    webhook(
        "creem",
        JSON,
        Map.of(
            HexHmacVerifier.CREEM_HEADER, HexHmacVerifier.signature(secret("creem"), bytes(body))),
        body);
  }

  void gumroad(String formBody) throws Exception {
    post(
        "webhooks/gumroad/" + site.siteId() + "/" + secret("gumroad"),
        "application/x-www-form-urlencoded",
        Map.of(),
        formBody);
  }

  void paymentApi(String body) throws Exception {
    post(
        "api/v1/payments",
        JSON,
        Map.of(
            "Authorization",
            "Bearer " + site.apiKey(),
            "Idempotency-Key",
            "idem-" + body.hashCode()),
        body);
    post(
        "api/v1/payments",
        JSON,
        Map.of(
            "Authorization",
            "Bearer " + site.apiKey(),
            "Idempotency-Key",
            "idem-" + body.hashCode()),
        body);
  }
}
