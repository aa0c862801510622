package dev.tributary.job.payments.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
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
import dev.tributary.job.testing.ParserProbe;
import dev.tributary.job.testing.PromoCodeCases;
import org.junit.jupiter.api.Test;

class StripeParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final StripeParser parser = new StripeParser();

  private ParseOutcome parse(String body) {
    return parser.parse(Envelopes.parsed("acme", "stripe", body), MetadataKeys.DEFAULT);
  }

  @Test
  void paymentIntentFixtureGivesExactAmountAndKey() {
    String body =
        Fixtures.stripeEvent(
            "evt_pi_1",
            "payment_intent.succeeded",
            1_700_000_000L,
            Fixtures.read("stripe/payment_intent.object.json"));

    PaymentEvent p = ((ParseOutcome.Payment) parse(body)).event();

    assertThat(p.paymentKey()).isEqualTo("pi_1PgafyB7WZ01zgkWSjxsAJo3");
    assertThat(p.amountMinor()).isEqualTo(1099);
    assertThat(p.currency()).isEqualTo("USD");
    assertThat(p.currencyExponent()).isEqualTo(2);
    assertThat(p.occurredAtMillis()).isEqualTo(1_700_000_000_000L);
    assertThat(p.eventId()).isEqualTo("evt_pi_1");
    assertThat(p.siteId()).isEqualTo("acme");
    assertThat(p.visitorId()).isNull();
    assertThat(p.livemode()).isFalse();
  }

  @Test
  void unpaidCheckoutSessionFixtureIsIgnoredUntilAsyncSuccess() {
    String body =
        Fixtures.stripeEvent(
            "evt_cs_1",
            "checkout.session.completed",
            1_700_000_000L,
            Fixtures.read("stripe/checkout.session.object.json"));

    assertThat(parse(body))
        .isEqualTo(new ParseOutcome.Ignored("checkout.session.completed:unpaid"));
  }

  @Test
  void paidCheckoutSessionCarriesMetadataEmailAndPaymentIntentKey() {
    String session =
        """
        {"id":"cs_1","object":"checkout.session","payment_status":"paid","amount_total":4900,
         "currency":"jpy","payment_intent":"pi_9","customer":"cus_7",
         "customer_details":{"email":" Ada@Example.com "},
         "metadata":{"tributary_visitor_id":"v_1","tributary_session_id":"s_1"}}""";

    ParseOutcome.Payment outcome =
        (ParseOutcome.Payment)
            parse(Fixtures.stripeEvent("evt_2", "checkout.session.completed", 10, session));
    PaymentEvent p = outcome.event();

    assertThat(p.paymentKey()).isEqualTo("pi_9");
    // a Payment API call naming the session finds the PaymentIntent through this alias
    assertThat(outcome.aliases()).containsExactly("cs_1");
    assertThat(p.amountMinor()).isEqualTo(4900);
    assertThat(p.currency()).isEqualTo("JPY");
    assertThat(p.currencyExponent()).isZero();
    assertThat(p.visitorId()).isEqualTo("v_1");
    assertThat(p.sessionId()).isEqualTo("s_1");
    assertThat(p.customerId()).isEqualTo("cus_7");
    assertThat(p.emailHash()).isEqualTo(EmailHash.of("ada@example.com")).hasSize(64);
  }

  @Test
  void configuredAliasesAndClientReferenceIdCarryTheVisitor() {
    String session =
        """
        {"id":"cs_2","payment_status":"paid","amount_total":100,"currency":"usd",
         "payment_intent":{"id":"pi_expanded"},"client_reference_id":"v_ref","metadata":{}}""";
    PaymentEvent p =
        ((ParseOutcome.Payment)
                parse(Fixtures.stripeEvent("evt_3", "checkout.session.completed", 10, session)))
            .event();
    assertThat(p.paymentKey()).isEqualTo("pi_expanded");
    assertThat(p.visitorId()).isEqualTo("v_ref");

    String intent =
        """
        {"id":"pi_4","amount":500,"amount_received":500,"currency":"kwd",
         "metadata":{"visitorId":"v_alias"}}""";
    PaymentEvent q =
        ((ParseOutcome.Payment)
                parse(Fixtures.stripeEvent("evt_4", "payment_intent.succeeded", 10, intent)))
            .event();
    assertThat(q.visitorId()).isEqualTo("v_alias");
    assertThat(q.currencyExponent()).isEqualTo(3);
  }

  @Test
  void otherEventTypesAreIgnoredNotErrors() {
    assertThat(parse(Fixtures.read("stripe/event.envelope_example_plan.created.json")))
        .isEqualTo(new ParseOutcome.Ignored("plan.created"));
  }

  @Test
  void malformedBodiesOfKnownTypesAreRejectedWithAReason() {
    assertThatThrownBy(() -> parse("not json"))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("stripe body is not JSON");
    assertThatThrownBy(
            () ->
                parse(
                    Fixtures.stripeEvent(
                        "evt_5",
                        "payment_intent.succeeded",
                        1,
                        "{\"id\":\"pi_1\",\"currency\":\"usd\"}")))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("payment intent.amount is not an integer");
    assertThatThrownBy(
            () ->
                parse(
                    Fixtures.stripeEvent(
                        "evt_6",
                        "payment_intent.succeeded",
                        1,
                        "{\"id\":\"pi_1\",\"amount\":12.5,\"currency\":\"usd\"}")))
        .isInstanceOf(MalformedPayloadException.class);
  }

  private ParseOutcome event(String type, String object) {
    return parse(Fixtures.stripeEvent("evt_t", type, 1_700_000_000L, object));
  }

  private PaymentEvent paymentOf(String type, String object) {
    return ((ParseOutcome.Payment) event(type, object)).event();
  }

  private RefundEvent refundOf(String type, String object) {
    return ((ParseOutcome.Refund) event(type, object)).event();
  }

  @Test
  void chargeFixtureCountsOnlyOnceCapturedAndIsKeyedByTheCharge() {
    String authorized = Fixtures.read("stripe/charge.object.json");
    assertThat(event("charge.succeeded", authorized))
        .isEqualTo(new ParseOutcome.Ignored("charge.succeeded:uncaptured"));

    String captured =
        authorized
            .replace("\"captured\": false", "\"captured\": true")
            .replace("\"amount_captured\": 0", "\"amount_captured\": 100");
    PaymentEvent p = paymentOf("charge.captured", captured);
    assertThat(p.paymentKey()).isEqualTo("ch_1PgafuB7WZ01zgkWXYmPNZs8");
    assertThat(p.amountMinor()).isEqualTo(100);
    assertThat(p.currency()).isEqualTo("USD");
    assertThat(p.linkKey()).isNull();
  }

  @Test
  void chargeOfAPaymentIntentMergesWithIt() {
    PaymentEvent p =
        paymentOf(
            "charge.succeeded",
            """
            {"id":"ch_1","amount":2000,"amount_captured":2000,"captured":true,"currency":"eur",
             "payment_intent":"pi_7","billing_details":{"email":"a@b.co"},
             "metadata":{"tributary_visitor_id":"v_9"}}""");
    assertThat(p.paymentKey()).isEqualTo("pi_7");
    assertThat(
            ((ParseOutcome.Payment)
                    event(
                        "charge.succeeded",
                        "{\"id\":\"ch_1\",\"amount\":2000,\"captured\":true,"
                            + "\"currency\":\"eur\",\"payment_intent\":\"pi_7\"}"))
                .aliases())
        .containsExactly("ch_1");
    assertThat(p.visitorId()).isEqualTo("v_9");
    assertThat(p.emailHash()).isNotNull();
    assertThat(
            event(
                "charge.succeeded",
                "{\"id\":\"ch_2\",\"amount\":5,\"captured\":false,\"currency\":\"usd\"}"))
        .isEqualTo(new ParseOutcome.Ignored("charge.succeeded:uncaptured"));
  }

  @Test
  void anInvoiceThatPaidNothingGoesOnForItsIdentityWithAmountZero() {
    ParseOutcome outcome = event("invoice.paid", Fixtures.read("stripe/invoice.object.json"));
    assertThat(outcome).isInstanceOf(ParseOutcome.Payment.class);
    assertThat(((ParseOutcome.Payment) outcome).event().amountMinor()).isZero();
  }

  @Test
  void currentApiInvoiceWaitsForItsPaymentIntentAndCarriesRenewalAndSubscriptionMetadata() {
    PaymentEvent p =
        paymentOf(
            "invoice.paid",
            """
            {"id":"in_5","object":"invoice","amount_paid":1500,"currency":"usd","customer":"cus_1",
             "customer_email":"x@y.z","billing_reason":"subscription_cycle",
             "status_transitions":{"paid_at":1700000100},
             "parent":{"type":"subscription_details","subscription_details":{
               "subscription":"sub_1","metadata":{"tributary_visitor_id":"v_sub"}}}}""");
    assertThat(p.awaitsPaymentKey()).isTrue();
    assertThat(p.linkKey()).isEqualTo("in_5");
    assertThat(p.renewal()).isTrue();
    assertThat(p.subscriptionId()).isEqualTo("sub_1");
    assertThat(p.visitorId()).isEqualTo("v_sub");
    assertThat(p.customerId()).isEqualTo("cus_1");
    assertThat(p.occurredAtMillis()).isEqualTo(1_700_000_100_000L);
  }

  @Test
  void olderApiInvoiceNamesItsPaymentIntentAndItsFirstPaymentIsNoRenewal() {
    PaymentEvent p =
        paymentOf(
            "invoice.payment_succeeded",
            """
            {"id":"in_6","amount_paid":900,"currency":"usd","payment_intent":"pi_6",
             "subscription":"sub_2","billing_reason":"subscription_create",
             "subscription_details":{"metadata":{"visitor_id":"v_old"}}}""");
    assertThat(p.paymentKey()).isEqualTo("pi_6");
    assertThat(p.linksKeys()).isTrue();
    assertThat(p.renewal()).isFalse();
    assertThat(p.subscriptionId()).isEqualTo("sub_2");
    assertThat(p.visitorId()).isEqualTo("v_old");
  }

  @Test
  void invoicePaymentLinksInvoiceAndPaymentIntent() {
    assertThat(event("invoice_payment.paid", Fixtures.read("stripe/invoice_payment.object.json")))
        .as("the fixture names no PaymentIntent id")
        .isEqualTo(new ParseOutcome.Ignored("invoice_payment.paid:payment_intent"));
    PaymentEvent p =
        paymentOf(
            "invoice_payment.paid",
            """
            {"id":"inpay_1","object":"invoice_payment","invoice":"in_5","amount_paid":1500,
             "currency":"usd","status":"paid",
             "payment":{"type":"payment_intent","payment_intent":"pi_5"}}""");
    assertThat(p.paymentKey()).isEqualTo("pi_5");
    assertThat(p.linkKey()).isEqualTo("in_5");
    assertThat(p.amountMinor()).isEqualTo(1500);
  }

  @Test
  void subscriptionCheckoutKnowsOnlyItsInvoice() {
    PaymentEvent p =
        paymentOf(
            "checkout.session.completed",
            """
            {"id":"cs_sub","payment_status":"paid","amount_total":1500,"currency":"usd",
             "mode":"subscription","payment_intent":null,"invoice":"in_5","subscription":"sub_1",
             "metadata":{"tributary_visitor_id":"v_sub","tributary_session_id":"s_sub"}}""");
    assertThat(p.awaitsPaymentKey()).isTrue();
    assertThat(p.linkKey()).isEqualTo("in_5");
    assertThat(p.sessionId()).isEqualTo("s_sub");
  }

  @Test
  void refundFixtureIsOneRefundOfItsCharge() {
    RefundEvent r = refundOf("refund.created", Fixtures.read("stripe/refund.object.json"));
    assertThat(r.refundKey()).isEqualTo("re_1Pgc72B7WZ01zgkWqPvrRrPE");
    assertThat(r.paymentKey()).isEqualTo("ch_1PgafuB7WZ01zgkWXYmPNZs8");
    assertThat(r.amountMinor()).isEqualTo(100);
    assertThat(r.currency()).isEqualTo("USD");
    assertThat(r.cumulative()).isFalse();
    assertThat(r.kind()).isEqualTo(RefundEvent.REFUND);
    assertThat(r.occurredAtMillis()).isEqualTo(1_234_567_890_000L);
  }

  @Test
  void pendingRefundsWaitAndChargeRefundedIsARunningTotal() {
    assertThat(
            event(
                "refund.created",
                "{\"id\":\"re_2\",\"amount\":5,\"currency\":\"usd\",\"status\":\"pending\",\"payment_intent\":\"pi_1\"}"))
        .isEqualTo(new ParseOutcome.Ignored("refund.created:pending"));
    RefundEvent r =
        refundOf(
            "charge.refunded",
            """
            {"id":"ch_1","amount":2000,"amount_refunded":700,"currency":"usd","payment_intent":"pi_1",
             "refunded":false}""");
    assertThat(r.cumulative()).isTrue();
    assertThat(r.refundKey()).isNull();
    assertThat(r.paymentKey()).isEqualTo("pi_1");
    assertThat(r.amountMinor()).isEqualTo(700);
  }

  @Test
  void disputeFundsWithdrawnIsAChargeback() {
    RefundEvent r =
        refundOf(
            "charge.dispute.funds_withdrawn",
            "{\"id\":\"du_1\",\"amount\":2000,\"currency\":\"usd\",\"charge\":\"ch_1\",\"payment_intent\":\"pi_1\"}");
    assertThat(r.kind()).isEqualTo(RefundEvent.CHARGEBACK);
    assertThat(r.refundKey()).isEqualTo("du_1");
    assertThat(r.paymentKey()).isEqualTo("pi_1");
  }

  @Test
  void disputeFundsReinstatedIsTheDisputeWon() {
    RefundEvent r =
        refundOf(
            "charge.dispute.funds_reinstated",
            "{\"id\":\"du_1\",\"amount\":2000,\"currency\":\"usd\",\"charge\":\"ch_1\","
                + "\"payment_intent\":\"pi_1\"}");
    assertThat(r.kind()).isEqualTo(RefundEvent.REINSTATEMENT);
    assertThat(r.refundKey()).isEqualTo("du_1");
    assertThat(r.paymentKey()).isEqualTo("pi_1");
  }

  /**
   * The published Checkout Session (unpaid, no amount or currency, {@code "discounts": null}),
   * paid, with discounts.
   */
  private static ObjectNode paidSession(String discounts) {
    ObjectNode session = (ObjectNode) tree(Fixtures.read("stripe/checkout.session.object.json"));
    session.put("payment_status", "paid");
    session.put("amount_total", 1000);
    session.put("currency", "usd");
    if (discounts != null) {
      session.set("discounts", tree(discounts));
    }
    return session;
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private String sessionCode(ObjectNode session) {
    return paymentOf("checkout.session.completed", session.toString()).promoCode();
  }

  @Test
  void aCheckoutSessionsCodeIsItsPromotionCodeElseItsCoupon() throws Exception {
    // the published session applies no discount
    assertThat(sessionCode(paidSession(null))).isNull();
    assertThat(sessionCode(paidSession("[]"))).isNull();
    // discounts[] (API 2025-01-27 and later): promotion_code, an id or expanded, else coupon
    assertThat(sessionCode(paidSession("[{\"coupon\":\"SPRING\",\"promotion_code\":\"promo_1\"}]")))
        .isEqualTo("promo_1");
    assertThat(
            sessionCode(
                paidSession(
                    "[{\"coupon\":null,\"promotion_code\":{\"id\":\"promo_2\",\"object\":\"promotion_code\","
                        + "\"code\":\"SUMMER\"}}]")))
        .isEqualTo("promo_2");
    assertThat(sessionCode(paidSession("[{\"coupon\":\"SPRING\",\"promotion_code\":null}]")))
        .isEqualTo("SPRING");
    assertThat(
            sessionCode(
                paidSession(
                    "[{\"coupon\":{\"id\":\"SPRING\",\"object\":\"coupon\"},\"promotion_code\":null}]")))
        .isEqualTo("SPRING");
    // several: the first that names one
    assertThat(
            sessionCode(
                paidSession(
                    "[{\"coupon\":null,\"promotion_code\":null},{\"promotion_code\":\"promo_3\"},"
                        + "{\"promotion_code\":\"promo_4\"}]")))
        .isEqualTo("promo_3");
    // without discounts[]: the expanded breakdown's Discount objects
    ObjectNode older = paidSession(null);
    ((ObjectNode) older.get("total_details"))
        .set(
            "breakdown",
            JSON.readTree(
                """
                {"discounts":[{"amount":406046392,"discount":{"id":"di_1","object":"discount",
                 "coupon":{"id":"SPRING","object":"coupon"},"promotion_code":"promo_5"}}],
                 "taxes":[]}"""));
    assertThat(sessionCode(older)).isEqualTo("promo_5");
  }

  @Test
  void anInvoicesCodeComesFromItsDiscountObjectsNotFromDiscountIds() throws Exception {
    ObjectNode invoice = (ObjectNode) JSON.readTree(Fixtures.read("stripe/invoice.object.json"));
    // the published invoice: "discounts": []
    assertThat(paymentOf("invoice.paid", invoice.toString()).promoCode()).isNull();

    invoice.set("discounts", JSON.readTree("[\"di_1MtJUtLkdIwHu7ixSnOhAdJp\"]"));
    assertThat(paymentOf("invoice.paid", invoice.toString()).promoCode()).isNull();

    invoice.set(
        "discounts",
        JSON.readTree(
            """
            [{"id":"di_1","object":"discount","promotion_code":"promo_6",
              "coupon":{"id":"SPRING","object":"coupon"}}]"""));
    assertThat(paymentOf("invoice.paid", invoice.toString()).promoCode()).isEqualTo("promo_6");

    // API 2025-09-30 and later: the coupon moved to source.coupon
    invoice.set(
        "discounts",
        JSON.readTree(
            """
            [{"id":"di_2","object":"discount","promotion_code":null,
              "source":{"type":"coupon","coupon":"SPRING"}}]"""));
    assertThat(paymentOf("invoice.paid", invoice.toString()).promoCode()).isEqualTo("SPRING");

    // older APIs: the single discount
    invoice.remove("discounts");
    invoice.set(
        "discount",
        JSON.readTree(
            "{\"id\":\"di_3\",\"object\":\"discount\",\"coupon\":{\"id\":\"WINTER\"},"
                + "\"promotion_code\":null}"));
    assertThat(paymentOf("invoice.paid", invoice.toString()).promoCode()).isEqualTo("WINTER");
  }

  @Test
  void paymentIntentsAndChargesCarryNoCode() {
    assertThat(
            paymentOf(
                    "payment_intent.succeeded", Fixtures.read("stripe/payment_intent.object.json"))
                .promoCode())
        .isNull();
    String captured =
        Fixtures.read("stripe/charge.object.json")
            .replace("\"captured\": false", "\"captured\": true")
            .replace("\"amount_captured\": 0", "\"amount_captured\": 100");
    assertThat(paymentOf("charge.captured", captured).promoCode()).isNull();
  }

  @Test
  void oddCodesNeverBreakAPayment() throws Exception {
    ParserProbe probe = new ParserProbe(parser);
    PromoCodeCases.areHarmless(
        probe,
        code -> {
          ObjectNode session = paidSession(null);
          session.putArray("discounts").addObject().set("promotion_code", code);
          return Fixtures.stripeEvent(
              "evt_c", "checkout.session.completed", 10, session.toString());
        });
    ObjectNode invoice = (ObjectNode) JSON.readTree(Fixtures.read("stripe/invoice.object.json"));
    PromoCodeCases.areHarmless(
        probe,
        code -> {
          ObjectNode discount = invoice.putObject("discount");
          discount.set("promotion_code", code);
          invoice.remove("discounts");
          return Fixtures.stripeEvent("evt_i", "invoice.paid", 10, invoice.toString());
        });
  }
}
