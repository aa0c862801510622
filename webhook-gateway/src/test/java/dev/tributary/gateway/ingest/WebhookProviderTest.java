package dev.tributary.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tributary.gateway.config.WebhookProviders;
import dev.tributary.gateway.verify.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class WebhookProviderTest {

  private static final List<WebhookProvider> ALL = WebhookProvider.all(Duration.ofSeconds(300));
  private static final Headers NO_HEADERS = Headers.of(Map.of());

  @Test
  void everyProviderThatCanHoldSecretsHasARouteAndNoOtherDoes() {
    assertThat(ALL)
        .extracting(WebhookProvider::name)
        .containsExactlyElementsOf(WebhookProviders.NAMES);
    for (WebhookProvider provider : ALL) {
      String expected =
          provider.name().equals("gumroad")
              ? "/webhooks/gumroad/{siteId}/{token}"
              : "/webhooks/" + provider.name() + "/{siteId}";
      assertThat(provider.path()).isEqualTo(expected);
      assertThat(provider.mediaTypes())
          .containsExactly(
              provider.name().equals("gumroad")
                  ? "application/x-www-form-urlencoded"
                  : "application/json");
    }
  }

  @Test
  void onlyWooCommerceSendsASetupPingAndItsFormIsExact() {
    for (WebhookProvider provider : ALL) {
      assertThat(provider.ping() != null)
          .as(provider.name())
          .isEqualTo(provider.name().equals("woocommerce"));
    }
    WebhookProvider.Ping ping = WebhookProvider.WOOCOMMERCE_PING;

    assertThat(ping.mediaTypes()).containsExactly("application/x-www-form-urlencoded");
    assertThat(ping.matches("webhook_id=12")).isTrue();
    for (String other :
        List.of(
            "",
            "webhook_id=",
            "webhook_id=12&x=1",
            "webhook_id=12\n",
            "webhook_id=abc",
            "{\"webhook_id\":12}",
            "webhook_id=123456789012345678901")) {
      assertThat(ping.matches(other)).as(other).isFalse();
    }
  }

  @Test
  void aPingCannotShareTheEventsMediaType() {
    assertThatThrownBy(
            () ->
                new WebhookProvider(
                    "woocommerce",
                    "/webhooks/woocommerce/{siteId}",
                    RequestBody.JSON,
                    (body, headers, secrets, now) -> null,
                    DeliveryIds.bodySha256(),
                    new WebhookProvider.Ping(RequestBody.JSON, Pattern.compile("x"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void deliveryIdFromAJsonFieldElseGenerated() {
    byte[] event = "{\"event_id\":\"evt_1\",\"id\":7}".getBytes(StandardCharsets.UTF_8);

    assertThat(DeliveryIds.jsonField("event_id").read(event, NO_HEADERS)).isEqualTo("evt_1");
    for (byte[] body :
        List.of(
            "{\"id\":7}".getBytes(StandardCharsets.UTF_8),
            "hello-world".getBytes(StandardCharsets.UTF_8),
            "[\"evt_1\"]".getBytes(StandardCharsets.UTF_8),
            new byte[0])) {
      String generated = DeliveryIds.jsonField("id").read(body, NO_HEADERS);
      assertThat(UUID.fromString(generated)).isNotNull();
    }
  }

  @Test
  void deliveryIdFromARequiredHeader() {
    Headers headers = Headers.of(Map.of("X-Razorpay-Event-Id", " NfVYmGvEqMmZ0K "));

    assertThat(DeliveryIds.requiredHeader("x-razorpay-event-id").read(new byte[0], headers))
        .isEqualTo("NfVYmGvEqMmZ0K");
    ApiError missing =
        catchThrowableOfType(
            ApiError.class,
            () -> DeliveryIds.requiredHeader("x-razorpay-event-id").read(new byte[0], NO_HEADERS));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.fields()).containsOnlyKeys("x-razorpay-event-id");
  }

  @Test
  void deliveryIdFromTheBodyHashIsTheSameForTheSameBytes() {
    byte[] body = "sale_id=1&price=500".getBytes(StandardCharsets.UTF_8);

    String id = DeliveryIds.bodySha256().read(body, NO_HEADERS);

    assertThat(id).matches("sha256:[0-9a-f]{64}");
    assertThat(DeliveryIds.bodySha256().read(body.clone(), NO_HEADERS)).isEqualTo(id);
    assertThat(DeliveryIds.bodySha256().read("sale_id=2&price=500".getBytes(), NO_HEADERS))
        .isNotEqualTo(id);
    // SHA-256 of the empty string, a known answer.
    assertThat(DeliveryIds.bodySha256().read(new byte[0], NO_HEADERS))
        .isEqualTo("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void paystackHashesTheBodyAndCreemTakesTheEventId() {
    WebhookProvider paystack = provider("paystack");
    WebhookProvider creem = provider("creem");
    byte[] charge =
        "{\"event\":\"charge.success\",\"data\":{\"id\":302961}}".getBytes(StandardCharsets.UTF_8);
    byte[] event =
        "{\"id\":\"evt_5WHHcZPv7VS0YUsberIuOz\",\"eventType\":\"checkout.completed\"}"
            .getBytes(StandardCharsets.UTF_8);

    // Paystack sends no event id: an identical retry hashes alike.
    assertThat(paystack.deliveryId().read(charge, NO_HEADERS))
        .isEqualTo(DeliveryIds.bodySha256().read(charge, NO_HEADERS))
        .isEqualTo(paystack.deliveryId().read(charge.clone(), NO_HEADERS));
    assertThat(creem.deliveryId().read(event, NO_HEADERS)).isEqualTo("evt_5WHHcZPv7VS0YUsberIuOz");
    assertThat(paystack.path()).isEqualTo("/webhooks/paystack/{siteId}");
    assertThat(creem.path()).isEqualTo("/webhooks/creem/{siteId}");
  }

  private static WebhookProvider provider(String name) {
    return ALL.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void urlTokensNeverReachTheLogs() {
    assertThat(IngestRoutes.loggablePath("/webhooks/gumroad/acme/s3cr3t-token"))
        .isEqualTo("/webhooks/gumroad/acme/***");
    assertThat(IngestRoutes.loggablePath("/webhooks/gumroadd/acme/s3cr3t/more"))
        .isEqualTo("/webhooks/gumroadd/acme/***");
    assertThat(IngestRoutes.loggablePath("/webhooks/paddle/acme"))
        .isEqualTo("/webhooks/paddle/acme");
    assertThat(IngestRoutes.loggablePath("/api/v1/payments")).isEqualTo("/api/v1/payments");
  }
}
