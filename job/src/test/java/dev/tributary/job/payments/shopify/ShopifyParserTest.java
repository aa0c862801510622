package dev.tributary.job.payments.shopify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.job.base.EmailHash;
import dev.tributary.job.base.MalformedPayloadException;
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
 * Shopify webhooks over the SDKs' own order and refund payloads (fixtures/shopify, sources in
 * SOURCES.md). Where a test needs a state no published payload has (a paid order, cart attributes
 * with the tracker's ids, another presentment currency), it says so and changes a copy of the
 * fixture in code; the files are never edited.
 */
class ShopifyParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BOB = EmailHash.of("bob.norman@hostmail.com");

  private final ShopifyParser parser = new ShopifyParser();
  private final ParserProbe probe = new ParserProbe(parser);

  /** The resource a webhook carries: the object inside the SDK fixture's REST wrapper. */
  private static ObjectNode resource(String file, String wrapper) throws Exception {
    return (ObjectNode) JSON.readTree(Fixtures.read("shopify/" + file)).get(wrapper);
  }

  /** The published order, authorized only; tests that need money captured mark it paid. */
  private static ObjectNode paidOrder() throws Exception {
    ObjectNode order = resource("order.authorized.json", "order");
    order.put("financial_status", "paid");
    return order;
  }

  private static long millis(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  @Test
  void providerNameIsTheGatewaysAndTheParserIsRegistered() throws Exception {
    assertThat(parser.provider()).isEqualTo("shopify");
    ParseOutcome viaAll =
        dev.tributary.job.payments.providers.PaymentProviders.parsers()
            .parse(
                Envelopes.parsed("acme", "shopify", "wh_1", paidOrder().toString()),
                MetadataKeys.DEFAULT);
    assertThat(viaAll).isInstanceOf(ParseOutcome.Payment.class);
  }

  @Test
  void anAuthorizedOrderHasCapturedNothingAndIsIgnored() throws Exception {
    String body = resource("order.authorized.json", "order").toString();

    assertThat(probe.parse("wh_1", body)).isEqualTo(new ParseOutcome.Ignored("order.authorized"));
  }

  @Test
  void aPaidOrderIsAPaymentKeyedByTheOrderIdWithExactMinorUnits() throws Exception {
    PaymentEvent p = probe.payment("wh_paid_1", paidOrder().toString());

    assertThat(p.siteId()).isEqualTo("acme");
    assertThat(p.provider()).isEqualTo("shopify");
    assertThat(p.eventId()).isEqualTo("wh_paid_1");
    assertThat(p.eventType()).isEqualTo("order.paid");
    assertThat(p.paymentKey()).isEqualTo("450789469");
    // "total_price": "409.94" in "currency": "USD" (no total_price_set in this older shape)
    assertThat(p.amountMinor()).isEqualTo(40_994);
    assertThat(p.currency()).isEqualTo("USD");
    assertThat(p.currencyExponent()).isEqualTo(2);
    // no processed_at: created_at, "2008-01-10T11:00:00-05:00"
    assertThat(p.occurredAtMillis()).isEqualTo(millis("2008-01-10T16:00:00Z"));
    assertThat(p.customerId()).isEqualTo("207119551");
    assertThat(p.emailHash()).isEqualTo(BOB).hasSize(64);
    // its cart attributes are "custom engraving" and "colour": no tracker ids
    assertThat(p.visitorId()).isNull();
    assertThat(p.sessionId()).isNull();
    assertThat(p.linkMethod()).isNull();
    assertThat(p.subscriptionId()).isNull();
    assertThat(p.renewal()).isFalse();
    assertThat(p.livemode()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"paid", "partially_refunded", "refunded"})
  void everyStateAfterCaptureIsTheSamePayment(String status) throws Exception {
    ObjectNode order = paidOrder();
    order.put("financial_status", status);

    PaymentEvent p = probe.payment("wh_" + status, order.toString());

    assertThat(p.eventType()).isEqualTo("order." + status);
    assertThat(p.paymentKey()).isEqualTo("450789469");
    assertThat(p.amountMinor()).isEqualTo(40_994);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pending", "authorized", "partially_paid", "voided", "expired"})
  void statesWithoutTheWholeTotalCapturedAreIgnored(String status) throws Exception {
    ObjectNode order = paidOrder();
    order.put("financial_status", status);

    assertThat(probe.parse("wh_1", order.toString()))
        .isEqualTo(new ParseOutcome.Ignored("order." + status));
  }

  /** orders/paid and an orders/updated of the same order (other webhook ids) are one payment. */
  @Test
  void ordersPaidAndALaterUpdateMergeIntoOnePayment() throws Exception {
    PaymentEvent paid = probe.payment("wh_paid", paidOrder().toString());
    ObjectNode later = paidOrder();
    later.put("financial_status", "partially_refunded");
    later.put("updated_at", "2008-01-11T09:00:00-05:00");
    PaymentEvent updated = probe.payment("wh_updated", later.toString());

    assertThat(updated.consolidationKey()).isEqualTo(paid.consolidationKey());
    assertThat(updated.eventId()).isNotEqualTo(paid.eventId());
    PaymentEvent merged = paid.mergedWith(updated);
    assertThat(merged.amountMinor()).isEqualTo(40_994);
    assertThat(merged.conflicts()).isNull();
  }

  /** Hand-made: cart attributes as a storefront sets them with the tracker's ids. */
  @Test
  void cartAttributesCarryTheTrackerIds() throws Exception {
    ObjectNode order = paidOrder();
    ArrayNode attributes = (ArrayNode) order.get("note_attributes");
    attributes.addObject().put("name", "tributary_visitor_id").put("value", "v_1");
    attributes.addObject().put("name", "tributary_session_id").put("value", "s_1");
    attributes.addObject().put("name", "tributary_visitor_id").put("value", "v_second");

    PaymentEvent p = probe.payment("wh_1", order.toString());

    assertThat(p.visitorId()).isEqualTo("v_1");
    assertThat(p.sessionId()).isEqualTo("s_1");
    assertThat(p.linkMethod()).isEqualTo(dev.tributary.job.payments.LinkMethod.METADATA.code());

    // The aliases other tools use work too; a value that is not text is not an id.
    ObjectNode aliased = paidOrder();
    ArrayNode other = aliased.putArray("note_attributes");
    other.addObject().put("name", "visitorId").putObject("value").put("nested", "x");
    other.addObject().put("name", "datafast_visitor_id").put("value", "v_df");
    assertThat(probe.payment("wh_2", aliased.toString()).visitorId()).isEqualTo("v_df");
  }

  /**
   * Hand-made multi-currency order: shop in USD, customer paid in EUR. The payment is the
   * presentment money, the currency the refund transactions are in.
   */
  @Test
  void theAmountIsThePresentmentMoney() throws Exception {
    ObjectNode order = paidOrder();
    order.put("presentment_currency", "EUR");
    ObjectNode set = order.putObject("total_price_set");
    set.putObject("shop_money").put("amount", "409.94").put("currency_code", "USD");
    set.putObject("presentment_money").put("amount", "377.11").put("currency_code", "EUR");

    PaymentEvent p = probe.payment("wh_1", order.toString());

    assertThat(p.amountMinor()).isEqualTo(37_711);
    assertThat(p.currency()).isEqualTo("EUR");
    assertThat(p.currencyExponent()).isEqualTo(2);

    // A zero-decimal presentment currency: "61234" (or "61234.00") yen is 61234 minor units.
    set.putObject("presentment_money").put("amount", "61234.00").put("currency_code", "JPY");
    PaymentEvent yen = probe.payment("wh_2", order.toString());
    assertThat(yen.amountMinor()).isEqualTo(61_234);
    assertThat(yen.currencyExponent()).isZero();
  }

  @Test
  void anotherPresentmentCurrencyWithoutItsAmountIsMalformed() throws Exception {
    ObjectNode order = paidOrder();
    order.put("presentment_currency", "EUR");

    assertThatThrownBy(() -> probe.parse("wh_1", order.toString()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage(
            "shopify order in another presentment currency has no"
                + " total_price_set.presentment_money");
  }

  @Test
  void aTestOrderIsNotLive() throws Exception {
    ObjectNode order = paidOrder();
    order.put("test", true);

    assertThat(probe.payment("wh_1", order.toString()).livemode()).isFalse();
  }

  @Test
  void theEmailComesFromTheOrderElseItsContactElseTheCustomer() throws Exception {
    ObjectNode order = paidOrder();
    order.remove("email");
    order.put("contact_email", "Contact@Example.com ");
    assertThat(probe.payment("wh_1", order.toString()).emailHash())
        .isEqualTo(EmailHash.of("contact@example.com"));

    order.remove("contact_email");
    assertThat(probe.payment("wh_2", order.toString()).emailHash()).isEqualTo(BOB);

    order.remove("customer");
    PaymentEvent anonymous = probe.payment("wh_3", order.toString());
    assertThat(anonymous.emailHash()).isNull();
    assertThat(anonymous.customerId()).isNull();
  }

  @Test
  void processedAtIsWhenTheMoneyMoved() throws Exception {
    ObjectNode order = paidOrder();
    order.put("processed_at", "2008-01-10T11:05:00-05:00");

    assertThat(probe.payment("wh_1", order.toString()).occurredAtMillis())
        .isEqualTo(millis("2008-01-10T16:05:00Z"));
  }

  @Test
  void refundsCreateIsOneRefundOfItsOrder() throws Exception {
    RefundEvent r = probe.refund("wh_rf_1", resource("refund.json", "refund").toString());

    assertThat(r.siteId()).isEqualTo("acme");
    assertThat(r.provider()).isEqualTo("shopify");
    assertThat(r.eventId()).isEqualTo("wh_rf_1");
    assertThat(r.eventType()).isEqualTo("refund");
    assertThat(r.refundKey()).isEqualTo("509562969");
    assertThat(r.paymentKey()).isEqualTo("450789469");
    assertThat(r.kind()).isEqualTo(RefundEvent.REFUND);
    // one transaction: kind refund, status success, "amount": "209.00", "currency": "USD"
    assertThat(r.amountMinor()).isEqualTo(20_900);
    assertThat(r.currency()).isEqualTo("USD");
    assertThat(r.currencyExponent()).isEqualTo(2);
    assertThat(r.cumulative()).isFalse();
    assertThat(r.full()).isFalse();
    // no processed_at: created_at, "2016-06-20T13:35:06-04:00"
    assertThat(r.occurredAtMillis()).isEqualTo(millis("2016-06-20T17:35:06Z"));
    assertThat(r.livemode()).isTrue();
    // the order it retracts is the payment of the same key
    assertThat(r.paymentConsolidationKey())
        .isEqualTo(probe.payment("wh_paid", paidOrder().toString()).consolidationKey());
  }

  @Test
  void aShippingRefundOfATestOrderCountsItsTransactionNotItsLines() throws Exception {
    RefundEvent r = probe.refund("wh_rf_2", resource("refund.shipping.json", "refund").toString());

    assertThat(r.refundKey()).isEqualTo("929361467");
    assertThat(r.paymentKey()).isEqualTo("450789469");
    // "refund_line_items": [], one transaction of "5.00" USD with "test": true
    assertThat(r.amountMinor()).isEqualTo(500);
    assertThat(r.currency()).isEqualTo("USD");
    assertThat(r.livemode()).isFalse();
    assertThat(r.occurredAtMillis()).isEqualTo(millis("2024-01-02T14:01:05Z"));
  }

  /** Hand-made transactions around the published refund: only money that moved back counts. */
  @Test
  void onlySuccessfulRefundTransactionsCount() throws Exception {
    ObjectNode body = resource("refund.json", "refund");
    ArrayNode transactions = (ArrayNode) body.get("transactions");
    ObjectNode published = (ObjectNode) transactions.get(0);
    transactions.add(published.deepCopy().put("id", 2).put("amount", "1.01"));
    transactions.add(published.deepCopy().put("id", 3).put("status", "failure"));
    transactions.add(published.deepCopy().put("id", 4).put("status", "pending"));
    transactions.add(published.deepCopy().put("id", 5).put("kind", "void"));

    assertThat(probe.refund("wh_1", body.toString()).amountMinor()).isEqualTo(20_900 + 101);

    // Nothing moved: a restock-only refund, or one whose transactions have not succeeded.
    transactions.removeAll();
    assertThat(probe.parse("wh_2", body.toString()))
        .isEqualTo(new ParseOutcome.Ignored("refund.no-money-moved"));
    transactions.add(published.deepCopy().put("status", "pending"));
    assertThat(probe.parse("wh_3", body.toString()))
        .isEqualTo(new ParseOutcome.Ignored("refund.no-money-moved"));
  }

  /** Hand-made: a product payload (products/update) is neither an order nor a refund. */
  @Test
  void otherTopicsAreIgnored() {
    String product =
        "{\"id\":632910392,\"title\":\"IPod Nano - 8GB\",\"variants\":[{\"id\":808950810,"
            + "\"price\":\"199.00\"}]}";
    String transaction =
        "{\"id\":179259969,\"order_id\":450789469,\"kind\":\"refund\",\"amount\":\"209.00\"}";

    assertThat(probe.parse("wh_1", product))
        .isEqualTo(new ParseOutcome.Ignored("not-an-order-or-refund"));
    assertThat(probe.parse("wh_2", transaction))
        .isEqualTo(new ParseOutcome.Ignored("not-an-order-or-refund"));
  }

  @Test
  void malformedBodiesAreRefusedWithAReason() throws Exception {
    assertMalformed("not json", "shopify body is not JSON");
    assertMalformed("[1]", "shopify body is not a JSON object");

    ObjectNode noId = paidOrder();
    noId.remove("id");
    assertMalformed(noId.toString(), "shopify order has no id");

    ObjectNode thirdDecimal = paidOrder();
    thirdDecimal.put("total_price", "409.945");
    assertMalformed(thirdDecimal.toString(), "shopify order.total_price has more than 2 decimals");

    ObjectNode floatTotal = paidOrder();
    floatTotal.put("total_price", 409.94);
    assertMalformed(floatTotal.toString(), "shopify order.total_price is not a decimal string");

    ObjectNode noCurrency = paidOrder();
    noCurrency.remove("currency");
    assertMalformed(noCurrency.toString(), "shopify order has no currency");

    ObjectNode unknownCurrency = paidOrder();
    unknownCurrency.put("currency", "XYZ");
    assertMalformed(unknownCurrency.toString(), "unknown currency XYZ");

    ObjectNode badTime = paidOrder();
    badTime.put("processed_at", "yesterday");
    assertMalformed(badTime.toString(), "shopify order.processed_at is not ISO-8601");

    ObjectNode refundWithoutOrder = resource("refund.json", "refund");
    refundWithoutOrder.putNull("order_id");
    assertMalformed(refundWithoutOrder.toString(), "shopify refund has no order_id");

    ObjectNode twoCurrencies = resource("refund.json", "refund");
    ArrayNode transactions = (ArrayNode) twoCurrencies.get("transactions");
    transactions.add(transactions.get(0).deepCopy());
    ((ObjectNode) transactions.get(1)).put("currency", "EUR");
    assertMalformed(twoCurrencies.toString(), "shopify refund moves money in two currencies");

    ObjectNode negative = resource("refund.json", "refund");
    ((ObjectNode) negative.get("transactions").get(0)).put("amount", "-209.00");
    assertMalformed(negative.toString(), "shopify refund transaction.amount is negative");
  }

  @Test
  void paymentApiIdsNameTheOrder() {
    assertThat(parser.paymentRef("450789469")).isEqualTo(PaymentRef.key("450789469"));
    assertThat(parser.paymentRef("gid://shopify/Order/450789469"))
        .isEqualTo(PaymentRef.key("450789469"));
    assertThat(parser.paymentRef("#1001")).isNull();
    assertThat(parser.paymentRef("")).isNull();
    assertThat(parser.refundKey("gid://shopify/Refund/509562969")).isEqualTo("509562969");
    assertThat(parser.refundKey("509562969")).isEqualTo("509562969");
  }

  private void assertMalformed(String body, String reason) {
    assertThatThrownBy(() -> probe.parse("wh_bad", body))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage(reason);
  }

  @Test
  void theOrdersFirstDiscountCodeIsTheCode() throws Exception {
    // the SDK's order: "discount_codes": [{"code": "TENOFF", "amount": "10.00"}]
    assertThat(probe.payment("wh_code_1", paidOrder().toString()).promoCode()).isEqualTo("TENOFF");

    ObjectNode order = paidOrder();
    ArrayNode codes = order.putArray("discount_codes");
    codes.addObject().put("code", "SPRING").put("amount", "5.00").put("type", "percentage");
    codes.addObject().put("code", "FREESHIP").put("amount", "0.00").put("type", "shipping");
    assertThat(probe.payment("wh_code_2", order.toString()).promoCode()).isEqualTo("SPRING");

    order.putArray("discount_codes");
    assertThat(probe.payment("wh_code_3", order.toString()).promoCode()).isNull();
  }

  @Test
  void oddCodesNeverBreakAPayment() throws Exception {
    ObjectNode order = paidOrder();
    PromoCodeCases.areHarmless(
        probe,
        order,
        (body, code) -> body.putArray("discount_codes").addObject().set("code", code));
  }

  @Test
  void theLandingSiteAndReferringSiteAreKeptAsAttributionKeepsAddresses() throws Exception {
    // the SDK's order: "landing_site": "http://www.example.com?source=abc",
    // "referring_site": "http://www.otherexample.com"
    PaymentEvent p = probe.payment("wh_land_1", paidOrder().toString());
    assertThat(p.landingUrl()).isEqualTo("http://www.example.com?source=abc");
    assertThat(p.referrerUrl()).isEqualTo("http://www.otherexample.com");

    // a path, as storefront orders record it: utm tags and click ids kept, the rest of the query
    // (a token, say) and the fragment dropped; a referrer keeps its origin and path
    ObjectNode order = paidOrder();
    order.put(
        "landing_site",
        "/products/x?utm_source=newsletter&utm_medium=email&utm_campaign=spring&key=secret#top");
    order.put("referring_site", "https://mail.example.net/inbox?u=ada@example.com");
    PaymentEvent q = probe.payment("wh_land_2", order.toString());
    assertThat(q.landingUrl())
        .isEqualTo("/products/x?utm_source=newsletter&utm_medium=email&utm_campaign=spring");
    assertThat(q.referrerUrl()).isEqualTo("https://mail.example.net/inbox");

    order.putNull("landing_site");
    order.put("referring_site", " ");
    PaymentEvent none = probe.payment("wh_land_3", order.toString());
    assertThat(none.landingUrl()).isNull();
    assertThat(none.referrerUrl()).isNull();
    assertThat(none.hasLandingEvidence()).isFalse();
  }

  @Test
  void oddAddressesNeverBreakAPayment() throws Exception {
    for (String address :
        new String[] {
          "/x?utm_source=a\u0000b&utm_campaign=\u202espring",
          "/" + "x".repeat(10_000) + "?utm_source=long",
          "/?" + "utm_term=t&".repeat(2_000),
          "http://[::1/?utm_source=broken",
          "%zz?utm_source=%zz",
          "javascript:alert(1)"
        }) {
      ObjectNode order = paidOrder();
      order.put("landing_site", address);
      order.put("referring_site", address);
      PaymentEvent p = probe.payment("wh_odd", order.toString());
      assertThat(p.amountMinor()).as(address).isEqualTo(40_994);
      for (String kept : new String[] {p.landingUrl(), p.referrerUrl()}) {
        if (kept != null) {
          assertThat(kept.length()).as(address).isLessThanOrEqualTo(PaymentEvent.MAX_URL_LENGTH);
          assertThat(kept).as(address).doesNotContain("\u0000", "\u202e");
        }
      }
    }
  }
}
