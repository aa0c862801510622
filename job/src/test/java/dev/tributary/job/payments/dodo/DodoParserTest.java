package dev.tributary.job.payments.dodo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.job.base.EmailHash;
import dev.tributary.job.base.MalformedPayloadException;
import dev.tributary.job.payments.ParseOutcome;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.payments.RefundEvent;
import dev.tributary.job.testing.Fixtures;
import dev.tributary.job.testing.ParserProbe;
import dev.tributary.job.testing.PromoCodeCases;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DodoParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DodoParser parser = new DodoParser();
  private final ParserProbe probe = new ParserProbe(parser);

  private static ObjectNode placeholder() throws Exception {
    return (ObjectNode)
        JSON.readTree(Fixtures.read("dodo/payment.succeeded.docs_placeholder.json"));
  }

  /** A payment.succeeded as Dodo sends it, with real-looking values. */
  private static String paymentSucceeded(String currency, long totalAmount, String metadata) {
    return """
        {"business_id":"bus_8hTQ2mZq","type":"payment.succeeded","timestamp":"2026-11-23T09:58:12.481Z",
         "data":{"payload_type":"Payment","payment_id":"pay_2IjeQm4hqU6RA4Z4kwDee",
          "business_id":"bus_8hTQ2mZq","brand_id":"bus_8hTQ2mZq","status":"succeeded",
          "total_amount":%d,"tax":150,"currency":"%s","settlement_amount":%d,"settlement_currency":"USD",
          "created_at":"2026-11-23T09:57:40.112Z","updated_at":null,
          "customer":{"customer_id":"cus_9a7LpQ","email":" Ada@Example.com ","name":"Ada",
            "metadata":{}},
          "metadata":%s,"subscription_id":null,"refunds":[],"disputes":[],
          "product_cart":[{"product_id":"pdt_1","quantity":1}],"payment_method":"card"}}"""
        .formatted(totalAmount, currency, totalAmount, metadata);
  }

  @Test
  void providerNameAndNoArgConstructor() {
    assertThat(new DodoParser().provider()).isEqualTo("dodo");
  }

  @Test
  void docsFixtureMapsItsShapeWithPlaceholderValuesAsGiven() {
    PaymentEvent p =
        probe.payment("msg_2pQ7", Fixtures.read("dodo/payment.succeeded.docs_placeholder.json"));

    assertThat(p.siteId()).isEqualTo("acme");
    assertThat(p.provider()).isEqualTo("dodo");
    assertThat(p.eventType()).isEqualTo("payment.succeeded");
    assertThat(p.eventId()).isEqualTo("msg_2pQ7");
    assertThat(p.paymentKey()).isEqualTo("<string>");
    assertThat(p.amountMinor()).isEqualTo(123);
    assertThat(p.currency()).isEqualTo("AED");
    assertThat(p.currencyExponent()).isEqualTo(2);
    assertThat(p.occurredAtMillis())
        .isEqualTo(Instant.parse("2023-11-07T05:31:56Z").toEpochMilli());
    assertThat(p.visitorId()).isNull(); // metadata: {}
    assertThat(p.sessionId()).isNull();
    assertThat(p.customerId()).isEqualTo("<string>");
    assertThat(p.emailHash()).isNull(); // "<string>" is not an address
    assertThat(p.subscriptionId()).isEqualTo("<string>");
    assertThat(p.renewal()).isFalse();
    assertThat(p.livemode()).isTrue();
  }

  @Test
  void realPaymentCarriesMetadataIdsCustomerAndEmailHash() {
    PaymentEvent p =
        probe.payment(
            "msg_1",
            paymentSucceeded(
                "USD",
                2_150,
                "{\"tributary_visitor_id\":\"v_1\",\"tributary_session_id\":\"s_1\",\"plan\":\"pro\"}"));

    assertThat(p.paymentKey()).isEqualTo("pay_2IjeQm4hqU6RA4Z4kwDee");
    assertThat(p.amountMinor()).isEqualTo(2_150);
    assertThat(p.currency()).isEqualTo("USD");
    assertThat(p.currencyExponent()).isEqualTo(2);
    assertThat(p.occurredAtMillis())
        .isEqualTo(Instant.parse("2026-11-23T09:58:12.481Z").toEpochMilli());
    assertThat(p.visitorId()).isEqualTo("v_1");
    assertThat(p.sessionId()).isEqualTo("s_1");
    assertThat(p.customerId()).isEqualTo("cus_9a7LpQ");
    assertThat(p.emailHash()).isEqualTo(EmailHash.of("ada@example.com"));
    assertThat(p.subscriptionId()).isNull();
    assertThat(p.renewal()).isFalse();
  }

  @Test
  void zeroDecimalCurrencyAndCustomerMetadataFallback() throws Exception {
    ObjectNode body = (ObjectNode) JSON.readTree(paymentSucceeded("JPY", 1_500, "{}"));
    ObjectNode data = (ObjectNode) body.get("data");
    ((ObjectNode) data.get("customer")).putObject("metadata").put("visitorId", "v_customer");
    data.put("subscription_id", "sub_7Hq");

    PaymentEvent p = probe.payment("msg_2", body.toString());

    assertThat(p.amountMinor()).isEqualTo(1_500);
    assertThat(p.currency()).isEqualTo("JPY");
    assertThat(p.currencyExponent()).isZero();
    assertThat(p.visitorId()).isEqualTo("v_customer");
    assertThat(p.sessionId()).isNull();
    assertThat(p.subscriptionId()).isEqualTo("sub_7Hq");
    assertThat(p.renewal()).isFalse(); // Dodo's payment names no billing reason
  }

  @Test
  void refundSucceededIsOneRefundOfItsPayment() {
    String body =
        """
        {"business_id":"bus_8hTQ2mZq","type":"refund.succeeded","timestamp":"2026-11-24T12:00:03Z",
         "data":{"payload_type":"Refund","refund_id":"ref_5KkQ","payment_id":"pay_2IjeQm4hqU6RA4Z4kwDee",
          "business_id":"bus_8hTQ2mZq","brand_id":"bus_8hTQ2mZq","status":"succeeded",
          "amount":1000,"currency":"USD","is_partial":true,"reason":"requested",
          "created_at":"2026-11-24T11:59:58Z","metadata":{},
          "customer":{"customer_id":"cus_9a7LpQ","email":"ada@example.com","name":"Ada"}}}""";

    RefundEvent r = probe.refund("msg_rf_1", body);

    assertThat(r.siteId()).isEqualTo("acme");
    assertThat(r.provider()).isEqualTo("dodo");
    assertThat(r.eventType()).isEqualTo("refund.succeeded");
    assertThat(r.eventId()).isEqualTo("msg_rf_1");
    assertThat(r.refundKey()).isEqualTo("ref_5KkQ");
    assertThat(r.paymentKey()).isEqualTo("pay_2IjeQm4hqU6RA4Z4kwDee");
    assertThat(r.kind()).isEqualTo(RefundEvent.REFUND);
    assertThat(r.amountMinor()).isEqualTo(1_000);
    assertThat(r.currency()).isEqualTo("USD");
    assertThat(r.currencyExponent()).isEqualTo(2);
    assertThat(r.cumulative()).isFalse();
    assertThat(r.full()).isFalse();
    assertThat(r.occurredAtMillis())
        .isEqualTo(Instant.parse("2026-11-24T12:00:03Z").toEpochMilli());
    assertThat(r.livemode()).isTrue();
  }

  @Test
  void refundWithoutAmountIsFullUnlessPartial() {
    String full =
        """
        {"type":"refund.succeeded","timestamp":"2026-11-24T12:00:03Z",
         "data":{"refund_id":"ref_6","payment_id":"pay_9","status":"succeeded","is_partial":false,
          "amount":null,"currency":"EUR"}}""";
    RefundEvent r = probe.refund("msg_rf_2", full);
    assertThat(r.full()).isTrue();
    assertThat(r.amountMinor()).isZero();
    assertThat(r.currency()).isEqualTo("EUR");
    assertThat(r.refundKey()).isEqualTo("ref_6");

    assertThatThrownBy(
            () ->
                probe.parse(
                    "msg_rf_3", full.replace("\"is_partial\":false", "\"is_partial\":true")))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("dodo refund.amount is missing on a partial refund");
  }

  @Test
  void malformedBodiesOfKnownTypesAreRejectedWithAReason() throws Exception {
    assertThatThrownBy(() -> probe.parse("msg_x", "not json"))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("dodo body is not JSON");
    assertThatThrownBy(() -> probe.parse("msg_x", "{\"type\":\"payment.succeeded\"}"))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("dodo event has no data");

    ObjectNode missing = placeholder();
    ((ObjectNode) missing.get("data")).remove("total_amount");
    assertThatThrownBy(() -> probe.parse("msg_x", missing.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("dodo payment.total_amount is not an integer");

    ObjectNode fraction = placeholder();
    ((ObjectNode) fraction.get("data")).put("total_amount", "12.50");
    assertThatThrownBy(() -> probe.parse("msg_x", fraction.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("dodo payment.total_amount is not an integer");

    ObjectNode noId = placeholder();
    ((ObjectNode) noId.get("data")).remove("payment_id");
    assertThatThrownBy(() -> probe.parse("msg_x", noId.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("dodo payment has no payment_id");

    String refundFraction =
        """
        {"type":"refund.succeeded","data":{"refund_id":"ref_7","payment_id":"pay_9",
         "amount":"10.50","currency":"USD","is_partial":true}}""";
    assertThatThrownBy(() -> probe.parse("msg_x", refundFraction))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("dodo refund.amount is not an integer");
  }

  @Test
  void otherEventTypesAreIgnoredNotErrors() throws Exception {
    for (String type :
        new String[] {
          "payment.failed",
          "payment.processing",
          "refund.failed",
          "subscription.renewed",
          "dispute.opened"
        }) {
      ObjectNode body = placeholder();
      body.put("type", type);
      assertThat(probe.parse("msg_y", body.toString())).isEqualTo(new ParseOutcome.Ignored(type));
    }
  }

  @Test
  void thePaymentsDiscountIdIsItsCode() throws Exception {
    // the docs' example carries the field, with its placeholder value, kept as given
    assertThat(
            probe
                .payment("msg_2pQ7", Fixtures.read("dodo/payment.succeeded.docs_placeholder.json"))
                .promoCode())
        .isEqualTo("<string>");

    ObjectNode event = (ObjectNode) JSON.readTree(paymentSucceeded("USD", 1_000, "{}"));
    assertThat(probe.payment("msg_d1", event.toString()).promoCode()).isNull();
    ((ObjectNode) event.get("data")).put("discount_id", "dsc_0NVGWnDJeqRd3Ue5iC6Y7");
    assertThat(probe.payment("msg_d2", event.toString()).promoCode())
        .isEqualTo("dsc_0NVGWnDJeqRd3Ue5iC6Y7");
  }

  @Test
  void oddCodesNeverBreakAPayment() throws Exception {
    ObjectNode event = placeholder();
    PromoCodeCases.areHarmless(
        probe, event, (body, code) -> ((ObjectNode) body.get("data")).set("discount_id", code));
  }
}
