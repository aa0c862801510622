package dev.tributary.job.payments.polar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.job.base.EmailHash;
import dev.tributary.job.base.MalformedPayloadException;
import dev.tributary.job.payments.ParseOutcome;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.payments.RefundEvent;
import dev.tributary.job.testing.ParserProbe;
import dev.tributary.job.testing.PromoCodeCases;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PolarParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ORDER_ID = "6a1f7c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
  private static final String CUSTOMER_ID = "992fae2a-2a17-4b7a-8d9e-e287cf90131b";
  private static final String SUBSCRIPTION_ID = "1dbfc517-0bbf-4301-9ba8-555ca42b9737";

  private final PolarParser parser = new PolarParser();
  private final ParserProbe probe = new ParserProbe(parser);

  /** An order.paid webhook; {@code subscription} is a JSON object or null. */
  private static String orderPaid(
      String billingReason,
      String currency,
      String orderMetadata,
      String subscriptionId,
      String subscription) {
    return """
        {"type":"order.paid","timestamp":"2026-11-23T09:58:12.481516Z","data":{
          "id":"%s","created_at":"2026-11-23T09:58:01.102938Z","modified_at":null,
          "status":"paid","paid":true,"subtotal_amount":2000,"discount_amount":200,
          "net_amount":1800,"tax_amount":360,"total_amount":2160,"applied_balance_amount":0,
          "due_amount":0,"refunded_amount":0,"refunded_tax_amount":0,"currency":"%s",
          "billing_reason":"%s","billing_name":"Ada","billing_address":null,
          "invoice_number":"ACME-0001","is_invoice_generated":false,
          "customer_id":"%s","product_id":"b9b9c0e1-0000-4000-8000-000000000001",
          "discount_id":null,"subscription_id":%s,
          "checkout_id":"0b7e0c37-0000-4000-8000-000000000002",
          "metadata":%s,"custom_field_data":{"company":"Acme"},"platform_fee_amount":0,
          "customer":{"id":"%s","email":" Ada@Example.com ","name":"Ada",
            "external_id":null,"metadata":{}},
          "user_id":"%s","product":null,"discount":null,"subscription":%s,"items":[],
          "description":"Pro"}}"""
        .formatted(
            ORDER_ID,
            currency,
            billingReason,
            CUSTOMER_ID,
            subscriptionId == null ? "null" : "\"" + subscriptionId + "\"",
            orderMetadata,
            CUSTOMER_ID,
            CUSTOMER_ID,
            subscription == null ? "null" : subscription);
  }

  private static String refundEvent(String type, String status) {
    return """
        {"type":"%s","timestamp":"2026-11-25T08:00:00.000000Z","data":{
          "id":"5e0c7a8c-7777-4a1b-9c2d-3e4f5a6b7c8d","created_at":"2026-11-25T07:59:58Z",
          "modified_at":null,"metadata":{},"status":"%s","reason":"customer_request",
          "amount":900,"tax_amount":180,"currency":"usd",
          "organization_id":"8f3c2d1e-0000-4000-8000-000000000003","order_id":"%s",
          "subscription_id":null,"customer_id":"%s","revoke_benefits":false,"dispute":null}}"""
        .formatted(type, status, ORDER_ID, CUSTOMER_ID);
  }

  @Test
  void providerNameAndNoArgConstructor() {
    assertThat(new PolarParser().provider()).isEqualTo("polar");
  }

  @Test
  void firstOrderIsAPaymentOfTheTotalIncludingTax() {
    PaymentEvent p =
        probe.payment(
            "msg_1",
            orderPaid(
                "purchase",
                "usd",
                "{\"tributary_visitor_id\":\"v_1\",\"tributary_session_id\":\"s_1\"}",
                null,
                null));

    assertThat(p.siteId()).isEqualTo("acme");
    assertThat(p.provider()).isEqualTo("polar");
    assertThat(p.eventType()).isEqualTo("order.paid");
    assertThat(p.eventId()).isEqualTo("msg_1");
    assertThat(p.paymentKey()).isEqualTo(ORDER_ID);
    assertThat(p.amountMinor()).isEqualTo(2_160); // total_amount: net 1800 + tax 360
    assertThat(p.currency()).isEqualTo("USD");
    assertThat(p.currencyExponent()).isEqualTo(2);
    assertThat(p.occurredAtMillis())
        .isEqualTo(Instant.parse("2026-11-23T09:58:12.481516Z").toEpochMilli());
    assertThat(p.visitorId()).isEqualTo("v_1");
    assertThat(p.sessionId()).isEqualTo("s_1");
    assertThat(p.customerId()).isEqualTo(CUSTOMER_ID);
    assertThat(p.emailHash()).isEqualTo(EmailHash.of("ada@example.com"));
    assertThat(p.subscriptionId()).isNull();
    assertThat(p.renewal()).isFalse();
    assertThat(p.livemode()).isTrue();
  }

  @Test
  void subscriptionCreateIsTheFirstPaymentNotARenewal() {
    PaymentEvent p =
        probe.payment(
            "msg_2",
            orderPaid(
                "subscription_create",
                "usd",
                "{\"tributary_visitor_id\":\"v_2\"}",
                SUBSCRIPTION_ID,
                "{\"id\":\"" + SUBSCRIPTION_ID + "\",\"status\":\"active\",\"metadata\":{}}"));

    assertThat(p.subscriptionId()).isEqualTo(SUBSCRIPTION_ID);
    assertThat(p.renewal()).isFalse();
    assertThat(p.visitorId()).isEqualTo("v_2");
  }

  @Test
  void subscriptionCycleIsARenewalAndFindsIdsOnTheSubscription() {
    PaymentEvent p =
        probe.payment(
            "msg_3",
            orderPaid(
                "subscription_cycle",
                "usd",
                "{}",
                SUBSCRIPTION_ID,
                "{\"id\":\""
                    + SUBSCRIPTION_ID
                    + "\",\"status\":\"active\",\"metadata\":"
                    + "{\"tributary_visitor_id\":\"v_sub\",\"tributary_session_id\":\"s_sub\"}}"));

    assertThat(p.paymentKey()).isEqualTo(ORDER_ID);
    assertThat(p.subscriptionId()).isEqualTo(SUBSCRIPTION_ID);
    assertThat(p.renewal()).isTrue();
    assertThat(p.visitorId()).isEqualTo("v_sub");
    assertThat(p.sessionId()).isEqualTo("s_sub");

    PaymentEvent update =
        probe.payment(
            "msg_4", orderPaid("subscription_update", "usd", "{}", SUBSCRIPTION_ID, null));
    assertThat(update.renewal()).isTrue();
  }

  @Test
  void customerMetadataIsTheLastSourceOfIds() {
    String body =
        orderPaid("purchase", "eur", "{}", null, null)
            .replace(
                "\"external_id\":null,\"metadata\":{}",
                "\"external_id\":null,\"metadata\":{\"visitor_id\":\"v_cust\",\"session_id\":\"s_old\"}");

    PaymentEvent p = probe.payment("msg_5", body);

    assertThat(p.visitorId()).isEqualTo("v_cust");
    assertThat(p.sessionId()).isNull(); // a customer's metadata outlives the session
    assertThat(p.currency()).isEqualTo("EUR");
  }

  @Test
  void yenIsZeroDecimal() {
    PaymentEvent p = probe.payment("msg_6", orderPaid("purchase", "jpy", "{}", null, null));
    assertThat(p.currency()).isEqualTo("JPY");
    assertThat(p.currencyExponent()).isZero();
    assertThat(p.amountMinor()).isEqualTo(2_160);
  }

  @Test
  void succeededRefundIsBookedWithItsTax() {
    RefundEvent r = probe.refund("msg_rf_1", refundEvent("refund.created", "succeeded"));

    assertThat(r.siteId()).isEqualTo("acme");
    assertThat(r.provider()).isEqualTo("polar");
    assertThat(r.eventType()).isEqualTo("refund.created");
    assertThat(r.eventId()).isEqualTo("msg_rf_1");
    assertThat(r.refundKey()).isEqualTo("5e0c7a8c-7777-4a1b-9c2d-3e4f5a6b7c8d");
    assertThat(r.paymentKey()).isEqualTo(ORDER_ID);
    assertThat(r.kind()).isEqualTo(RefundEvent.REFUND);
    assertThat(r.amountMinor()).isEqualTo(1_080); // amount 900 + tax_amount 180
    assertThat(r.currency()).isEqualTo("USD");
    assertThat(r.currencyExponent()).isEqualTo(2);
    assertThat(r.cumulative()).isFalse();
    assertThat(r.full()).isFalse();
    assertThat(r.occurredAtMillis())
        .isEqualTo(Instant.parse("2026-11-25T08:00:00Z").toEpochMilli());
    assertThat(r.livemode()).isTrue();
  }

  @Test
  void pendingRefundWaitsForTheUpdateThatSaysSucceeded() {
    assertThat(probe.parse("msg_rf_2", refundEvent("refund.created", "pending")))
        .isEqualTo(new ParseOutcome.Ignored("refund.created:pending"));
    assertThat(probe.parse("msg_rf_3", refundEvent("refund.updated", "failed")))
        .isEqualTo(new ParseOutcome.Ignored("refund.updated:failed"));

    RefundEvent r = probe.refund("msg_rf_4", refundEvent("refund.updated", "succeeded"));
    assertThat(r.eventType()).isEqualTo("refund.updated");
    assertThat(r.refundKey()).isEqualTo("5e0c7a8c-7777-4a1b-9c2d-3e4f5a6b7c8d");
    assertThat(r.amountMinor()).isEqualTo(1_080);
  }

  @Test
  void orderRefundedIsIgnoredBecauseTheRefundEventsCarryTheSameMoney() {
    String body =
        orderPaid("purchase", "usd", "{}", null, null)
            .replace("\"type\":\"order.paid\"", "\"type\":\"order.refunded\"")
            .replace("\"refunded_amount\":0", "\"refunded_amount\":900")
            .replace("\"refunded_tax_amount\":0", "\"refunded_tax_amount\":180");

    assertThat(probe.parse("msg_or_1", body)).isEqualTo(new ParseOutcome.Ignored("order.refunded"));
  }

  @Test
  void malformedBodiesOfKnownTypesAreRejectedWithAReason() {
    assertThatThrownBy(() -> probe.parse("msg_x", "not json"))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("polar body is not JSON");
    assertThatThrownBy(() -> probe.parse("msg_x", "{\"type\":\"order.paid\"}"))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("polar event has no data");

    String good = orderPaid("purchase", "usd", "{}", null, null);
    assertThatThrownBy(() -> probe.parse("msg_x", good.replace("\"total_amount\":2160,", "")))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("polar order.total_amount is not an integer");
    assertThatThrownBy(
            () ->
                probe.parse(
                    "msg_x", good.replace("\"total_amount\":2160", "\"total_amount\":\"21.60\"")))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("polar order.total_amount is not an integer");

    String refund = refundEvent("refund.created", "succeeded");
    assertThatThrownBy(() -> probe.parse("msg_x", refund.replace("\"order_id\"", "\"x_order_id\"")))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("polar refund has no order_id");
    assertThatThrownBy(
            () -> probe.parse("msg_x", refund.replace("\"amount\":900", "\"amount\":9.5")))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("polar refund.amount is not an integer");
  }

  @Test
  void otherEventTypesAreIgnoredNotErrors() {
    String order = orderPaid("purchase", "usd", "{}", null, null);
    for (String type :
        new String[] {
          "order.created", "order.updated", "checkout.created", "subscription.active"
        }) {
      assertThat(
              probe.parse(
                  "msg_y", order.replace("\"type\":\"order.paid\"", "\"type\":\"" + type + "\"")))
          .isEqualTo(new ParseOutcome.Ignored(type));
    }
  }

  private static ObjectNode order() throws Exception {
    return (ObjectNode) JSON.readTree(orderPaid("purchase", "usd", "{}", null, null));
  }

  @Test
  void theOrdersDiscountCodeIsItsCodeElseTheDiscountId() throws Exception {
    ObjectNode event = order();
    // "discount_id": null, "discount": null
    assertThat(probe.payment("msg_c0", event.toString()).promoCode()).isNull();

    ObjectNode data = (ObjectNode) event.get("data");
    data.put("discount_id", "0b8c8f6e-1111-4d2a-9e3b-4c5d6e7f8a9b");
    assertThat(probe.payment("msg_c1", event.toString()).promoCode())
        .isEqualTo("0b8c8f6e-1111-4d2a-9e3b-4c5d6e7f8a9b");

    data.putObject("discount")
        .put("id", "0b8c8f6e-1111-4d2a-9e3b-4c5d6e7f8a9b")
        .put("name", "Spring")
        .put("code", "SPRING")
        .put("type", "percentage")
        .put("basis_points", 1000)
        .put("duration", "once");
    assertThat(probe.payment("msg_c2", event.toString()).promoCode()).isEqualTo("SPRING");
  }

  @Test
  void oddCodesNeverBreakAPayment() throws Exception {
    ObjectNode event = order();
    ObjectNode data = (ObjectNode) event.get("data");
    PromoCodeCases.areHarmless(
        probe, event, (body, code) -> data.putObject("discount").set("code", code));
    data.putNull("discount");
    PromoCodeCases.areHarmless(probe, event, (body, code) -> data.set("discount_id", code));
  }
}
