package dev.tributary.job.payments.razorpay;

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
import org.junit.jupiter.api.Test;

class RazorpayParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GAURAV = EmailHash.of("gaurav.kumar@example.com");

  private final RazorpayParser parser = new RazorpayParser();
  private final ParserProbe probe = new ParserProbe(parser);

  private static ObjectNode fixture(String name) throws Exception {
    return (ObjectNode) JSON.readTree(Fixtures.read("razorpay/" + name));
  }

  private static ObjectNode entity(ObjectNode event, String name) {
    return (ObjectNode) event.path("payload").path(name).path("entity");
  }

  @Test
  void providerNameAndNoArgConstructor() {
    assertThat(new RazorpayParser().provider()).isEqualTo("razorpay");
  }

  @Test
  void paymentCapturedFixtureGivesExactAmountKeysAndLinks() {
    PaymentEvent p =
        probe.payment("evt_cap_1", Fixtures.read("razorpay/payment.captured.card.json"));

    assertThat(p.siteId()).isEqualTo("acme");
    assertThat(p.provider()).isEqualTo("razorpay");
    assertThat(p.eventType()).isEqualTo("payment.captured");
    assertThat(p.eventId()).isEqualTo("evt_cap_1");
    assertThat(p.paymentKey()).isEqualTo("pay_DESp9bgForNoUd");
    assertThat(p.amountMinor()).isEqualTo(100);
    assertThat(p.currency()).isEqualTo("INR");
    assertThat(p.currencyExponent()).isEqualTo(2);
    assertThat(p.occurredAtMillis()).isEqualTo(1_567_674_797_000L);
    assertThat(p.visitorId()).isNull(); // notes: []
    assertThat(p.sessionId()).isNull();
    assertThat(p.customerId()).isNull();
    assertThat(p.emailHash()).isEqualTo(GAURAV).hasSize(64);
    assertThat(p.subscriptionId()).isNull();
    assertThat(p.renewal()).isFalse();
    assertThat(p.livemode()).isTrue();
  }

  @Test
  void orderPaidFixtureDescribesTheSamePayment() {
    PaymentEvent order =
        probe.payment("evt_paid_1", Fixtures.read("razorpay/order.paid.card.json"));
    PaymentEvent captured =
        probe.payment("evt_cap_1", Fixtures.read("razorpay/payment.captured.card.json"));

    assertThat(order.eventType()).isEqualTo("order.paid");
    assertThat(order.eventId()).isEqualTo("evt_paid_1");
    assertThat(order.paymentKey()).isEqualTo("pay_DESp9bgForNoUd");
    assertThat(order.amountMinor()).isEqualTo(100);
    assertThat(order.currency()).isEqualTo("INR");
    assertThat(order.currencyExponent()).isEqualTo(2);
    assertThat(order.occurredAtMillis()).isEqualTo(1_567_674_797_000L);
    assertThat(order.visitorId()).isNull(); // payment and order notes: []
    assertThat(order.sessionId()).isNull();
    assertThat(order.customerId()).isNull();
    assertThat(order.emailHash()).isEqualTo(GAURAV);
    assertThat(order.renewal()).isFalse();
    assertThat(order.livemode()).isTrue();

    assertThat(order.consolidationKey()).isEqualTo(captured.consolidationKey());
    PaymentEvent merged = captured.mergedWith(order);
    assertThat(merged.amountMinor()).isEqualTo(100);
    assertThat(merged.paymentKey()).isEqualTo("pay_DESp9bgForNoUd");
  }

  @Test
  void notesAsAnObjectCarryTheTrackerIds() throws Exception {
    ObjectNode event = fixture("payment.captured.card.json");
    entity(event, "payment")
        .putObject("notes")
        .put("tributary_visitor_id", "v_1")
        .put("tributary_session_id", "s_1")
        .put("address", "elsewhere");

    PaymentEvent p = probe.payment("evt_cap_2", event.toString());

    assertThat(p.visitorId()).isEqualTo("v_1");
    assertThat(p.sessionId()).isEqualTo("s_1");
  }

  @Test
  void orderPaidReadsTheOrderNotesWhenThePaymentHasNone() throws Exception {
    ObjectNode event = fixture("order.paid.card.json");
    entity(event, "order").putObject("notes").put("visitorId", "v_order").put("session_id", "s_o");

    PaymentEvent p = probe.payment("evt_paid_2", event.toString());

    assertThat(p.visitorId()).isEqualTo("v_order");
    assertThat(p.sessionId()).isEqualTo("s_o");

    // Payment notes win over order notes.
    entity(event, "payment").putObject("notes").put("tributary_visitor_id", "v_payment");
    assertThat(probe.payment("evt_paid_3", event.toString()).visitorId()).isEqualTo("v_payment");
  }

  @Test
  void refundProcessedFixtureIsOneRefundOfItsPayment() {
    RefundEvent r =
        probe.refund("evt_rf_1", Fixtures.read("razorpay/refund.processed.normal_refunds.json"));

    assertThat(r.siteId()).isEqualTo("acme");
    assertThat(r.provider()).isEqualTo("razorpay");
    assertThat(r.eventType()).isEqualTo("refund.processed");
    assertThat(r.eventId()).isEqualTo("evt_rf_1");
    assertThat(r.refundKey()).isEqualTo("rfnd_FS8TWyPrCsa0OB");
    assertThat(r.paymentKey()).isEqualTo("pay_FPoJKWQQ8lK13n");
    assertThat(r.kind()).isEqualTo(RefundEvent.REFUND);
    assertThat(r.amountMinor()).isEqualTo(50_000);
    assertThat(r.currency()).isEqualTo("INR");
    assertThat(r.currencyExponent()).isEqualTo(2);
    assertThat(r.cumulative()).isFalse();
    assertThat(r.full()).isFalse();
    assertThat(r.occurredAtMillis()).isEqualTo(1_597_734_071_000L);
    assertThat(r.livemode()).isTrue();
    assertThat(r.paymentConsolidationKey()).isEqualTo("acme|razorpay|pay_FPoJKWQQ8lK13n");
  }

  @Test
  void createdAndFailedRefundsMoveNoMoneyAndAreIgnored() {
    assertThat(
            probe.parse("evt_rf_2", Fixtures.read("razorpay/refund.created.normal_refunds.json")))
        .isEqualTo(new ParseOutcome.Ignored("refund.created"));
    assertThat(probe.parse("evt_rf_3", Fixtures.read("razorpay/refund.failed.normal_refunds.json")))
        .isEqualTo(new ParseOutcome.Ignored("refund.failed"));
  }

  @Test
  void razorpayDocumentedExponentsForZeroAndThreeDecimalCurrencies() throws Exception {
    ObjectNode event = fixture("payment.captured.card.json");
    entity(event, "payment").put("currency", "KWD").put("amount", 295_990);
    PaymentEvent kwd = probe.payment("evt_kwd", event.toString());
    assertThat(kwd.amountMinor()).isEqualTo(295_990);
    assertThat(kwd.currency()).isEqualTo("KWD");
    assertThat(kwd.currencyExponent()).isEqualTo(3);

    entity(event, "payment").put("currency", "JPY").put("amount", 295);
    assertThat(probe.payment("evt_jpy", event.toString()).currencyExponent()).isZero();

    entity(event, "payment").put("currency", "usd").put("amount", 2000);
    PaymentEvent usd = probe.payment("evt_usd", event.toString());
    assertThat(usd.currency()).isEqualTo("USD");
    assertThat(usd.currencyExponent()).isEqualTo(2);

    assertThat(RazorpayParser.documentedExponent("BHD")).isEqualTo(3);
    assertThat(RazorpayParser.documentedExponent("omr")).isEqualTo(3);
  }

  private static String subscriptionCharged(int paidCount) {
    return """
        {"entity":"event","account_id":"acc_1","event":"subscription.charged",
         "contains":["subscription","payment"],
         "payload":{
          "subscription":{"entity":{"id":"sub_00000000000001","entity":"subscription",
            "plan_id":"plan_1","customer_id":"cust_1","status":"active","paid_count":%d,
            "remaining_count":5,"notes":{"tributary_visitor_id":"v_sub","tributary_session_id":"s_sub"},
            "created_at":1580000000}},
          "payment":{"entity":{"id":"pay_sub_%d","entity":"payment","amount":29900,"currency":"INR",
            "status":"captured","order_id":"order_1","invoice_id":"inv_1","method":"card",
            "email":"Ada@Example.com","customer_id":"cust_1","notes":[],"created_at":1707523200}}},
         "created_at":1707523210}"""
        .formatted(paidCount, paidCount);
  }

  @Test
  void subscriptionChargedIsAPaymentWithItsSubscriptionAndRenewalMarker() {
    PaymentEvent first = probe.payment("evt_sub_1", subscriptionCharged(1));

    assertThat(first.eventType()).isEqualTo("subscription.charged");
    assertThat(first.paymentKey()).isEqualTo("pay_sub_1");
    assertThat(first.amountMinor()).isEqualTo(29_900);
    assertThat(first.currencyExponent()).isEqualTo(2);
    assertThat(first.subscriptionId()).isEqualTo("sub_00000000000001");
    assertThat(first.customerId()).isEqualTo("cust_1");
    assertThat(first.visitorId()).isEqualTo("v_sub");
    assertThat(first.sessionId()).isEqualTo("s_sub");
    assertThat(first.emailHash()).isEqualTo(EmailHash.of("ada@example.com"));
    assertThat(first.occurredAtMillis()).isEqualTo(1_707_523_200_000L);
    assertThat(first.renewal()).isFalse();

    PaymentEvent third = probe.payment("evt_sub_3", subscriptionCharged(3));
    assertThat(third.paymentKey()).isEqualTo("pay_sub_3");
    assertThat(third.renewal()).isTrue();
  }

  @Test
  void malformedBodiesOfKnownTypesAreRejectedWithAReason() throws Exception {
    assertThatThrownBy(() -> probe.parse("evt_x", "not json"))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("razorpay body is not JSON");
    assertThatThrownBy(() -> probe.parse("evt_x", "{\"entity\":\"event\"}"))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("razorpay body has no event");

    ObjectNode missing = fixture("payment.captured.card.json");
    entity(missing, "payment").remove("amount");
    assertThatThrownBy(() -> probe.parse("evt_x", missing.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("razorpay payment.amount is not an integer");

    ObjectNode fraction = fixture("order.paid.card.json");
    entity(fraction, "payment").put("amount", "12.50");
    assertThatThrownBy(() -> probe.parse("evt_x", fraction.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("razorpay payment.amount is not an integer");

    ObjectNode decimal = fixture("payment.captured.card.json");
    entity(decimal, "payment").put("amount", 12.5);
    assertThatThrownBy(() -> probe.parse("evt_x", decimal.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("razorpay payment.amount is not an integer");

    ObjectNode noEntity = fixture("payment.captured.card.json");
    ((ObjectNode) noEntity.get("payload")).remove("payment");
    assertThatThrownBy(() -> probe.parse("evt_x", noEntity.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("razorpay event has no payload.payment.entity");

    ObjectNode refund = fixture("refund.processed.normal_refunds.json");
    entity(refund, "refund").remove("payment_id");
    assertThatThrownBy(() -> probe.parse("evt_x", refund.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("razorpay refund has no payment_id");

    ObjectNode refundAmount = fixture("refund.processed.normal_refunds.json");
    entity(refundAmount, "refund").put("amount", "500.00");
    assertThatThrownBy(() -> probe.parse("evt_x", refundAmount.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("razorpay refund.amount is not an integer");
  }

  @Test
  void otherEventTypesAreIgnoredNotErrors() throws Exception {
    ObjectNode authorized = fixture("payment.captured.card.json");
    authorized.put("event", "payment.authorized");
    assertThat(probe.parse("evt_y", authorized.toString()))
        .isEqualTo(new ParseOutcome.Ignored("payment.authorized"));

    ObjectNode failed = fixture("payment.captured.card.json");
    failed.put("event", "payment.failed");
    assertThat(probe.parse("evt_y", failed.toString()))
        .isEqualTo(new ParseOutcome.Ignored("payment.failed"));

    assertThat(probe.parse("evt_y", "{\"entity\":\"event\",\"event\":\"payout.processed\"}"))
        .isEqualTo(new ParseOutcome.Ignored("payout.processed"));
  }

  @Test
  void theOrdersOfferIsTheCode() throws Exception {
    // the documented order.paid: the order's "offer_id": null
    assertThat(
            probe.payment("evt_paid_1", Fixtures.read("razorpay/order.paid.card.json")).promoCode())
        .isNull();

    ObjectNode event = fixture("order.paid.card.json");
    entity(event, "order").put("offer_id", "offer_DtEhEm3XslgfXE");
    assertThat(probe.payment("evt_paid_2", event.toString()).promoCode())
        .isEqualTo("offer_DtEhEm3XslgfXE");
    // payment.captured carries no order, so no offer: order.paid brings it when they merge
    assertThat(
            probe
                .payment("evt_cap_1", Fixtures.read("razorpay/payment.captured.card.json"))
                .promoCode())
        .isNull();
  }

  @Test
  void oddCodesNeverBreakAPayment() throws Exception {
    ObjectNode event = fixture("order.paid.card.json");
    PromoCodeCases.areHarmless(
        probe, event, (body, code) -> entity(body, "order").set("offer_id", code));
  }
}
