package dev.tributary.gateway;

import static dev.tributary.gateway.testing.GatewayClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.gateway.config.GatewayConfig;
import dev.tributary.gateway.config.GatewayConfig.Topics;
import dev.tributary.gateway.config.SiteConfig;
import dev.tributary.gateway.testing.Fixtures;
import dev.tributary.gateway.testing.GatewayClient;
import dev.tributary.gateway.testing.Hmac;
import dev.tributary.gateway.testing.KafkaTestCluster;
import dev.tributary.gateway.testing.KafkaTestCluster.Mark;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every webhook provider over real HTTP against a real broker: a request signed the way the
 * provider documents it (signed here with plain {@code javax.crypto}, not with the gateway's own
 * code) is answered 200 only with its exact envelope in Kafka; a forged one is 401 and leaves
 * nothing.
 */
class ProvidersIT {

  static final String WEBHOOKS = "tributary.webhooks";
  static final String JSON = "application/json";
  static final String FORM = "application/x-www-form-urlencoded";

  static final String LEMON_SQUEEZY = "ls_signing_secret";
  static final String LEMON_SQUEEZY_OLD = "ls_signing_secret_previous";
  static final String PADDLE = "pdl_ntfset_01hs0t3tw21j988db1pam5xg8m_GrOWLNef+vmtjJYq4mSnHNz";
  // Another site's secret: the gateway refuses a secret shared by two sites.
  static final String PADDLE_BETA = "pdl_ntfset_beta_shop_own_secret";
  static final String RAZORPAY = "rzp_webhook_secret";
  static final byte[] DODO_KEY = "dodo-key-bytes-0123456789".getBytes(StandardCharsets.UTF_8);
  static final String DODO = "whsec_" + Base64.getEncoder().encodeToString(DODO_KEY);
  static final String POLAR = "polar_whs_4wkEsR5v62U3Ldlv6QYu77RTvsKLHJawUVu272zXoy3";
  static final String GUMROAD = "gumroad-url-token-0123456789abcdef";
  static final String GUMROAD_OLD = "gumroad-url-token-previous-000000";
  static final String PAYSTACK = "sk_test_acme_paystack_secret_key_0123";
  static final String PAYSTACK_OLD = "sk_test_acme_paystack_previous_key";
  static final String CREEM = "whsec_acme_creem_webhook_secret";
  static final String SHOPIFY = "shpss_app_client_secret_0123";
  static final String WOOCOMMERCE = "wc-webhook-secret-current";
  static final String WOOCOMMERCE_OLD = "wc-webhook-secret-previous";

  static final String GUMROAD_PING =
      "seller_id=sel_1&product_id=prd_1&product_name=Ebook&permalink=ebook&sale_id=sale_1"
          + "&sale_timestamp=2026-11-23T10%3A00%3A00Z&price=500&currency=usd&quantity=1"
          + "&email=ada%40example.com&refunded=false&url_params%5Btributary_visitor_id%5D=v_1";

  static KafkaTestCluster kafka;
  static GatewayApp gateway;
  static GatewayClient client;

  /** The operations port: /healthz, /readyz, /metrics. */
  static GatewayClient ops;

  static final ObjectMapper MAPPER = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaTestCluster.start(WEBHOOKS, "tributary.tracking");
    List<SiteConfig> sites =
        List.of(
            new SiteConfig(
                "acme",
                List.of("whsec_acme_stripe"),
                List.of(),
                List.of(),
                Map.of(
                    "lemonsqueezy", List.of(LEMON_SQUEEZY_OLD, LEMON_SQUEEZY),
                    "paddle", List.of(PADDLE),
                    "razorpay", List.of(RAZORPAY),
                    "dodo", List.of(DODO),
                    "polar", List.of(POLAR),
                    "gumroad", List.of(GUMROAD_OLD, GUMROAD),
                    "paystack", List.of(PAYSTACK_OLD, PAYSTACK),
                    "creem", List.of(CREEM),
                    "shopify", List.of(SHOPIFY),
                    "woocommerce", List.of(WOOCOMMERCE_OLD, WOOCOMMERCE))),
            new SiteConfig(
                "beta-shop",
                List.of(),
                List.of(),
                List.of(),
                Map.of("paddle", List.of(PADDLE_BETA))));
    gateway =
        GatewayApp.start(
            new GatewayConfig(0, kafka.bootstrapServers(), 64 * 1024, 300, sites, Topics.DEFAULT));
    client = new GatewayClient(gateway.port());
    ops = new GatewayClient(gateway.opsPort());
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void lemonSqueezy() throws IOException {
    byte[] body = fixture("lemonsqueezy/order_created.json");
    String path = "/webhooks/lemonsqueezy/acme";

    assertForwarded(
        () -> post(path, JSON, body, "X-Signature", Hmac.hex(LEMON_SQUEEZY, body)),
        "lemonsqueezy",
        sha256(body),
        body,
        JSON);
    // The other secret of the rotation; an identical retry gets the same delivery id.
    assertForwarded(
        () -> post(path, JSON, body, "X-Signature", Hmac.hex(LEMON_SQUEEZY_OLD, body)),
        "lemonsqueezy",
        sha256(body),
        body,
        JSON);
    Mark forgedMark = kafka.mark(WEBHOOKS);
    assertForged(post(path, JSON, body, "X-Signature", Hmac.hex("ls_attacker", body)));
    assertForged(
        post(path, JSON, Hmac.tampered(body), "X-Signature", Hmac.hex(LEMON_SQUEEZY, body)));
    assertNothingAfter(forgedMark);
  }

  @Test
  void paddle() throws IOException {
    byte[] body = fixture("paddle/transaction.paid.envelope.json");
    String path = "/webhooks/paddle/acme";

    assertForwarded(
        () -> post(path, JSON, body, "Paddle-Signature", paddle(PADDLE, now(), body)),
        "paddle",
        "evt_01gxwxwnba186hj04xy8hf6wkd",
        body,
        JSON);
    Mark forgedMark = kafka.mark(WEBHOOKS);
    assertForged(post(path, JSON, body, "Paddle-Signature", paddle("pdl_attacker", now(), body)));
    assertForged(
        post(path, JSON, Hmac.tampered(body), "Paddle-Signature", paddle(PADDLE, now(), body)));
    assertForged(post(path, JSON, body, "Paddle-Signature", paddle(PADDLE, now() - 600, body)));
    assertError(post(path, JSON, body), 400, "malformed_signature");
    assertNothingAfter(forgedMark);
  }

  @Test
  void razorpay() throws IOException {
    byte[] body = fixture("razorpay/payment.captured.card.json");
    String path = "/webhooks/razorpay/acme";
    String signature = Hmac.hex(RAZORPAY, body);

    assertForwarded(
        () ->
            post(
                path,
                JSON,
                body,
                "X-Razorpay-Signature",
                signature,
                "x-razorpay-event-id",
                "NfVYmGvEqMmZ0K"),
        "razorpay",
        "NfVYmGvEqMmZ0K",
        body,
        JSON);
    Mark forgedMark = kafka.mark(WEBHOOKS);
    assertForged(
        post(
            path,
            JSON,
            body,
            "X-Razorpay-Signature",
            Hmac.hex("rzp_attacker", body),
            "x-razorpay-event-id",
            "NfVYmGvEqMmZ0K"));
    assertNothingAfter(forgedMark);

    // Signed, but without the event id the job could not drop its retries.
    Mark mark = kafka.mark(WEBHOOKS);
    HttpResponse<String> noEventId = post(path, JSON, body, "X-Razorpay-Signature", signature);
    assertError(noEventId, 400, "invalid_request");
    assertThat(json(noEventId).path("fields").has("x-razorpay-event-id")).isTrue();
    assertNothingAfter(mark);
  }

  @Test
  void paystack() throws IOException {
    byte[] body = fixture("paystack/charge.success.transaction_successful.json");
    String path = "/webhooks/paystack/acme";

    // Paystack's recipe: hex HMAC-SHA512 of the raw body under the secret key.
    assertForwarded(
        () -> post(path, JSON, body, "x-paystack-signature", Hmac.hex512(PAYSTACK, body)),
        "paystack",
        sha256(body),
        body,
        JSON);
    // The previous key of a rotation; an identical retry gets the same delivery id.
    assertForwarded(
        () -> post(path, JSON, body, "X-Paystack-Signature", Hmac.hex512(PAYSTACK_OLD, body)),
        "paystack",
        sha256(body),
        body,
        JSON);
    Mark forgedMark = kafka.mark(WEBHOOKS);
    assertForged(post(path, JSON, body, "x-paystack-signature", Hmac.hex512("sk_test_x", body)));
    assertForged(
        post(path, JSON, Hmac.tampered(body), "x-paystack-signature", Hmac.hex512(PAYSTACK, body)));
    // SHA-256 under the right key is not Paystack's signature.
    assertForged(post(path, JSON, body, "x-paystack-signature", Hmac.hex(PAYSTACK, body)));
    assertError(post(path, JSON, body), 400, "malformed_signature");
    assertNothingAfter(forgedMark);
  }

  @Test
  void creem() throws IOException {
    byte[] body = fixture("creem/checkout.completed.json");
    String path = "/webhooks/creem/acme";

    assertForwarded(
        () -> post(path, JSON, body, "creem-signature", Hmac.hex(CREEM, body)),
        "creem",
        "evt_5WHHcZPv7VS0YUsberIuOz",
        body,
        JSON);
    Mark forgedMark = kafka.mark(WEBHOOKS);
    assertForged(post(path, JSON, body, "creem-signature", Hmac.hex("whsec_attacker", body)));
    assertForged(post(path, JSON, Hmac.tampered(body), "creem-signature", Hmac.hex(CREEM, body)));
    assertError(post(path, JSON, body), 400, "malformed_signature");
    assertNothingAfter(forgedMark);
  }

  @Test
  void dodoPayments() throws IOException {
    byte[] body = fixture("dodo/payment.succeeded.docs_placeholder.json");
    String path = "/webhooks/dodo/acme";
    long now = now();

    assertForwarded(
        () -> post(path, JSON, body, standardWebhooks(DODO_KEY, "msg_dodo_1", now, body)),
        "dodo",
        "msg_dodo_1",
        body,
        JSON);
    // Keyed with the secret's text instead of its decoded bytes: not Dodo's signature.
    Mark forgedMark = kafka.mark(WEBHOOKS);
    assertForged(post(path, JSON, body, standardWebhooks(Hmac.utf8(DODO), "msg_2", now, body)));
    assertForged(
        post(path, JSON, Hmac.tampered(body), standardWebhooks(DODO_KEY, "msg_3", now, body)));
    assertNothingAfter(forgedMark);
  }

  @Test
  void polar() throws IOException {
    byte[] body =
        ("{\"type\":\"order.paid\",\"timestamp\":\"2026-11-23T10:00:00Z\",\"data\":{\"id\":\"ord_1\","
                + "\"total_amount\":4999,\"currency\":\"usd\",\"metadata\":{\"tributary_visitor_id\":"
                + "\"v_1\"},\"customer\":{\"name\":\"Zoë\"}}}")
            .getBytes(StandardCharsets.UTF_8);
    String path = "/webhooks/polar/acme";
    long now = now();

    assertForwarded(
        () -> post(path, JSON, body, standardWebhooks(Hmac.utf8(POLAR), "msg_polar_1", now, body)),
        "polar",
        "msg_polar_1",
        body,
        JSON);
    Mark forgedMark = kafka.mark(WEBHOOKS);
    assertForged(
        post(path, JSON, body, standardWebhooks(Hmac.utf8("attacker"), "msg_2", now, body)));
    // The signed id is part of the content: another id with the same signature fails.
    List<String> headers =
        new ArrayList<>(List.of(standardWebhooks(Hmac.utf8(POLAR), "msg_polar_1", now, body)));
    headers.set(1, "msg_polar_other");
    assertForged(post(path, JSON, body, headers.toArray(String[]::new)));
    assertNothingAfter(forgedMark);
  }

  @Test
  void gumroad() throws IOException {
    byte[] body = GUMROAD_PING.getBytes(StandardCharsets.UTF_8);

    assertForwarded(
        () -> post("/webhooks/gumroad/acme/" + GUMROAD, FORM, body),
        "gumroad",
        sha256(body),
        body,
        FORM);
    assertForwarded(
        () -> post("/webhooks/gumroad/acme/" + GUMROAD_OLD, FORM, body),
        "gumroad",
        sha256(body),
        body,
        FORM);
    Mark forgedMark = kafka.mark(WEBHOOKS);
    assertForged(post("/webhooks/gumroad/acme/" + GUMROAD + "x", FORM, body));
    assertForged(post("/webhooks/gumroad/acme/wrong-token-0123456789abcdef", FORM, body));
    // The token is on the site: another site's route does not take it.
    assertError(post("/webhooks/gumroad/beta-shop/" + GUMROAD, FORM, body), 404, "unknown_site");
    assertError(post("/webhooks/gumroad/acme", FORM, body), 404, "not_found");
    assertError(
        post("/webhooks/gumroad/acme/" + GUMROAD, JSON, "{}".getBytes()),
        415,
        "unsupported_media_type");
    assertNothingAfter(forgedMark);
  }

  @Test
  void shopify() throws IOException {
    byte[] body = fixture("shopify/refund.json");
    String path = "/webhooks/shopify/acme";
    String signature = Hmac.base64(Hmac.utf8(SHOPIFY), body);
    String webhookId = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043";

    assertForwarded(
        () ->
            post(
                path,
                JSON,
                body,
                "X-Shopify-Hmac-Sha256",
                signature,
                "X-Shopify-Webhook-Id",
                webhookId,
                "X-Shopify-Topic",
                "refunds/create"),
        "shopify",
        webhookId,
        body,
        JSON);
    Mark forgedMark = kafka.mark(WEBHOOKS);
    assertForged(
        post(
            path,
            JSON,
            body,
            "X-Shopify-Hmac-Sha256",
            Hmac.base64(Hmac.utf8("shpss_attacker"), body),
            "X-Shopify-Webhook-Id",
            webhookId));
    assertForged(
        post(
            path,
            JSON,
            Hmac.tampered(body),
            "X-Shopify-Hmac-Sha256",
            signature,
            "X-Shopify-Webhook-Id",
            webhookId));
    // The hex form of the same MAC is not Shopify's header.
    assertForged(
        post(
            path,
            JSON,
            body,
            "X-Shopify-Hmac-Sha256",
            Hmac.hex(SHOPIFY, body),
            "X-Shopify-Webhook-Id",
            webhookId));
    assertError(
        post(path, JSON, body, "X-Shopify-Webhook-Id", webhookId), 400, "malformed_signature");
    // Signed, but without the webhook id the job could not drop its retries.
    HttpResponse<String> noId = post(path, JSON, body, "X-Shopify-Hmac-Sha256", signature);
    assertError(noId, 400, "invalid_request");
    assertThat(json(noId).path("fields").has("x-shopify-webhook-id")).isTrue();
    assertNothingAfter(forgedMark);
  }

  @Test
  void wooCommerce() throws IOException {
    byte[] body = fixture("woocommerce/order.processing.json");
    String path = "/webhooks/woocommerce/acme";

    // X-WC-Webhook-Delivery-ID changes with every attempt: the body hash is the delivery id.
    for (String[] secretAndDelivery :
        List.of(
            new String[] {WOOCOMMERCE, "0b8c1f7e4ad3"}, new String[] {WOOCOMMERCE_OLD, "9e21aa"})) {
      assertForwarded(
          () ->
              post(
                  path,
                  JSON,
                  body,
                  "X-WC-Webhook-Signature",
                  Hmac.base64(Hmac.utf8(secretAndDelivery[0]), body),
                  "X-WC-Webhook-Topic",
                  "order.updated",
                  "X-WC-Webhook-Delivery-ID",
                  secretAndDelivery[1]),
          "woocommerce",
          sha256(body),
          body,
          JSON);
    }
    Mark forgedMark = kafka.mark(WEBHOOKS);
    assertForged(
        post(
            path,
            JSON,
            body,
            "X-WC-Webhook-Signature",
            Hmac.base64(Hmac.utf8("wc-attacker"), body)));
    assertForged(
        post(
            path,
            JSON,
            Hmac.tampered(body),
            "X-WC-Webhook-Signature",
            Hmac.base64(Hmac.utf8(WOOCOMMERCE), body)));
    assertError(post(path, JSON, body), 400, "malformed_signature");
    assertNothingAfter(forgedMark);
  }

  /**
   * WooCommerce pings a new webhook's URL with an unsigned {@code webhook_id=<id>} form post and
   * reports an error unless the answer is 200: answered 200, counted, never forwarded.
   */
  @Test
  void wooCommercePingIsAnsweredAndNotForwarded() {
    String path = "/webhooks/woocommerce/acme";
    byte[] ping = "webhook_id=12".getBytes(StandardCharsets.UTF_8);
    Mark mark = kafka.mark(WEBHOOKS);

    HttpResponse<String> answer = post(path, FORM + "; charset=UTF-8", ping);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(json(answer).path("status").asText()).isEqualTo("dropped");
    assertThat(json(answer).path("reason").asText()).isEqualTo("ping");
    assertThat(ops.get("/metrics").body())
        .containsPattern("tributary_gateway_dropped_total\\{reason=\"ping\"} [1-9]");
    // Only on a site with a WooCommerce endpoint, and only the ping's exact form.
    assertError(post("/webhooks/woocommerce/beta-shop", FORM, ping), 404, "unknown_site");
    assertError(
        post(path, FORM, "webhook_id=12&total=29.35".getBytes(StandardCharsets.UTF_8)),
        415,
        "unsupported_media_type");
    // The ping's body as JSON is an event, and an unsigned one.
    assertError(post(path, JSON, "{\"webhook_id\":12}".getBytes()), 400, "malformed_signature");
    // Other providers take no ping.
    assertError(post("/webhooks/shopify/acme", FORM, ping), 415, "unsupported_media_type");
    assertNothingAfter(mark);
  }

  @Test
  void routesAndSites() {
    byte[] body = "{\"event_id\":\"evt_1\"}".getBytes(StandardCharsets.UTF_8);
    String signature = paddle(PADDLE, now(), body);
    Mark mark = kafka.mark(WEBHOOKS);

    assertError(post("/webhooks/bigcommerce/acme", JSON, body), 404, "not_found");
    assertError(post("/webhooks/api/acme", JSON, body), 404, "not_found");
    // beta-shop has Paddle only.
    assertError(
        post("/webhooks/dodo/beta-shop", JSON, body, standardWebhooks(DODO_KEY, "m", now(), body)),
        404,
        "unknown_site");
    assertError(post("/webhooks/paddle/nobody", JSON, body), 404, "unknown_site");
    // JSON providers take JSON only.
    assertError(
        post("/webhooks/paddle/acme", FORM, body, "Paddle-Signature", signature),
        415,
        "unsupported_media_type");
    assertNothingAfter(mark);
    // acme's signature is not beta-shop's; beta-shop's own is.
    assertError(
        post("/webhooks/paddle/beta-shop", JSON, body, "Paddle-Signature", signature),
        401,
        "invalid_signature");
    assertThat(
            post(
                    "/webhooks/paddle/beta-shop",
                    JSON,
                    body,
                    "Paddle-Signature",
                    paddle(PADDLE_BETA, now(), body))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void metricsCountByProvider() {
    byte[] body = GUMROAD_PING.getBytes(StandardCharsets.UTF_8);
    post("/webhooks/gumroad/acme/" + GUMROAD, FORM, body);
    post("/webhooks/gumroad/acme/not-the-token-0123456789", FORM, body);

    String metrics = ops.get("/metrics").body();

    assertThat(metrics)
        .containsPattern("tributary_gateway_accepted_total\\{provider=\"gumroad\"} [1-9]")
        .containsPattern(
            "tributary_gateway_rejected_total\\{provider=\"gumroad\",reason=\"invalid_signature\"}"
                + " [1-9]");
    for (String provider :
        List.of(
            "stripe",
            "lemonsqueezy",
            "paddle",
            "razorpay",
            "dodo",
            "polar",
            "paystack",
            "creem",
            "shopify",
            "woocommerce",
            "api")) {
      assertThat(metrics)
          .contains("tributary_gateway_accepted_total{provider=\"" + provider + "\"}");
    }
  }

  // --- signing the way each provider documents it --------------------------------------------

  static String paddle(String secret, long timestamp, byte[] body) {
    return "ts=" + timestamp + ";h1=" + Hmac.hex(secret, Hmac.concat(timestamp + ":", body));
  }

  /** The three Standard Webhooks headers as name, value pairs. */
  static String[] standardWebhooks(byte[] key, String id, long timestamp, byte[] body) {
    String signature = Hmac.base64(key, Hmac.concat(id + "." + timestamp + ".", body));
    return new String[] {
      "webhook-id",
      id,
      "webhook-timestamp",
      String.valueOf(timestamp),
      "webhook-signature",
      "v1," + signature
    };
  }

  // --- requests and assertions ---------------------------------------------------------------

  static HttpResponse<String> post(
      String path, String contentType, byte[] body, String... headers) {
    return client.post(path, contentType, body, headers);
  }

  /** 200 with the delivery id, and exactly one envelope in Kafka carrying the body unchanged. */
  static void assertForwarded(
      Supplier<HttpResponse<String>> request,
      String provider,
      String deliveryId,
      byte[] body,
      String contentType)
      throws IOException {
    Mark mark = kafka.mark(WEBHOOKS);
    HttpResponse<String> response = request.get();
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(json(response).path("status").asText()).isEqualTo("accepted");
    assertThat(json(response).path("deliveryId").asText()).isEqualTo(deliveryId);
    ConsumerRecord<String, String> record = kafka.singleRecordAfter(mark);
    assertThat(record.key()).isEqualTo("acme");
    JsonNode envelope = MAPPER.readTree(record.value());
    assertThat(envelope.fieldNames())
        .toIterable()
        .containsExactly(
            "v", "siteId", "provider", "deliveryId", "receivedAt", "contentType", "body");
    assertThat(envelope.path("v").asInt()).isEqualTo(1);
    assertThat(envelope.path("siteId").asText()).isEqualTo("acme");
    assertThat(envelope.path("provider").asText()).isEqualTo(provider);
    assertThat(envelope.path("deliveryId").asText()).isEqualTo(deliveryId);
    assertThat(envelope.path("contentType").asText()).isEqualTo(contentType);
    assertThat(envelope.path("body").asText().getBytes(StandardCharsets.UTF_8)).isEqualTo(body);
    Instant receivedAt = Instant.parse(envelope.path("receivedAt").asText());
    assertThat(record.timestamp()).isEqualTo(receivedAt.toEpochMilli());
  }

  /** 401; callers check that nothing was written since their mark. */
  static void assertForged(HttpResponse<String> response) {
    assertError(response, 401, "invalid_signature");
  }

  static void assertError(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(json(response).path("error").asText()).isEqualTo(code);
    assertThat(json(response).path("message").asText()).isNotBlank();
  }

  static void assertNothingAfter(Mark mark) {
    assertThat(kafka.recordsAfter(mark, Duration.ofMillis(500))).isEmpty();
  }

  static long now() {
    return Instant.now().getEpochSecond();
  }

  static String sha256(byte[] body) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] fixture(String path) throws IOException {
    return Files.readAllBytes(Fixtures.path(path));
  }
}
