package dev.tributary.job.payments.woocommerce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.job.base.EmailHash;
import dev.tributary.job.base.MalformedPayloadException;
import dev.tributary.job.ledger.RefundFacts;
import dev.tributary.job.payments.MetadataKeys;
import dev.tributary.job.payments.ParseOutcome;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.payments.PaymentRef;
import dev.tributary.job.payments.RefundEvent;
import dev.tributary.job.testing.Envelopes;
import dev.tributary.job.testing.Fixtures;
import dev.tributary.job.testing.ParserProbe;
import dev.tributary.job.testing.PromoCodeCases;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * WooCommerce order webhooks over the REST API documentation's own orders (fixtures/woocommerce,
 * sources in SOURCES.md): 727 as created (processing) and updated (completed), and 723, completed
 * with two refunds. States no published example has are made in code from a copy and say so.
 */
class WooCommerceParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JOHN = EmailHash.of("john.doe@example.com");

  private final WooCommerceParser parser = new WooCommerceParser();
  private final ParserProbe probe = new ParserProbe(parser);

  private ParseOutcome.PaymentAndRefund both(String deliveryId, String body) {
    ParseOutcome outcome = probe.parse(deliveryId, body);
    assertThat(outcome).isInstanceOf(ParseOutcome.PaymentAndRefund.class);
    return (ParseOutcome.PaymentAndRefund) outcome;
  }

  private static ObjectNode order(String file) throws Exception {
    return (ObjectNode) JSON.readTree(Fixtures.read("woocommerce/" + file));
  }

  /** Order 723 of the documentation's order list: completed, refunds of 10.00 and 9.00. */
  private static ObjectNode refundedOrder() throws Exception {
    return (ObjectNode) JSON.readTree(Fixtures.read("woocommerce/orders.list.json")).get(1);
  }

  private static long millis(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  @Test
  void providerNameIsTheGatewaysAndTheParserIsRegistered() {
    assertThat(parser.provider()).isEqualTo("woocommerce");
    ParseOutcome viaAll =
        dev.tributary.job.payments.providers.PaymentProviders.parsers()
            .parse(
                Envelopes.parsed(
                    "acme",
                    "woocommerce",
                    "sha256:ab",
                    Fixtures.read("woocommerce/order.processing.json")),
                MetadataKeys.DEFAULT);
    assertThat(viaAll).isInstanceOf(ParseOutcome.Payment.class);
  }

  @Test
  void aProcessingOrderIsAPaymentKeyedByItsIdWithExactMinorUnits() {
    PaymentEvent p =
        probe.payment("sha256:created", Fixtures.read("woocommerce/order.processing.json"));

    assertThat(p.siteId()).isEqualTo("acme");
    assertThat(p.provider()).isEqualTo("woocommerce");
    assertThat(p.eventId()).isEqualTo("sha256:created");
    assertThat(p.eventType()).isEqualTo("order.processing");
    assertThat(p.paymentKey()).isEqualTo("727");
    // "total": "29.35", "currency": "USD"
    assertThat(p.amountMinor()).isEqualTo(2_935);
    assertThat(p.currency()).isEqualTo("USD");
    assertThat(p.currencyExponent()).isEqualTo(2);
    // "date_paid_gmt": "2017-03-22T19:28:08" (GMT without an offset)
    assertThat(p.occurredAtMillis()).isEqualTo(millis("2017-03-22T19:28:08Z"));
    assertThat(p.emailHash()).isEqualTo(JOHN).hasSize(64);
    // "customer_id": 0 is a guest
    assertThat(p.customerId()).isNull();
    // meta_data holds only "_download_permissions_granted"
    assertThat(p.visitorId()).isNull();
    assertThat(p.sessionId()).isNull();
    assertThat(p.subscriptionId()).isNull();
    assertThat(p.renewal()).isFalse();
    // WooCommerce has no test mode of its own
    assertThat(p.livemode()).isTrue();
  }

  /** order.created (processing) then order.updated (completed): one payment, counted once. */
  @Test
  void theLaterUpdateOfAPaidOrderIsTheSamePayment() {
    PaymentEvent created =
        probe.payment("sha256:created", Fixtures.read("woocommerce/order.processing.json"));
    PaymentEvent completed =
        probe.payment("sha256:completed", Fixtures.read("woocommerce/order.completed.json"));

    assertThat(completed.eventType()).isEqualTo("order.completed");
    assertThat(completed.paymentKey()).isEqualTo("727");
    assertThat(completed.amountMinor()).isEqualTo(2_935);
    // the same date_paid_gmt: both reports agree on when the money moved
    assertThat(completed.occurredAtMillis()).isEqualTo(created.occurredAtMillis());
    assertThat(completed.consolidationKey()).isEqualTo(created.consolidationKey());
    PaymentEvent merged = created.mergedWith(completed).mergedWith(created);
    assertThat(merged.amountMinor()).isEqualTo(2_935);
    assertThat(merged.eventId()).isEqualTo("sha256:completed"); // same time, smaller id stands
    assertThat(merged.conflicts()).isNull();
  }

  @Test
  void aPaidOrderWithRefundsReportsThePaymentAndTheRunningTotal() throws Exception {
    ParseOutcome.PaymentAndRefund outcome = both("sha256:723", refundedOrder().toString());

    PaymentEvent p = outcome.payment().event();
    assertThat(p.eventType()).isEqualTo("order.completed");
    assertThat(p.paymentKey()).isEqualTo("723");
    assertThat(p.amountMinor()).isEqualTo(3_900);
    assertThat(p.customerId()).isEqualTo("26");
    assertThat(p.emailHash()).isEqualTo(EmailHash.of("joao.silva@example.com"));
    // "date_paid_gmt": null (marked completed by hand): date_created_gmt
    assertThat(p.occurredAtMillis()).isEqualTo(millis("2017-03-21T19:16:00Z"));

    RefundEvent r = outcome.refund().event();
    assertThat(r.provider()).isEqualTo("woocommerce");
    assertThat(r.eventId()).isEqualTo("sha256:723");
    assertThat(r.eventType()).isEqualTo("order.refunds");
    assertThat(r.paymentKey()).isEqualTo("723");
    assertThat(r.paymentConsolidationKey()).isEqualTo(p.consolidationKey());
    // "-10.00" and "-9.00": 19.00 refunded so far
    assertThat(r.amountMinor()).isEqualTo(1_900);
    assertThat(r.cumulative()).isTrue();
    assertThat(r.refundKey()).isNull();
    assertThat(r.full()).isFalse();
    assertThat(r.kind()).isEqualTo(RefundEvent.REFUND);
    assertThat(r.currency()).isEqualTo("USD");
    assertThat(r.occurredAtMillis()).isEqualTo(millis("2017-03-21T19:54:51Z"));
    assertThat(r.livemode()).isTrue();
  }

  /**
   * The same refunds in every later body, a replayed delivery, and a new refund: the ledger's
   * arithmetic over the running totals counts each refund once.
   */
  @Test
  void repeatedAndReplayedUpdatesDoNotCountARefundTwice() throws Exception {
    ObjectNode body = refundedOrder();
    RefundEvent first = both("sha256:a", body.toString()).refund().event();
    body.put("date_modified_gmt", "2017-03-22T08:00:00"); // another update, same refunds
    RefundEvent again = both("sha256:b", body.toString()).refund().event();
    // hand-made: a third refund of 5.00 added in WooCommerce
    ((ArrayNode) body.get("refunds"))
        .insertObject(0)
        .put("id", 730)
        .put("refund", "")
        .put("total", "-5.00");
    RefundEvent raised = both("sha256:c", body.toString()).refund().event();

    RefundFacts facts = RefundFacts.NONE.with(first, 0).with(again, 0).with(first, 0);
    assertThat(facts.refundedOf(3_900)).isEqualTo(1_900);
    facts = facts.with(raised, 0).with(again, 0);
    assertThat(raised.amountMinor()).isEqualTo(2_400);
    assertThat(facts.refundedOf(3_900)).isEqualTo(2_400);
  }

  /** Hand-made: the tracker's ids as order meta data (a checkout plugin or the shop's code). */
  @Test
  void orderMetaDataCarriesTheTrackerIds() throws Exception {
    ObjectNode order = order("order.processing.json");
    ArrayNode meta = (ArrayNode) order.get("meta_data");
    meta.addObject().put("id", 13200).put("key", "tributary_visitor_id").put("value", "v_wc");
    meta.addObject().put("id", 13201).put("key", "session_id").put("value", "s_wc");

    PaymentEvent p = probe.payment("sha256:1", order.toString());

    assertThat(p.visitorId()).isEqualTo("v_wc");
    assertThat(p.sessionId()).isEqualTo("s_wc");
    assertThat(p.linkMethod()).isEqualTo(dev.tributary.job.payments.LinkMethod.METADATA.code());

    // A structured value is not an id; the next key that has one is used.
    ObjectNode structured = order("order.processing.json");
    ArrayNode other = (ArrayNode) structured.get("meta_data");
    other.addObject().put("id", 1).put("key", "tributary_visitor_id").putArray("value").add("x");
    other.addObject().put("id", 2).put("key", "visitor_id").put("value", "v_plain");
    assertThat(probe.payment("sha256:2", structured.toString()).visitorId()).isEqualTo("v_plain");
  }

  @ParameterizedTest
  @ValueSource(strings = {"pending", "on-hold", "failed", "cancelled", "checkout-draft", "trash"})
  void ordersNotPaidAreIgnored(String status) throws Exception {
    ObjectNode order = order("order.processing.json");
    order.put("status", status);

    assertThat(probe.parse("sha256:1", order.toString()))
        .isEqualTo(new ParseOutcome.Ignored("order." + status));
  }

  @Test
  void refundedOrdersAndRefundsOfUnpaidOnes() throws Exception {
    // fully refunded after payment (date_paid set): the payment and the refunds
    ObjectNode refunded = refundedOrder();
    refunded.put("status", "refunded");
    refunded.put("date_paid", "2017-03-21T16:20:00");
    refunded.put("date_paid_gmt", "2017-03-21T19:20:00");
    ParseOutcome.PaymentAndRefund outcome = both("sha256:1", refunded.toString());
    assertThat(outcome.payment().event().eventType()).isEqualTo("order.refunded");
    assertThat(outcome.payment().event().occurredAtMillis())
        .isEqualTo(millis("2017-03-21T19:20:00Z"));
    assertThat(outcome.refund().event().amountMinor()).isEqualTo(1_900);

    // without a payment date, or cancelled: only what went back, for a payment already booked
    refunded.putNull("date_paid");
    assertThat(probe.refund("sha256:2", refunded.toString()).amountMinor()).isEqualTo(1_900);
    refunded.put("status", "cancelled");
    assertThat(probe.refund("sha256:3", refunded.toString()).amountMinor()).isEqualTo(1_900);
  }

  /** Hand-made: a JPY store that keeps two price decimals writes "1500.00". */
  @Test
  void theCurrencysOwnExponentWhateverTheStoresDecimals() throws Exception {
    ObjectNode order = order("order.processing.json");
    order.put("currency", "JPY");
    order.put("total", "1500.00");

    PaymentEvent p = probe.payment("sha256:1", order.toString());

    assertThat(p.amountMinor()).isEqualTo(1_500);
    assertThat(p.currency()).isEqualTo("JPY");
    assertThat(p.currencyExponent()).isZero();
  }

  @Test
  void otherResourcesAndDeletedOrdersAreIgnored() {
    // order.deleted sends only the id; a product webhook is no order (both hand-made)
    assertThat(probe.parse("sha256:1", "{\"id\":727}"))
        .isEqualTo(new ParseOutcome.Ignored("not-an-order"));
    assertThat(probe.parse("sha256:2", "{\"id\":93,\"name\":\"Woo Single #1\",\"price\":\"3.00\"}"))
        .isEqualTo(new ParseOutcome.Ignored("not-an-order"));
  }

  @Test
  void malformedBodiesAreRefusedWithAReason() throws Exception {
    assertMalformed("webhook_id=12", "woocommerce body is not JSON");
    assertMalformed(
        "{\"order\":" + Fixtures.read("woocommerce/order.processing.json") + "}",
        "woocommerce body is a legacy API payload; set the webhook's API version to v3");

    ObjectNode thirdDecimal = order("order.processing.json");
    thirdDecimal.put("total", "29.355");
    assertMalformed(thirdDecimal.toString(), "woocommerce order.total has more than 2 decimals");

    ObjectNode floatTotal = order("order.processing.json");
    floatTotal.put("total", 29.35);
    assertMalformed(floatTotal.toString(), "woocommerce order.total is not a decimal string");

    ObjectNode noId = order("order.processing.json");
    noId.remove("id");
    assertMalformed(noId.toString(), "woocommerce order has no id");

    ObjectNode noStatus = order("order.processing.json");
    noStatus.remove("status");
    assertMalformed(noStatus.toString(), "woocommerce order has no status");

    ObjectNode bitcoin = order("order.processing.json");
    bitcoin.put("currency", "BTC");
    assertMalformed(bitcoin.toString(), "unknown currency BTC");

    ObjectNode badDate = order("order.processing.json");
    badDate.put("date_paid_gmt", "yesterday");
    assertMalformed(badDate.toString(), "woocommerce order.date_paid_gmt is not a date");

    ObjectNode refundsNotAList = refundedOrder();
    refundsNotAList.put("refunds", "-19.00");
    assertMalformed(refundsNotAList.toString(), "woocommerce order.refunds is not a list");

    ObjectNode refundWithoutTotal = refundedOrder();
    ((ObjectNode) refundWithoutTotal.get("refunds").get(0)).remove("total");
    assertMalformed(
        refundWithoutTotal.toString(), "woocommerce order refund.total is not a decimal string");
  }

  @Test
  void paymentApiIdsNameTheOrder() {
    assertThat(parser.paymentRef("727")).isEqualTo(PaymentRef.key("727"));
    assertThat(parser.paymentRef("wc_order_58d2d042d1d")).isNull();
    assertThat(parser.paymentRef("")).isNull();
  }

  private void assertMalformed(String body, String reason) {
    assertThatThrownBy(() -> probe.parse("sha256:bad", body))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage(reason);
  }

  @Test
  void theFirstCouponLinesCodeIsTheCode() throws Exception {
    // the documented order: "coupon_lines": []
    assertThat(
            probe
                .payment("sha256:w0", Fixtures.read("woocommerce/order.processing.json"))
                .promoCode())
        .isNull();

    // Order - Coupon lines properties: id, code, discount, discount_tax, meta_data
    ObjectNode order = order("order.processing.json");
    ArrayNode coupons = order.putArray("coupon_lines");
    coupons
        .addObject()
        .put("id", 730)
        .put("code", "spring20")
        .put("discount", "4.00")
        .put("discount_tax", "0.00")
        .putArray("meta_data");
    coupons.addObject().put("id", 731).put("code", "freeship").put("discount", "0.00");
    assertThat(probe.payment("sha256:w1", order.toString()).promoCode()).isEqualTo("spring20");
  }

  @Test
  void oddCodesNeverBreakAPayment() throws Exception {
    ObjectNode order = order("order.processing.json");
    PromoCodeCases.areHarmless(
        probe,
        order,
        (body, code) -> body.putArray("coupon_lines").addObject().put("id", 730).set("code", code));
  }
}
