package dev.tributary.job.payments.lemonsqueezy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.job.base.EmailHash;
import dev.tributary.job.base.MalformedPayloadException;
import dev.tributary.job.payments.MetadataKeys;
import dev.tributary.job.payments.ParseOutcome;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.payments.RefundEvent;
import dev.tributary.job.testing.Envelopes;
import dev.tributary.job.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LemonSqueezyParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final LemonSqueezyParser parser = new LemonSqueezyParser();

  private ParseOutcome parse(String body) {
    return parser.parse(Envelopes.parsed("acme", "lemonsqueezy", body), MetadataKeys.DEFAULT);
  }

  private PaymentEvent payment(String body) {
    return ((ParseOutcome.Payment) parse(body)).event();
  }

  private RefundEvent refund(String body) {
    return ((ParseOutcome.Refund) parse(body)).event();
  }

  private static long millis(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  private static void assertMalformed(Runnable r, String reason) {
    assertThatThrownBy(r::run).isInstanceOf(MalformedPayloadException.class).hasMessage(reason);
  }

  @Test
  void orderCreatedFixtureIsAPaymentOfTheOrderTotal() {
    PaymentEvent p = payment(Fixtures.read("lemonsqueezy/order_created.json"));

    assertThat(parser.provider()).isEqualTo("lemonsqueezy");
    assertThat(p.siteId()).isEqualTo("acme");
    assertThat(p.provider()).isEqualTo("lemonsqueezy");
    assertThat(p.paymentKey()).isEqualTo("order:1");
    assertThat(p.eventId()).isEqualTo("dlv_1");
    assertThat(p.eventType()).isEqualTo("order_created");
    assertThat(p.amountMinor()).isEqualTo(1199);
    assertThat(p.currency()).isEqualTo("USD");
    assertThat(p.currencyExponent()).isEqualTo(2);
    assertThat(p.occurredAtMillis()).isEqualTo(millis("2021-08-17T09:45:53Z"));
    assertThat(p.receivedAtMillis()).isEqualTo(millis("2026-11-23T10:00:00Z"));
    // The fixture's custom_data holds only a customer_id of the merchant's own.
    assertThat(p.visitorId()).isNull();
    assertThat(p.sessionId()).isNull();
    assertThat(p.customerId()).isEqualTo("1");
    assertThat(p.emailHash()).isEqualTo(EmailHash.of("johndoe@example.com")).hasSize(64);
    assertThat(p.subscriptionId()).isNull();
    assertThat(p.renewal()).isFalse();
    assertThat(p.livemode()).isTrue();
  }

  @Test
  void orderCreatedFixtureCarriesTheCheckoutCustomData() throws Exception {
    ObjectNode body = (ObjectNode) JSON.readTree(Fixtures.read("lemonsqueezy/order_created.json"));
    ObjectNode meta = (ObjectNode) body.get("meta");
    meta.putObject("custom_data")
        .put("tributary_visitor_id", "v_1")
        .put("tributary_session_id", "s_1");
    meta.put("test_mode", true);

    PaymentEvent p = payment(body.toString());

    assertThat(p.visitorId()).isEqualTo("v_1");
    assertThat(p.sessionId()).isEqualTo("s_1");
    assertThat(p.livemode()).isFalse();
    assertThat(p.amountMinor()).isEqualTo(1199);
  }

  @Test
  void unpaidOrderIsIgnored() {
    String body =
        """
        {"meta":{"event_name":"order_created"},"data":{"type":"orders","id":"5",
         "attributes":{"status":"pending","total":1000,"currency":"USD"}}}""";
    assertThat(parse(body)).isEqualTo(new ParseOutcome.Ignored("order_created:pending"));
  }

  @Test
  void orderRefundedIsTheCumulativeRefundedAmountOfTheOrder() {
    String body =
        """
        {"meta":{"event_name":"order_refunded","test_mode":true,
                 "custom_data":{"tributary_visitor_id":"v_1"}},
         "data":{"type":"orders","id":"7","attributes":{"customer_id":3,"currency":"EUR",
           "status":"partial_refund","total":2000,"refunded":false,"refunded_amount":500,
           "refunded_at":null,"created_at":"2024-01-01T10:00:00.000000Z",
           "updated_at":"2024-01-02T11:00:00.000000Z"}}}""";

    RefundEvent r = refund(body);

    assertThat(r.paymentKey()).isEqualTo("order:7");
    assertThat(r.refundKey()).isNull();
    assertThat(r.eventId()).isEqualTo("dlv_1");
    assertThat(r.eventType()).isEqualTo("order_refunded");
    assertThat(r.kind()).isEqualTo(RefundEvent.REFUND);
    assertThat(r.amountMinor()).isEqualTo(500);
    assertThat(r.cumulative()).isTrue();
    assertThat(r.full()).isFalse();
    assertThat(r.currency()).isEqualTo("EUR");
    assertThat(r.currencyExponent()).isEqualTo(2);
    assertThat(r.occurredAtMillis()).isEqualTo(millis("2024-01-02T11:00:00Z"));
    assertThat(r.livemode()).isFalse();
    assertThat(r.paymentConsolidationKey()).isEqualTo("acme|lemonsqueezy|order:7");
  }

  @Test
  void orderRefundedWithoutRefundedAmountButFullyRefundedIsAFullRefund() {
    String body =
        """
        {"meta":{"event_name":"order_refunded"},"data":{"type":"orders","id":"8",
         "attributes":{"currency":"USD","status":"refunded","refunded":true,
           "refunded_at":"2024-02-01T00:00:00.000000Z","total":1199}}}""";

    RefundEvent r = refund(body);

    assertThat(r.paymentKey()).isEqualTo("order:8");
    assertThat(r.full()).isTrue();
    assertThat(r.cumulative()).isFalse();
    assertThat(r.amountMinor()).isZero();
    assertThat(r.currency()).isEqualTo("USD");
    assertThat(r.occurredAtMillis()).isEqualTo(millis("2024-02-01T00:00:00Z"));
  }

  @Test
  void initialSubscriptionInvoiceIsIgnoredBecauseItsOrderCountsTheMoney() {
    String body =
        """
        {"meta":{"event_name":"subscription_payment_success"},
         "data":{"type":"subscription-invoices","id":"41","attributes":{"subscription_id":9,
           "billing_reason":"initial","status":"paid","currency":"USD","total":999}}}""";
    assertThat(parse(body))
        .isEqualTo(new ParseOutcome.Ignored("subscription_payment_success:initial"));
  }

  @Test
  void renewalInvoiceIsARenewalPaymentOfItsSubscription() {
    String body =
        """
        {"meta":{"event_name":"subscription_payment_success","test_mode":true,
                 "custom_data":{"visitorId":"v_alias","tributary_session_id":"s_9"}},
         "data":{"type":"subscription-invoices","id":"42","attributes":{"store_id":1,
           "subscription_id":9,"customer_id":77,"user_name":"Ada","user_email":"Ada@Example.com",
           "billing_reason":"renewal","currency":"JPY","status":"paid","total":1500,
           "total_usd":1003,"created_at":"2024-03-01T12:00:00.000000Z","test_mode":true}}}""";

    PaymentEvent p = payment(body);

    assertThat(p.paymentKey()).isEqualTo("invoice:42");
    assertThat(p.eventType()).isEqualTo("subscription_payment_success");
    assertThat(p.amountMinor()).isEqualTo(1500);
    assertThat(p.currency()).isEqualTo("JPY");
    assertThat(p.currencyExponent()).isZero();
    assertThat(p.renewal()).isTrue();
    assertThat(p.subscriptionId()).isEqualTo("9");
    assertThat(p.customerId()).isEqualTo("77");
    assertThat(p.emailHash()).isEqualTo(EmailHash.of("ada@example.com"));
    assertThat(p.visitorId()).isEqualTo("v_alias");
    assertThat(p.sessionId()).isEqualTo("s_9");
    assertThat(p.occurredAtMillis()).isEqualTo(millis("2024-03-01T12:00:00Z"));
    assertThat(p.livemode()).isFalse();
  }

  @Test
  void renewalInvoiceRefundIsCumulativeOnTheInvoice() {
    String body =
        """
        {"meta":{"event_name":"subscription_payment_refunded"},
         "data":{"type":"subscription-invoices","id":"42","attributes":{"subscription_id":9,
           "billing_reason":"renewal","currency":"USD","status":"refunded","refunded":true,
           "total":999,"refunded_amount":999,"refunded_at":"2024-03-05T08:00:00.000000Z"}}}""";

    RefundEvent r = refund(body);

    assertThat(r.paymentKey()).isEqualTo("invoice:42");
    assertThat(r.amountMinor()).isEqualTo(999);
    assertThat(r.cumulative()).isTrue();
    assertThat(r.full()).isFalse();
    assertThat(r.refundKey()).isNull();
    assertThat(r.eventType()).isEqualTo("subscription_payment_refunded");
    assertThat(r.occurredAtMillis()).isEqualTo(millis("2024-03-05T08:00:00Z"));
    assertThat(r.livemode()).isTrue();
  }

  @Test
  void initialInvoiceRefundIsIgnoredBecauseTheInvoiceDoesNotNameItsOrder() {
    String body =
        """
        {"meta":{"event_name":"subscription_payment_refunded"},
         "data":{"type":"subscription-invoices","id":"41","attributes":{"billing_reason":"initial",
           "currency":"USD","refunded_amount":999}}}""";
    assertThat(parse(body))
        .isEqualTo(new ParseOutcome.Ignored("subscription_payment_refunded:initial"));
  }

  @Test
  void otherEventsAreIgnored() {
    assertThat(
            parse(
                """
                {"meta":{"event_name":"subscription_created"},
                 "data":{"type":"subscriptions","id":"1","attributes":{}}}"""))
        .isEqualTo(new ParseOutcome.Ignored("subscription_created"));
    assertThat(parse("{\"meta\":{\"event_name\":\"license_key_created\"}}"))
        .isEqualTo(new ParseOutcome.Ignored("license_key_created"));
  }

  @Test
  void malformedBodiesAreRejectedWithAReasonNamingTheField() {
    assertMalformed(() -> parse("not json"), "lemonsqueezy body is not JSON");
    assertMalformed(() -> parse("{\"data\":{}}"), "lemonsqueezy meta has no event_name");
    assertMalformed(
        () -> parse("{\"meta\":{\"event_name\":\"order_created\"}}"),
        "lemonsqueezy body has no data");
    assertMalformed(
        () ->
            parse(
                """
                {"meta":{"event_name":"order_created"},"data":{"type":"orders","id":"1",
                 "attributes":{"status":"paid","currency":"USD","user_email":"a@b.c"}}}"""),
        "lemonsqueezy order attributes.total is not an integer");
    assertMalformed(
        () ->
            parse(
                """
                {"meta":{"event_name":"order_created"},"data":{"type":"orders","id":"1",
                 "attributes":{"status":"paid","currency":"USD","total":"11.99"}}}"""),
        "lemonsqueezy order attributes.total is not an integer");
    assertMalformed(
        () ->
            parse(
                """
                {"meta":{"event_name":"order_refunded"},"data":{"type":"orders","id":"1",
                 "attributes":{"status":"partial_refund","currency":"USD",
                   "refunded_amount":"lots"}}}"""),
        "lemonsqueezy order attributes.refunded_amount is not an integer");
    assertMalformed(
        () ->
            parse(
                """
                {"meta":{"event_name":"subscription_payment_success"},
                 "data":{"type":"subscription-invoices","id":"1","attributes":{"currency":"USD",
                   "total":1}}}"""),
        "lemonsqueezy subscription invoice attributes has no billing_reason");
    assertMalformed(
        () ->
            parse(
                """
                {"meta":{"event_name":"order_created"},"data":{"type":"orders",
                 "attributes":{"status":"paid","currency":"USD","total":1}}}"""),
        "lemonsqueezy data has no id");
    assertMalformed(
        () ->
            parse(
                """
                {"meta":{"event_name":"order_created"},"data":{"type":"orders","id":"1",
                 "attributes":{"status":"paid","currency":"USD","total":1,
                   "created_at":"yesterday"}}}"""),
        "lemonsqueezy order attributes.created_at is not ISO-8601");
  }

  @Test
  void parserIsSerializable() throws Exception {
    try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
      out.writeObject(parser);
    }
  }

  @Test
  void anOrderNamesNoPromotionCodeOnlyTheAmountDiscounted() throws Exception {
    // the documented order_created: a discount_total and a link to the order's
    // discount-redemptions, which only the API returns; the code is not in the webhook
    ObjectNode body = (ObjectNode) JSON.readTree(Fixtures.read("lemonsqueezy/order_created.json"));
    assertThat(body.at("/data/relationships/discount-redemptions/links/related").asText())
        .endsWith("/orders/1/discount-redemptions");
    assertThat(payment(body.toString()).promoCode()).isNull();

    ((ObjectNode) body.at("/data/attributes")).put("discount_total", 120);
    assertThat(payment(body.toString()).promoCode()).isNull();
  }
}
