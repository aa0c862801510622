package dev.tributary.gateway;

import static dev.tributary.gateway.testing.GatewayClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.gateway.config.GatewayConfig;
import dev.tributary.gateway.config.GatewayConfig.Topics;
import dev.tributary.gateway.config.SiteConfig;
import dev.tributary.gateway.testing.GatewayClient;
import dev.tributary.gateway.testing.KafkaTestCluster;
import dev.tributary.gateway.testing.KafkaTestCluster.Mark;
import dev.tributary.gateway.verify.StripeSignatureVerifier;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The gateway over real HTTP against a real broker: what it answers, and what it leaves in Kafka.
 * One broker and one gateway serve every nested group; each test marks the topic end before its
 * request and looks only at what came after.
 */
class GatewayIT {

  static final String WEBHOOKS = "tributary.webhooks";
  static final String TRACKING = "tributary.tracking";
  static final int MAX_BODY = 16 * 1024;

  static final String SECRET = "whsec_acme_current";
  static final String OLD_SECRET = "whsec_acme_previous";
  static final String ACME_KEY = "acme-api-key-0123456789-Q7w9Zk2Lp4Xr8Tn6Vb3Mh5J";
  static final String JSON_UTF8 = "application/json; charset=utf-8";

  /** A Stripe event with what a raw-body check must survive: non-ASCII, odd spacing, escapes. */
  static final String STRIPE_EVENT =
      "{\n  \"id\": \"evt_1QxAcme\",\n  \"object\":\"event\",  \"type\": \"charge.succeeded\","
          + " \"data\": {\"object\": {\"description\": \"Zoë’s \\\"order\\\" ✓ 😀\"}}\n}\n";

  static KafkaTestCluster kafka;
  static GatewayApp gateway;
  static GatewayClient client;

  /** The operations port: /healthz, /readyz, /metrics. */
  static GatewayClient ops;

  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaTestCluster.start(WEBHOOKS, TRACKING);
    List<SiteConfig> sites =
        List.of(
            new SiteConfig(
                "acme",
                List.of(OLD_SECRET, SECRET),
                List.of(ACME_KEY),
                List.of("https://acme.com")),
            new SiteConfig(
                "beta-shop",
                List.of(),
                List.of("beta-api-key-0123456789-Q7w9Zk2Lp4Xr8Tn6Vb3Mh5J"),
                List.of()));
    gateway =
        GatewayApp.start(
            new GatewayConfig(0, kafka.bootstrapServers(), MAX_BODY, 300, sites, Topics.DEFAULT));
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

  static HttpResponse<String> postStripe(String siteId, byte[] body, String signatureHeader) {
    return client.post(
        "/webhooks/stripe/" + siteId, JSON_UTF8, body, "Stripe-Signature", signatureHeader);
  }

  static String stripeSignature(String secret, byte[] body) {
    return StripeSignatureVerifier.signatureHeader(secret, Instant.now().getEpochSecond(), body);
  }

  static void assertError(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    JsonNode body = json(response);
    assertThat(body.path("error").asText()).isEqualTo(code);
    assertThat(body.path("message").asText()).isNotBlank();
  }

  static void assertNothingAfter(Mark mark) {
    assertThat(kafka.recordsAfter(mark, Duration.ofMillis(500))).isEmpty();
  }

  static JsonNode value(ConsumerRecord<String, String> record) throws IOException {
    return JSON.readTree(record.value());
  }

  @Nested
  class StripeWebhooks {

    @Test
    void answers200OnlyWithTheExactEnvelopeInKafka() throws IOException {
      byte[] body = STRIPE_EVENT.getBytes(StandardCharsets.UTF_8);
      Mark mark = kafka.mark(WEBHOOKS);
      Instant before = Instant.now().minusMillis(1);

      HttpResponse<String> response = postStripe("acme", body, stripeSignature(SECRET, body));

      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(json(response).path("status").asText()).isEqualTo("accepted");
      assertThat(json(response).path("deliveryId").asText()).isEqualTo("evt_1QxAcme");
      ConsumerRecord<String, String> record = kafka.singleRecordAfter(mark);
      assertThat(record.key()).isEqualTo("acme");
      JsonNode envelope = value(record);
      assertThat(envelope.fieldNames())
          .toIterable()
          .containsExactly(
              "v", "siteId", "provider", "deliveryId", "receivedAt", "contentType", "body");
      assertThat(envelope.path("v").asInt()).isEqualTo(1);
      assertThat(envelope.path("siteId").asText()).isEqualTo("acme");
      assertThat(envelope.path("provider").asText()).isEqualTo("stripe");
      assertThat(envelope.path("deliveryId").asText()).isEqualTo("evt_1QxAcme");
      assertThat(envelope.path("contentType").asText()).isEqualTo(JSON_UTF8);
      assertThat(envelope.path("body").asText().getBytes(StandardCharsets.UTF_8)).isEqualTo(body);
      String receivedAt = envelope.path("receivedAt").asText();
      assertThat(receivedAt).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
      assertThat(Instant.parse(receivedAt)).isBetween(before, Instant.now());
      assertThat(record.timestamp()).isEqualTo(Instant.parse(receivedAt).toEpochMilli());
    }

    @Test
    void acceptsTheOtherSecretOfARotation() throws IOException {
      byte[] body = "{\"id\":\"evt_rotated\",\"object\":\"event\"}".getBytes();
      Mark mark = kafka.mark(WEBHOOKS);

      HttpResponse<String> response = postStripe("acme", body, stripeSignature(OLD_SECRET, body));

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(value(kafka.singleRecordAfter(mark)).path("deliveryId").asText())
          .isEqualTo("evt_rotated");
    }

    @Test
    void generatesADeliveryIdForAnEventWithoutOne() throws IOException {
      byte[] body = "{\"object\":\"event\"}".getBytes();

      HttpResponse<String> response = postStripe("acme", body, stripeSignature(SECRET, body));

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(UUID.fromString(json(response).path("deliveryId").asText())).isNotNull();
    }

    @Test
    void forgedSignatureIs401AndProducesNothing() {
      byte[] body = STRIPE_EVENT.getBytes(StandardCharsets.UTF_8);
      byte[] forged = STRIPE_EVENT.replace("charge", "refund").getBytes(StandardCharsets.UTF_8);
      Mark mark = kafka.mark(WEBHOOKS);

      HttpResponse<String> tampered = postStripe("acme", forged, stripeSignature(SECRET, body));
      HttpResponse<String> wrongKey =
          postStripe("acme", body, stripeSignature("whsec_attacker", body));

      assertError(tampered, 401, "invalid_signature");
      assertError(wrongKey, 401, "invalid_signature");
      assertNothingAfter(mark);
    }

    @Test
    void expiredSignatureIs401() {
      byte[] body = STRIPE_EVENT.getBytes(StandardCharsets.UTF_8);
      long tenMinutesAgo = Instant.now().minusSeconds(600).getEpochSecond();
      Mark mark = kafka.mark(WEBHOOKS);

      HttpResponse<String> response =
          postStripe(
              "acme", body, StripeSignatureVerifier.signatureHeader(SECRET, tenMinutesAgo, body));

      assertError(response, 401, "invalid_signature");
      assertThat(json(response).path("message").asText()).contains("tolerance");
      assertNothingAfter(mark);
    }

    @Test
    void missingOrMalformedSignatureIs400() {
      byte[] body = STRIPE_EVENT.getBytes(StandardCharsets.UTF_8);
      Mark mark = kafka.mark(WEBHOOKS);

      assertError(
          client.post("/webhooks/stripe/acme", JSON_UTF8, body), 400, "malformed_signature");
      assertError(postStripe("acme", body, "t=soon,v1=abc"), 400, "malformed_signature");
      assertNothingAfter(mark);
    }

    @Test
    void unknownSiteOrSiteWithoutStripeIs404() {
      byte[] body = STRIPE_EVENT.getBytes(StandardCharsets.UTF_8);

      assertError(postStripe("nobody", body, stripeSignature(SECRET, body)), 404, "unknown_site");
      assertError(
          postStripe("beta-shop", body, stripeSignature(SECRET, body)), 404, "unknown_site");
    }
  }

  @Nested
  class PaymentsApi {

    static final String PAYMENT =
        "{\"provider\":\"shopify\",\"providerPaymentId\":\"ord_1001\",\"amount\":\"49.99\","
            + "\"currency\":\"EUR\",\"visitorId\":\"v_1\",\"sessionId\":\"s_1\","
            + "\"customerEmail\":\"a@b.c\",\"timestamp\":\"2026-11-23T10:00:00Z\",\"livemode\":true}";

    HttpResponse<String> post(String body, String... headers) {
      return client.post(
          "/api/v1/payments", "application/json", body.getBytes(StandardCharsets.UTF_8), headers);
    }

    @Test
    void answers202WithTheRawBodyInKafka() throws IOException {
      Mark mark = kafka.mark(WEBHOOKS);

      HttpResponse<String> response =
          post(PAYMENT, "Authorization", "Bearer " + ACME_KEY, "Idempotency-Key", "pay-1001");

      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      assertThat(json(response).path("deliveryId").asText()).isEqualTo("pay-1001");
      ConsumerRecord<String, String> record = kafka.singleRecordAfter(mark);
      assertThat(record.key()).isEqualTo("acme");
      JsonNode envelope = value(record);
      assertThat(envelope.path("provider").asText()).isEqualTo("api");
      assertThat(envelope.path("deliveryId").asText()).isEqualTo("pay-1001");
      assertThat(envelope.path("body").asText()).isEqualTo(PAYMENT);
    }

    @Test
    void theGuidesExampleIsAcceptedAsWrittenOnTheSingularPath() throws IOException {
      // PostMetric's "Record payments" curl example, body byte for byte
      String guide =
          """
          {
              "provider": "stripe",
              "providerPaymentId": "pi_1234567890",
              "amount": 99.99,
              "currency": "USD",
              "customerEmail": "customer@example.com",
              "visitorId": "visitor_123",
              "sessionId": "session_456",
              "metadata": {
                "orderId": "order_789"
              }
            }""";
      Mark mark = kafka.mark(WEBHOOKS);

      HttpResponse<String> response =
          client.post(
              "/api/v1/payment",
              "application/json",
              guide.getBytes(StandardCharsets.UTF_8),
              "Authorization",
              "Bearer " + ACME_KEY);

      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      JsonNode envelope = value(kafka.singleRecordAfter(mark));
      assertThat(envelope.path("provider").asText()).isEqualTo("api");
      assertThat(envelope.path("body").asText()).isEqualTo(guide);
    }

    @Test
    void generatesADeliveryIdWithoutIdempotencyKey() throws IOException {
      HttpResponse<String> response = post(PAYMENT, "Authorization", "bearer " + ACME_KEY);

      assertThat(response.statusCode()).isEqualTo(202);
      assertThat(json(response).path("deliveryId").asText()).startsWith("api_");
    }

    @Test
    void missingOrWrongKeyIs401AndProducesNothing() {
      Mark mark = kafka.mark(WEBHOOKS);

      HttpResponse<String> missing = post(PAYMENT);
      HttpResponse<String> wrong = post(PAYMENT, "Authorization", "Bearer not-a-key");
      HttpResponse<String> basic = post(PAYMENT, "Authorization", "Basic " + ACME_KEY);

      assertError(missing, 401, "unauthorized");
      assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
      assertError(wrong, 401, "unauthorized");
      assertError(basic, 401, "unauthorized");
      assertNothingAfter(mark);
    }

    @Test
    void invalidFieldsAre400WithEveryProblem() {
      Mark mark = kafka.mark(WEBHOOKS);

      HttpResponse<String> response =
          post(
              "{\"provider\":\"Shop!\",\"amount\":\"-5\",\"currency\":\"eur\",\"visitorId\":\"\"}",
              "Authorization",
              "Bearer " + ACME_KEY);

      assertError(response, 400, "invalid_request");
      JsonNode fields = json(response).path("fields");
      assertThat(fields.fieldNames())
          .toIterable()
          .containsExactlyInAnyOrder(
              "provider", "providerPaymentId", "amount", "currency", "visitorId");
      assertThat(fields.path("amount").asText()).isEqualTo("must be > 0");
      assertNothingAfter(mark);
    }

    @Test
    void notJsonIs400Or415() {
      assertError(post("[1,2]", "Authorization", "Bearer " + ACME_KEY), 400, "invalid_json");
      assertError(post("{\"a\":", "Authorization", "Bearer " + ACME_KEY), 400, "invalid_json");
      assertError(
          client.post(
              "/api/v1/payments",
              "text/plain",
              PAYMENT.getBytes(StandardCharsets.UTF_8),
              "Authorization",
              "Bearer " + ACME_KEY),
          415,
          "unsupported_media_type");
    }
  }

  @Nested
  class RefundsApi {

    static final String REFUND =
        "{\"provider\":\"shopify\",\"providerPaymentId\":\"ord_1001\",\"refundId\":\"rf_1\","
            + "\"amount\":\"10.00\",\"currency\":\"EUR\",\"timestamp\":\"2026-11-24T09:00:00Z\","
            + "\"reason\":\"requested_by_customer\"}";

    HttpResponse<String> post(String path, String body, String... headers) {
      return client.post(path, "application/json", body.getBytes(StandardCharsets.UTF_8), headers);
    }

    @Test
    void answers202WithTheRawBodyInKafka() throws IOException {
      Mark mark = kafka.mark(WEBHOOKS);

      HttpResponse<String> response =
          post(
              "/api/v1/refunds",
              REFUND,
              "Authorization",
              "Bearer " + ACME_KEY,
              "Idempotency-Key",
              "refund-rf_1");

      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      assertThat(json(response).path("status").asText()).isEqualTo("accepted");
      assertThat(json(response).path("deliveryId").asText()).isEqualTo("refund-rf_1");
      ConsumerRecord<String, String> record = kafka.singleRecordAfter(mark);
      assertThat(record.key()).isEqualTo("acme");
      JsonNode envelope = value(record);
      assertThat(envelope.path("provider").asText()).isEqualTo("api");
      assertThat(envelope.path("deliveryId").asText()).isEqualTo("refund-rf_1");
      assertThat(envelope.path("contentType").asText()).isEqualTo("application/json");
      assertThat(envelope.path("body").asText()).isEqualTo(REFUND);
    }

    @Test
    void theGuidesExampleIsAcceptedAsWrittenOnTheSingularPath() throws IOException {
      // PostMetric's "Record payments" curl example, body byte for byte
      String guide =
          """
          {
              "provider": "stripe",
              "providerPaymentId": "pi_1234567890",
              "amount": 99.99,
              "currency": "USD",
              "customerEmail": "customer@example.com",
              "visitorId": "visitor_123",
              "sessionId": "session_456",
              "metadata": {
                "orderId": "order_789"
              }
            }""";
      Mark mark = kafka.mark(WEBHOOKS);

      HttpResponse<String> response =
          client.post(
              "/api/v1/payment",
              "application/json",
              guide.getBytes(StandardCharsets.UTF_8),
              "Authorization",
              "Bearer " + ACME_KEY);

      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      JsonNode envelope = value(kafka.singleRecordAfter(mark));
      assertThat(envelope.path("provider").asText()).isEqualTo("api");
      assertThat(envelope.path("body").asText()).isEqualTo(guide);
    }

    @Test
    void generatesADeliveryIdWithoutIdempotencyKey() throws IOException {
      HttpResponse<String> response =
          post("/api/v1/refunds", REFUND, "Authorization", "Bearer " + ACME_KEY);

      assertThat(response.statusCode()).isEqualTo(202);
      assertThat(json(response).path("deliveryId").asText()).startsWith("api_");
    }

    @Test
    void invalidFieldsAre400WithEveryProblemAndProduceNothing() {
      Mark mark = kafka.mark(WEBHOOKS);

      HttpResponse<String> response =
          post(
              "/api/v1/refunds",
              "{\"provider\":\"shopify\",\"providerPaymentId\":\"ord_1001\",\"amount\":\"0\","
                  + "\"currency\":\"JPY\",\"reason\":\""
                  + "x".repeat(501)
                  + "\"}",
              "Authorization",
              "Bearer " + ACME_KEY);
      HttpResponse<String> tooPrecise =
          post(
              "/api/v1/refunds",
              REFUND.replace("\"10.00\"", "\"10.5\"").replace("EUR", "JPY"),
              "Authorization",
              "Bearer " + ACME_KEY);

      assertError(response, 400, "invalid_request");
      JsonNode fields = json(response).path("fields");
      assertThat(fields.fieldNames())
          .toIterable()
          .containsExactlyInAnyOrder("refundId", "amount", "reason");
      assertThat(fields.path("refundId").asText()).isEqualTo("is required");
      assertThat(fields.path("amount").asText()).isEqualTo("must be > 0");
      assertError(tooPrecise, 400, "invalid_request");
      assertThat(json(tooPrecise).path("fields").path("amount").asText())
          .isEqualTo("must have at most 0 decimal places for JPY");
      assertNothingAfter(mark);
    }

    @Test
    void needsTheApiKey() {
      assertError(post("/api/v1/refunds", REFUND), 401, "unauthorized");
      assertError(
          post("/api/v1/refunds", REFUND, "Authorization", "Bearer not-a-key"),
          401,
          "unauthorized");
    }

    @Test
    void thePaymentsEndpointRefusesARefund() {
      Mark mark = kafka.mark(WEBHOOKS);

      HttpResponse<String> response =
          post("/api/v1/payments", REFUND, "Authorization", "Bearer " + ACME_KEY);

      assertError(response, 400, "invalid_request");
      assertThat(json(response).path("fields").path("refundId").asText())
          .contains("belongs to /api/v1/refunds");
      assertNothingAfter(mark);
    }
  }

  @Nested
  class Tracking {

    static final String PAGEVIEW =
        "{\"siteId\":\"acme\",\"visitorId\":\"v_1\",\"sessionId\":\"s_1\","
            + "\"url\":\"https://acme.com/pricing?utm_source=x\",\"referrer\":\"https://google.com/\","
            + "\"utm\":{\"source\":\"x\",\"campaign\":\"spring\",\"other\":\"dropped\"},"
            + "\"ts\":1763892000000}";

    HttpResponse<String> post(String contentType, String body, String... headers) {
      return client.post(
          "/api/v1/events", contentType, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    @Test
    void answers202WithTheTrackingRecordInKafka() throws IOException {
      Mark mark = kafka.mark(TRACKING);
      Instant before = Instant.now().minusMillis(1);

      HttpResponse<String> response = post("application/json", PAGEVIEW);

      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      assertThat(json(response).path("status").asText()).isEqualTo("accepted");
      ConsumerRecord<String, String> record = kafka.singleRecordAfter(mark);
      assertThat(record.key()).isEqualTo("acme:v_1");
      JsonNode value = value(record);
      assertThat(value.fieldNames())
          .toIterable()
          .containsExactly(
              "v",
              "type",
              "siteId",
              "visitorId",
              "sessionId",
              "url",
              "referrer",
              "utm",
              "clientTs",
              "receivedAt",
              "eventId");
      assertThat(value.path("v").asInt()).isEqualTo(1);
      assertThat(value.path("type").asText()).isEqualTo("pageview");
      assertThat(value.path("siteId").asText()).isEqualTo("acme");
      assertThat(value.path("sessionId").asText()).isEqualTo("s_1");
      assertThat(value.path("url").asText()).isEqualTo("https://acme.com/pricing?utm_source=x");
      assertThat(value.path("referrer").asText()).isEqualTo("https://google.com/");
      assertThat(value.path("utm"))
          .isEqualTo(JSON.readTree("{\"source\":\"x\",\"campaign\":\"spring\"}"));
      assertThat(value.path("clientTs").asLong()).isEqualTo(1763892000000L);
      Instant receivedAt = Instant.parse(value.path("receivedAt").asText());
      assertThat(receivedAt).isBetween(before, Instant.now());
      assertThat(record.timestamp()).isEqualTo(receivedAt.toEpochMilli());
      assertThat(UUID.fromString(value.path("eventId").asText())).isNotNull();
    }

    @Test
    void acceptsSendBeaconTextWithoutOptionalFields() throws IOException {
      Mark mark = kafka.mark(TRACKING);

      HttpResponse<String> response =
          post(
              "text/plain;charset=UTF-8",
              "{\"siteId\":\"beta-shop\",\"visitorId\":\"v_2\",\"sessionId\":\"s_2\","
                  + "\"url\":\"https://beta.shop/\",\"referrer\":\"\"}");

      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      ConsumerRecord<String, String> record = kafka.singleRecordAfter(mark);
      assertThat(record.key()).isEqualTo("beta-shop:v_2");
      JsonNode value = value(record);
      assertThat(value.path("referrer").isNull()).isTrue();
      assertThat(value.path("clientTs").isNull()).isTrue();
      assertThat(value.path("utm").isObject()).isTrue();
      assertThat(value.path("utm").isEmpty()).isTrue();
    }

    /** Reset and magic-link tokens in a page's address never reach Kafka (issue #13). */
    @Test
    void tokensInThePageAddressNeverReachKafka() throws IOException {
      Mark mark = kafka.mark(TRACKING);

      HttpResponse<String> response =
          post(
              "text/plain;charset=UTF-8",
              "{\"siteId\":\"beta-shop\",\"visitorId\":\"v_3\",\"sessionId\":\"s_3\","
                  + "\"url\":\"https://beta.shop/reset?token=SECRET1&utm_source=news&gclid=g1"
                  + "#access_token=SECRET2\","
                  + "\"referrer\":\"https://mail.example/read?msg=SECRET3\"}");

      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      ConsumerRecord<String, String> record = kafka.singleRecordAfter(mark);
      assertThat(record.value()).doesNotContain("SECRET");
      JsonNode value = value(record);
      assertThat(value.path("url").asText())
          .isEqualTo("https://beta.shop/reset?utm_source=news&gclid=g1");
      assertThat(value.path("referrer").asText()).isEqualTo("https://mail.example/read");
    }

    @Test
    void unknownSiteIs404AndMissingFieldsAre400() {
      Mark mark = kafka.mark(TRACKING);

      HttpResponse<String> unknown = post("application/json", PAGEVIEW.replace("acme", "nobody"));
      HttpResponse<String> incomplete = post("application/json", "{\"siteId\":\"acme\"}");
      HttpResponse<String> noSite = post("application/json", "{\"visitorId\":\"v\"}");

      assertError(unknown, 404, "unknown_site");
      assertError(incomplete, 400, "invalid_request");
      assertThat(json(incomplete).path("fields").fieldNames())
          .toIterable()
          .containsExactlyInAnyOrder("visitorId", "sessionId", "url");
      assertError(noSite, 400, "invalid_request");
      assertThat(json(noSite).path("fields").has("siteId")).isTrue();
      assertNothingAfter(mark);
    }

    @Test
    void browserOriginsMustBeAllowedBySite() {
      Mark mark = kafka.mark(TRACKING);

      HttpResponse<String> foreign = post("text/plain", PAGEVIEW, "Origin", "https://evil.example");
      HttpResponse<String> own = post("text/plain", PAGEVIEW, "Origin", "https://acme.com");

      assertError(foreign, 403, "origin_not_allowed");
      assertThat(own.statusCode()).isEqualTo(202);
      assertThat(own.headers().firstValue("Access-Control-Allow-Origin"))
          .hasValue("https://acme.com");
      assertThat(kafka.recordsAfter(mark, Duration.ofMillis(500))).hasSize(1);
    }

    @Test
    void preflightAllowsOnlyConfiguredOrigins() {
      HttpResponse<String> allowed = client.options("/api/v1/events", "Origin", "https://acme.com");

      assertThat(allowed.statusCode()).isEqualTo(204);
      assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
          .hasValue("https://acme.com");
      assertThat(allowed.headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST");
    }
  }

  @Nested
  class Identify {

    /** printf %s ada@example.com | sha256sum */
    static final String ADA_HASH =
        "b5fc85e55755f9e0d030a10ab4429b6b2944855f9a0d60077fe832becbc41d72";

    HttpResponse<String> post(String contentType, String body, String... headers) {
      return client.post(
          "/api/v1/identify", contentType, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    @Test
    void answers202WithOnlyTheEmailHashInKafka() throws IOException {
      Mark mark = kafka.mark(TRACKING);
      Instant before = Instant.now().minusMillis(1);

      HttpResponse<String> response =
          post(
              "text/plain;charset=UTF-8",
              "{\"siteId\":\"acme\",\"visitorId\":\"v_1\",\"sessionId\":\"s_1\","
                  + "\"email\":\"  Ada@Example.COM \",\"ts\":1763892000000}",
              "Origin",
              "https://acme.com");

      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      assertThat(json(response).path("status").asText()).isEqualTo("accepted");
      assertThat(response.headers().firstValue("Access-Control-Allow-Origin"))
          .hasValue("https://acme.com");
      ConsumerRecord<String, String> record = kafka.singleRecordAfter(mark);
      assertThat(record.key()).isEqualTo("acme:v_1");
      assertThat(record.value()).doesNotContainIgnoringCase("ada").doesNotContain("@");
      JsonNode value = value(record);
      assertThat(value.fieldNames())
          .toIterable()
          .containsExactly(
              "v",
              "type",
              "siteId",
              "visitorId",
              "sessionId",
              "emailHash",
              "clientTs",
              "receivedAt",
              "eventId",
              "verified");
      assertThat(value.path("v").asInt()).isEqualTo(1);
      assertThat(value.path("type").asText()).isEqualTo("identify");
      assertThat(value.path("siteId").asText()).isEqualTo("acme");
      assertThat(value.path("visitorId").asText()).isEqualTo("v_1");
      assertThat(value.path("sessionId").asText()).isEqualTo("s_1");
      assertThat(value.path("emailHash").asText()).isEqualTo(ADA_HASH);
      assertThat(value.path("clientTs").asLong()).isEqualTo(1763892000000L);
      Instant receivedAt = Instant.parse(value.path("receivedAt").asText());
      assertThat(receivedAt).isBetween(before, Instant.now());
      assertThat(record.timestamp()).isEqualTo(receivedAt.toEpochMilli());
      assertThat(UUID.fromString(value.path("eventId").asText())).isNotNull();
    }

    @Test
    void sessionAndClientTimeAreOptional() throws IOException {
      Mark mark = kafka.mark(TRACKING);

      HttpResponse<String> response =
          post(
              "application/json",
              "{\"siteId\":\"beta-shop\",\"visitorId\":\"v_2\",\"email\":\"b@beta.shop\"}");

      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      ConsumerRecord<String, String> record = kafka.singleRecordAfter(mark);
      assertThat(record.key()).isEqualTo("beta-shop:v_2");
      JsonNode value = value(record);
      assertThat(value.path("sessionId").isNull()).isTrue();
      assertThat(value.path("clientTs").isNull()).isTrue();
      assertThat(value.path("emailHash").asText()).matches("[0-9a-f]{64}");
    }

    @Test
    void invalidFieldsAre400WithoutQuotingTheEmailAndProduceNothing() {
      Mark mark = kafka.mark(TRACKING);
      String longEmail = "a".repeat(243) + "@example.com"; // 255 characters

      HttpResponse<String> noAt =
          post(
              "application/json",
              "{\"siteId\":\"acme\",\"visitorId\":\"v 1\",\"sessionId\":\"\","
                  + "\"email\":\"ada.example.com\",\"ts\":-1}");
      HttpResponse<String> tooLong =
          post(
              "application/json",
              "{\"siteId\":\"acme\",\"visitorId\":\"v_1\",\"email\":\"" + longEmail + "\"}");
      HttpResponse<String> missing =
          post("application/json", "{\"siteId\":\"acme\",\"visitorId\":\"v_1\"}");

      assertError(noAt, 400, "invalid_request");
      assertThat(json(noAt).path("fields").fieldNames())
          .toIterable()
          .containsExactlyInAnyOrder("visitorId", "sessionId", "email", "ts");
      assertThat(json(noAt).path("fields").path("email").asText())
          .isEqualTo("must be an email address");
      assertThat(noAt.body()).doesNotContain("ada.example.com");
      assertError(tooLong, 400, "invalid_request");
      assertThat(json(tooLong).path("fields").path("email").asText()).contains("254");
      assertThat(tooLong.body()).doesNotContain("@example.com");
      assertError(missing, 400, "invalid_request");
      assertThat(json(missing).path("fields").path("email").asText()).isEqualTo("is required");
      assertNothingAfter(mark);
    }

    @Test
    void unknownSiteIs404AndForeignOriginIs403() {
      Mark mark = kafka.mark(TRACKING);
      String body = "{\"siteId\":\"acme\",\"visitorId\":\"v_1\",\"email\":\"a@b.c\"}";

      assertError(post("text/plain", body.replace("acme", "nobody")), 404, "unknown_site");
      assertError(
          post("text/plain", body, "Origin", "https://evil.example"), 403, "origin_not_allowed");
      assertError(post("application/xml", body), 415, "unsupported_media_type");
      assertNothingAfter(mark);
    }

    @Test
    void preflightAllowsOnlyConfiguredOrigins() {
      HttpResponse<String> allowed =
          client.options("/api/v1/identify", "Origin", "https://acme.com");
      HttpResponse<String> foreign =
          client.options("/api/v1/identify", "Origin", "https://evil.example");

      assertThat(allowed.statusCode()).isEqualTo(204);
      assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
          .hasValue("https://acme.com");
      assertThat(allowed.headers().firstValue("Access-Control-Allow-Headers"))
          .hasValue("Content-Type");
      // beta-shop allows every origin, so a preflight from anywhere passes; the POST decides.
      assertThat(foreign.statusCode()).isEqualTo(204);
    }

    @Test
    void theEventsRouteRefusesIdentifyRecords() {
      Mark mark = kafka.mark(TRACKING);

      HttpResponse<String> response =
          client.post(
              "/api/v1/events",
              "application/json",
              ("{\"type\":\"identify\"," + Tracking.PAGEVIEW.substring(1))
                  .getBytes(StandardCharsets.UTF_8));

      assertError(response, 400, "invalid_request");
      assertThat(json(response).path("fields").path("type").asText()).contains("/api/v1/identify");
      assertNothingAfter(mark);
    }
  }

  @Nested
  class Bots {

    static final String GOOGLEBOT =
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    static final String HEADLESS_CHROME =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " HeadlessChrome/131.0.0.0 Safari/537.36";

    @Test
    void botCallsGet202ButProduceNothingAndAreCounted() {
      long droppedBefore = droppedBots();
      Mark mark = kafka.mark(TRACKING);

      HttpResponse<String> pageview =
          client.post(
              "/api/v1/events",
              "text/plain",
              Tracking.PAGEVIEW.getBytes(StandardCharsets.UTF_8),
              "User-Agent",
              GOOGLEBOT);
      HttpResponse<String> identify =
          client.post(
              "/api/v1/identify",
              "text/plain",
              "{\"siteId\":\"acme\",\"visitorId\":\"v_1\",\"email\":\"a@b.c\"}"
                  .getBytes(StandardCharsets.UTF_8),
              "User-Agent",
              HEADLESS_CHROME);
      // Bots learn nothing about their body, not even whether it was valid; the answer says the
      // call was dropped and why, so a person trying the tracker with curl is not misled.
      HttpResponse<String> garbage =
          client.post(
              "/api/v1/events", "text/plain", "not json".getBytes(), "User-Agent", "curl/8.5.0");

      for (HttpResponse<String> response : List.of(pageview, identify, garbage)) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(json(response).path("status").asText()).isEqualTo("dropped");
        assertThat(json(response).path("reason").asText()).isEqualTo("bot_user_agent");
        assertThat(json(response).path("message").asText()).contains("User-Agent");
      }
      assertNothingAfter(mark);
      assertThat(droppedBots()).isEqualTo(droppedBefore + 3);
    }

    @Test
    void theDroppedCounterExistsFromTheStart() {
      assertThat(ops.get("/metrics").body())
          .contains("# TYPE tributary_gateway_dropped_total counter")
          .containsPattern("tributary_gateway_dropped_total\\{reason=\"bot\"} \\d+")
          .contains("tributary_gateway_accepted_total{provider=\"identify\"} ");
    }

    long droppedBots() {
      Matcher matcher =
          Pattern.compile("(?m)^tributary_gateway_dropped_total\\{reason=\"bot\"} (\\d+)$")
              .matcher(ops.get("/metrics").body());
      assertThat(matcher.find()).as("dropped counter in /metrics").isTrue();
      return Long.parseLong(matcher.group(1));
    }
  }

  @Nested
  class Script {

    @Test
    void servesTheTrackerScriptCacheable() {
      HttpResponse<String> response = client.get("/t.js");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("application/javascript"));
      assertThat(response.headers().firstValue("Cache-Control")).hasValue("public, max-age=300");
      assertThat(response.body()).contains("window.tributary").contains("api/v1/identify");
      String etag = response.headers().firstValue("ETag").orElseThrow();

      HttpResponse<String> revalidated = client.get("/t.js", "If-None-Match", etag);

      assertThat(revalidated.statusCode()).isEqualTo(304);
      assertThat(revalidated.body()).isEmpty();
    }
  }

  @Nested
  class Limits {

    @Test
    void declaredBodyOverTheLimitIs413AndProducesNothing() throws IOException {
      Mark mark = kafka.mark(WEBHOOKS);

      // Refused from the declared length, before any body byte is sent.
      GatewayClient.RawResponse response =
          client.postDeclaringLength("/webhooks/stripe/acme", JSON_UTF8, MAX_BODY + 1);

      assertThat(response.status()).as(response.head()).isEqualTo(413);
      assertThat(JSON.readTree(response.body()).path("error").asText())
          .isEqualTo("payload_too_large");
      assertNothingAfter(mark);
    }

    @Test
    void streamedBodyOverTheLimitIs413() {
      byte[] body = new byte[MAX_BODY + 1];
      Arrays.fill(body, (byte) ' ');

      HttpResponse<String> response =
          client.postChunked("/api/v1/events", "application/json", body);

      assertError(response, 413, "payload_too_large");
    }

    @Test
    void bodyAtTheLimitIsRead() {
      byte[] body = new byte[MAX_BODY];
      Arrays.fill(body, (byte) ' ');
      body[0] = '{';
      body[MAX_BODY - 1] = '}';

      // Read in full and judged on its content: an empty object lacks every field.
      assertError(
          client.postChunked("/api/v1/events", "application/json", body), 400, "invalid_request");
    }

    @Test
    void wrongMediaTypeIs415() {
      byte[] body = STRIPE_EVENT.getBytes(StandardCharsets.UTF_8);

      assertError(
          client.post(
              "/webhooks/stripe/acme",
              "text/plain",
              body,
              "Stripe-Signature",
              stripeSignature(SECRET, body)),
          415,
          "unsupported_media_type");
      assertError(
          client.post("/webhooks/stripe/acme", "application/json; charset=latin1", body),
          415,
          "unsupported_media_type");
      assertError(client.post("/api/v1/events", null, body), 415, "unsupported_media_type");
    }

    @Test
    void invalidUtf8Is400() {
      byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'};

      assertError(postStripe("acme", body, stripeSignature(SECRET, body)), 400, "invalid_encoding");
    }

    @Test
    void unknownRouteIs404Json() {
      assertError(client.get("/nope"), 404, "not_found");
    }
  }

  @Nested
  class Operations {

    @Test
    void healthAndReadinessAreOnTheOperationsPort() throws InterruptedException {
      assertThat(ops.get("/healthz").statusCode()).isEqualTo(200);
      // The first background check may still be running right after the start.
      HttpResponse<String> ready = ops.get("/readyz");
      for (int i = 0; i < 50 && ready.statusCode() != 200; i++) {
        Thread.sleep(100);
        ready = ops.get("/readyz");
      }
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
      assertThat(json(ready).path("status").asText()).isEqualTo("ready");
      assertThat(json(ready).path("ageMillis").asLong()).isBetween(0L, 10_000L);
      assertThat(ready.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void thePublicPortServesNoOperationsEndpoint() {
      for (String path : List.of("/metrics", "/readyz", "/healthz")) {
        HttpResponse<String> response = client.get(path);
        assertThat(response.statusCode()).as(path).isEqualTo(404);
        assertThat(json(response).path("error").asText()).isEqualTo("not_found");
        assertThat(response.body()).doesNotContain("tributary_gateway");
      }
    }

    @Test
    void theOperationsPortServesNoIngestRoute() {
      byte[] body = "{\"id\":\"evt_ops\"}".getBytes();
      Mark mark = kafka.mark(WEBHOOKS);

      HttpResponse<String> webhook =
          ops.post(
              "/webhooks/stripe/acme",
              JSON_UTF8,
              body,
              "Stripe-Signature",
              stripeSignature(SECRET, body));

      assertThat(webhook.statusCode()).isIn(404, 405);
      assertThat(ops.get("/t.js").statusCode()).isEqualTo(404);
      assertNothingAfter(mark);
    }

    @Test
    void metricsCountAcceptedAndRejected() {
      byte[] body = "{\"id\":\"evt_metrics\"}".getBytes();
      postStripe("acme", body, stripeSignature(SECRET, body));
      postStripe("acme", body, stripeSignature("whsec_wrong", body));

      HttpResponse<String> metrics = ops.get("/metrics");

      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
      assertThat(metrics.body())
          .contains("# TYPE tributary_gateway_accepted_total counter")
          .containsPattern("tributary_gateway_accepted_total\\{provider=\"stripe\"} [1-9]")
          .containsPattern(
              "tributary_gateway_rejected_total\\{provider=\"stripe\",reason=\"invalid_signature\"}"
                  + " [1-9]")
          // Every provider has a series from the start.
          .contains("tributary_gateway_accepted_total{provider=\"polar\"} ")
          .contains("tributary_gateway_accepted_total{provider=\"gumroad\"} ")
          .contains("tributary_gateway_accepted_total{provider=\"api\"} ");
    }
  }

  /**
   * Issue #11: text the job would choke on (NUL in PostgreSQL text, controls in logs and exports,
   * look-alike ids) is refused at the door with the field named, and nothing reaches Kafka;
   * ordinary Unicode passes; provider webhooks are forwarded raw whatever they hold.
   */
  @Nested
  class TextHygiene {

    static final String PAGEVIEW =
        "{\"siteId\":\"acme\",\"visitorId\":\"v_h\",\"sessionId\":\"s_h\","
            + "\"url\":\"https://acme.com/pricing\",\"referrer\":\"\"}";

    HttpResponse<String> track(String body) {
      return client.post("/api/v1/events", "text/plain", body.getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> api(String path, String body) {
      return client.post(
          path,
          "application/json",
          body.getBytes(StandardCharsets.UTF_8),
          "Authorization",
          "Bearer " + ACME_KEY);
    }

    static void assertFieldError(HttpResponse<String> response, String field, String... words) {
      assertError(response, 400, "invalid_request");
      JsonNode fields = json(response).path("fields");
      assertThat(fields.fieldNames()).toIterable().as(response.body()).containsExactly(field);
      assertThat(fields.path(field).asText()).contains(words);
    }

    @Test
    void aNulInTheUrlsUtmCampaignIsRefusedAndProducesNothing() {
      Mark mark = kafka.mark(TRACKING);

      HttpResponse<String> response =
          track(PAGEVIEW.replace("/pricing", "/pricing?utm_source=ads&utm_campaign=a%00b"));

      assertFieldError(response, "url", "utm_campaign", "control characters", "U+0000");
      assertNothingAfter(mark);
    }

    @Test
    void encodedControlsAnywhereInUrlOrReferrerAreRefused() {
      Mark mark = kafka.mark(TRACKING);

      assertFieldError(
          track(PAGEVIEW.replace("/pricing", "/pricing?gclid=x%0A")), "url", "gclid", "U+000A");
      assertFieldError(track(PAGEVIEW.replace("/pricing", "/pri%7Fcing")), "url", "U+007F");
      assertFieldError(
          track(PAGEVIEW.replace("/pricing", "/?utm_content=%E2%80%AEgpj.exe")),
          "url",
          "utm_content",
          "U+202E");
      assertFieldError(
          track(
              PAGEVIEW.replace("\"referrer\":\"\"", "\"referrer\":\"https://acme.com/?q=%C2%85\"")),
          "referrer",
          "U+0085");
      assertNothingAfter(mark);
    }

    @Test
    void aNulInAUtmValueIsRefusedAndProducesNothing() {
      Mark mark = kafka.mark(TRACKING);

      HttpResponse<String> response =
          track(PAGEVIEW.replace("}", ",\"utm\":{\"source\":\"ads\",\"campaign\":\"\\u0000\"}}"));

      assertFieldError(response, "utm.campaign", "control characters", "U+0000 at index 0");
      assertNothingAfter(mark);
    }

    @Test
    void aVisitorIdWithABidiOverrideIsRefusedAndProducesNothing() {
      Mark mark = kafka.mark(TRACKING);

      HttpResponse<String> raw = track(PAGEVIEW.replace("v_h", "v_\u202Eh"));
      HttpResponse<String> escaped = track(PAGEVIEW.replace("v_h", "v_\\u202eh"));
      HttpResponse<String> session = track(PAGEVIEW.replace("s_h", "s_\\ufeffh"));

      assertFieldError(raw, "visitorId", "bidirectional", "U+202E at index 2");
      assertFieldError(escaped, "visitorId", "bidirectional", "U+202E at index 2");
      assertFieldError(session, "sessionId", "U+FEFF");
      assertNothingAfter(mark);
    }

    @Test
    void anIdentifyEmailWithANulIsRefusedWithoutQuotingItAndProducesNothing() {
      Mark mark = kafka.mark(TRACKING);

      HttpResponse<String> response =
          client.post(
              "/api/v1/identify",
              "application/json",
              "{\"siteId\":\"acme\",\"visitorId\":\"v_1\",\"email\":\"ada@example.com\\u0000\"}"
                  .getBytes(StandardCharsets.UTF_8));

      assertFieldError(response, "email", "control characters", "U+0000 at index 15");
      assertThat(response.body()).doesNotContain("ada").doesNotContain("example.com");
      assertNothingAfter(mark);
    }

    @Test
    void aPaymentWithAControlCharacterInItsIdIsRefusedAndProducesNothing() {
      Mark mark = kafka.mark(WEBHOOKS);

      HttpResponse<String> response =
          api("/api/v1/payments", PaymentsApi.PAYMENT.replace("ord_1001", "ord_1001\\u001b[2J"));

      assertFieldError(response, "providerPaymentId", "control characters", "U+001B at index 8");
      assertNothingAfter(mark);
    }

    @Test
    void aPaymentInTheYear300000000IsRefusedAndProducesNothing() {
      Mark mark = kafka.mark(WEBHOOKS);

      HttpResponse<String> farFuture =
          api(
              "/api/v1/payment",
              PaymentsApi.PAYMENT.replace("2026-11-23T10:00:00Z", "+300000000-01-01T00:00:00Z"));
      HttpResponse<String> beforeEpoch =
          api(
              "/api/v1/payments",
              PaymentsApi.PAYMENT.replace("2026-11-23T10:00:00Z", "1969-12-31T23:59:59Z"));
      HttpResponse<String> refundTomorrow =
          api(
              "/api/v1/refunds",
              RefundsApi.REFUND.replace(
                  "2026-11-24T09:00:00Z", Instant.now().plus(Duration.ofHours(25)).toString()));

      assertFieldError(farFuture, "timestamp", "24 hours ahead");
      assertFieldError(beforeEpoch, "timestamp", "1970-01-01");
      assertFieldError(refundTomorrow, "timestamp", "24 hours ahead");
      assertNothingAfter(mark);
    }

    @Test
    void refundReasonsAndMetadataAreCheckedToo() {
      Mark mark = kafka.mark(WEBHOOKS);

      HttpResponse<String> reason =
          api(
              "/api/v1/refunds",
              RefundsApi.REFUND.replace("requested_by_customer", "requested\\tby customer"));
      HttpResponse<String> metadata =
          api(
              "/api/v1/payments",
              PaymentsApi.PAYMENT.replace(
                  "}", ",\"metadata\":{\"tributary_session_id\":\"s_1\\u0000\"}}"));

      assertFieldError(reason, "reason", "U+0009");
      assertFieldError(metadata, "metadata.tributary_session_id", "U+0000");
      assertNothingAfter(mark);
    }

    @Test
    void ordinaryUnicodeIsAcceptedAndForwardedAsSent() throws IOException {
      Mark tracking = kafka.mark(TRACKING);
      String url = "https://acme.com/商品/カタログ?utm_campaign=été-2026&utm_source=%C3%A9t%C3%A9";

      HttpResponse<String> pageview =
          track(
              PAGEVIEW
                  .replace("https://acme.com/pricing", url)
                  .replace(
                      "}",
                      ",\"utm\":{\"medium\":\"social 🚀\",\"content\":\"👩‍💻 dev\","
                          + "\"term\":\"夏のセール\"}}"));

      assertThat(pageview.statusCode()).as(pageview.body()).isEqualTo(202);
      JsonNode record = value(kafka.singleRecordAfter(tracking));
      assertThat(record.path("url").asText()).isEqualTo(url);
      assertThat(record.path("utm"))
          .isEqualTo(
              JSON.readTree(
                  "{\"medium\":\"social 🚀\",\"term\":\"夏のセール\",\"content\":\"👩‍💻 dev\"}"));

      Mark webhooks = kafka.mark(WEBHOOKS);
      String payment =
          PaymentsApi.PAYMENT
              .replace("a@b.c", "zoë@例え.jp")
              .replace("2026-11-23T10:00:00Z", "1970-01-01T00:00:00Z")
              // Free text keeps its right-to-left mark.
              .replace("}", ",\"metadata\":{\"note\":\"طلب\u200f ✓\",\"n\":[1,{\"k\":\"夏\"}]}}");
      HttpResponse<String> accepted = api("/api/v1/payments", payment);

      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
      assertThat(value(kafka.singleRecordAfter(webhooks)).path("body").asText()).isEqualTo(payment);
    }

    @Test
    void providerWebhooksAreForwardedRawWhateverTheyHold() throws IOException {
      byte[] body =
          "{\"id\":\"evt_hygiene\",\"object\":\"event\",\"data\":{\"object\":{\"description\":\"a\\u0000b\u202Ec\\u001b\"}}}"
              .getBytes(StandardCharsets.UTF_8);
      Mark mark = kafka.mark(WEBHOOKS);

      HttpResponse<String> response = postStripe("acme", body, stripeSignature(SECRET, body));

      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(
              value(kafka.singleRecordAfter(mark))
                  .path("body")
                  .asText()
                  .getBytes(StandardCharsets.UTF_8))
          .isEqualTo(body);
    }
  }
}
