package dev.tributary.job.payments.gumroad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.job.base.EmailHash;
import dev.tributary.job.base.MalformedPayloadException;
import dev.tributary.job.payments.MetadataKeys;
import dev.tributary.job.payments.ParseOutcome;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.payments.RefundEvent;
import dev.tributary.job.testing.Envelopes;
import dev.tributary.job.testing.ParserProbe;
import dev.tributary.job.testing.PromoCodeCases;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GumroadParserTest {
  private final GumroadParser parser = new GumroadParser();

  private ParseOutcome parse(String body) {
    return parser.parse(
        Envelopes.parsed("acme", "gumroad", "gr_dlv_9", body), MetadataKeys.DEFAULT);
  }

  private PaymentEvent payment(String body) {
    return ((ParseOutcome.Payment) parse(body)).event();
  }

  private RefundEvent refund(String body) {
    return ((ParseOutcome.Refund) parse(body)).event();
  }

  /** Form-encodes the pairs the way an HTTP client does (brackets in keys percent-encoded). */
  private static String form(Map<String, String> pairs) {
    return pairs.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  /** A sale ping with the fields of Gumroad's Ping documentation. */
  private static Map<String, String> sale() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("seller_id", "kL0psVL2admJSYRNs-OCMg==");
    m.put("product_id", "32-nPAicqbLj8B_WswVlMw==");
    m.put("product_name", "Pencil");
    m.put("permalink", "pencil");
    m.put("product_permalink", "https://sahil.gumroad.com/l/pencil");
    m.put("short_product_id", "pencil");
    m.put("email", " Ada@Example.com ");
    m.put("price", "4900");
    m.put("gumroad_fee", "471");
    m.put("currency", "eur");
    m.put("quantity", "1");
    m.put("discover_fee_charged", "false");
    m.put("can_contact", "true");
    m.put("referrer", "https://example.com/blog");
    m.put("card[visual]", "**** **** **** 4242");
    m.put("card[type]", "visa");
    m.put("order_number", "524459935");
    m.put("sale_id", "FO8TXN-dbxYaBdahG97Y-Q==");
    m.put("sale_timestamp", "2021-01-05T19:38:56Z");
    m.put("purchaser_id", "5550321502811");
    m.put("url_params[tributary_visitor_id]", "v_1");
    m.put("url_params[tributary_session_id]", "s_1");
    m.put("url_params[utm_source]", "newsletter");
    m.put("ip_country", "United States");
    m.put("is_gift_receiver_purchase", "false");
    m.put("refunded", "false");
    m.put("resource_name", "sale");
    m.put("disputed", "false");
    m.put("dispute_won", "false");
    return m;
  }

  private static void assertMalformed(Runnable r, String reason) {
    assertThatThrownBy(r::run).isInstanceOf(MalformedPayloadException.class).hasMessage(reason);
  }

  @Test
  void salePingIsAPaymentInUsdCentsWithTheUrlParamsLinks() {
    PaymentEvent p = payment(form(sale()));

    assertThat(parser.provider()).isEqualTo("gumroad");
    assertThat(p.siteId()).isEqualTo("acme");
    assertThat(p.provider()).isEqualTo("gumroad");
    assertThat(p.paymentKey()).isEqualTo("FO8TXN-dbxYaBdahG97Y-Q==");
    assertThat(p.eventId()).isEqualTo("gr_dlv_9");
    assertThat(p.eventType()).isEqualTo("sale");
    // "price: The price paid, in USD cents", whatever the listing currency ("eur" here).
    assertThat(p.amountMinor()).isEqualTo(4900);
    assertThat(p.currency()).isEqualTo("USD");
    assertThat(p.currencyExponent()).isEqualTo(2);
    assertThat(p.occurredAtMillis())
        .isEqualTo(Instant.parse("2021-01-05T19:38:56Z").toEpochMilli());
    assertThat(p.visitorId()).isEqualTo("v_1");
    assertThat(p.sessionId()).isEqualTo("s_1");
    assertThat(p.customerId()).isEqualTo("5550321502811");
    assertThat(p.emailHash()).isEqualTo(EmailHash.of("ada@example.com")).hasSize(64);
    assertThat(p.subscriptionId()).isNull();
    assertThat(p.renewal()).isFalse();
    assertThat(p.livemode()).isTrue();
  }

  @Test
  void unencodedBracketsAndCustomFieldsAlsoCarryTheLinks() {
    String body =
        "sale_id=s1&price=100&custom_fields[tributary_visitor_id]=v_cf&tributary_session_id=s_top";
    PaymentEvent p = payment(body);
    assertThat(p.visitorId()).isEqualTo("v_cf");
    assertThat(p.sessionId()).isEqualTo("s_top");
    assertThat(p.occurredAtMillis())
        .isEqualTo(Instant.parse("2026-11-23T10:00:00Z").toEpochMilli());
  }

  @Test
  void recurringChargeIsARenewalOfItsSubscriptionAndTestPurchasesAreNotLive() {
    Map<String, String> m = sale();
    m.put("is_recurring_charge", "true");
    m.put("subscription_id", "GDzW4_aBdQc-o7Gbjng7lw==");
    m.put("recurrence", "monthly");
    m.put("test", "true");

    PaymentEvent p = payment(form(m));

    assertThat(p.renewal()).isTrue();
    assertThat(p.subscriptionId()).isEqualTo("GDzW4_aBdQc-o7Gbjng7lw==");
    assertThat(p.livemode()).isFalse();
  }

  @Test
  void giftIsBookedAtTheGiftersPrice() {
    Map<String, String> m = sale();
    m.put("is_gift_receiver_purchase", "true");
    m.put("price", "0");
    m.put("gift_price", "1500");
    m.put("gifter_email", "giver@example.com");

    PaymentEvent p = payment(form(m));

    assertThat(p.amountMinor()).isEqualTo(1500);
    assertThat(p.emailHash()).isEqualTo(EmailHash.of("giver@example.com"));
  }

  @Test
  void jsonPingIsReadLikeTheFormPing() {
    String body =
        """
        {"sale_id":"j1","price":2500,"currency":"usd","email":"a@b.co","is_recurring_charge":true,
         "subscription_id":"sub_j","url_params":{"tributary_visitor_id":"v_j"},"test":true,
         "sale_timestamp":"2024-05-01T12:00:00-07:00","refunded":false}""";

    PaymentEvent p = payment(body);

    assertThat(p.paymentKey()).isEqualTo("j1");
    assertThat(p.amountMinor()).isEqualTo(2500);
    assertThat(p.visitorId()).isEqualTo("v_j");
    assertThat(p.renewal()).isTrue();
    assertThat(p.livemode()).isFalse();
    assertThat(p.occurredAtMillis())
        .isEqualTo(Instant.parse("2024-05-01T19:00:00Z").toEpochMilli());
  }

  @Test
  void refundPingIsAFullRefundWithoutAmount() {
    Map<String, String> m = sale();
    m.put("resource_name", "refund");
    m.put("refunded", "true");

    RefundEvent r = refund(form(m));

    assertThat(r.paymentKey()).isEqualTo("FO8TXN-dbxYaBdahG97Y-Q==");
    assertThat(r.refundKey()).isNull();
    assertThat(r.eventId()).isEqualTo("gr_dlv_9");
    assertThat(r.eventType()).isEqualTo("refund");
    assertThat(r.kind()).isEqualTo(RefundEvent.REFUND);
    assertThat(r.full()).isTrue();
    assertThat(r.cumulative()).isFalse();
    assertThat(r.amountMinor()).isZero();
    assertThat(r.currency()).isEqualTo("USD");
    assertThat(r.currencyExponent()).isEqualTo(2);
    assertThat(r.livemode()).isTrue();
    assertThat(r.occurredAtMillis())
        .isEqualTo(Instant.parse("2026-11-23T10:00:00Z").toEpochMilli());
    assertThat(r.paymentConsolidationKey()).isEqualTo("acme|gumroad|FO8TXN-dbxYaBdahG97Y-Q==");
  }

  @Test
  void salePingResentAfterARefundIsAFullRefund() {
    Map<String, String> m = sale();
    m.put("refunded", "true");
    m.put("test", "true");

    RefundEvent r = refund(form(m));

    assertThat(r.full()).isTrue();
    assertThat(r.eventType()).isEqualTo("sale");
    assertThat(r.livemode()).isFalse();
  }

  @Test
  void disputeIsAFullChargeback() {
    Map<String, String> m = sale();
    m.put("resource_name", "dispute");
    m.put("disputed", "true");

    RefundEvent r = refund(form(m));

    assertThat(r.kind()).isEqualTo(RefundEvent.CHARGEBACK);
    assertThat(r.full()).isTrue();
    assertThat(r.paymentKey()).isEqualTo("FO8TXN-dbxYaBdahG97Y-Q==");
  }

  @Test
  void pingsWithoutBookableMoneyAreIgnored() {
    Map<String, String> partial = sale();
    partial.put("resource_name", "refund");
    assertThat(parse(form(partial))).isEqualTo(new ParseOutcome.Ignored("refund:partial"));

    Map<String, String> preorder = sale();
    preorder.put("is_preorder_authorization", "true");
    assertThat(parse(form(preorder)))
        .isEqualTo(new ParseOutcome.Ignored("sale:preorder_authorization"));

    assertThat(parse("subscription_id=sub_1&resource_name=cancellation&cancelled=true"))
        .isEqualTo(new ParseOutcome.Ignored("cancellation"));
    Map<String, String> won = sale();
    won.put("resource_name", "dispute_won");
    assertThat(parse(form(won))).isEqualTo(new ParseOutcome.Ignored("dispute_won"));
  }

  @Test
  void malformedBodiesAreRejectedWithAReasonNamingTheField() {
    assertMalformed(() -> parse("not form data"), "gumroad body is not form data");
    assertMalformed(() -> parse("sale_id=%zz&price=1"), "gumroad body is not form data");
    assertMalformed(() -> parse("{not json"), "gumroad body is not JSON");

    Map<String, String> noPrice = sale();
    noPrice.remove("price");
    assertMalformed(() -> parse(form(noPrice)), "gumroad ping has no price");

    Map<String, String> decimal = sale();
    decimal.put("price", "49.00");
    assertMalformed(() -> parse(form(decimal)), "gumroad ping price is not an integer of cents");

    Map<String, String> words = sale();
    words.put("price", "free");
    assertMalformed(() -> parse(form(words)), "gumroad ping price is not an integer of cents");

    Map<String, String> noSale = sale();
    noSale.remove("sale_id");
    assertMalformed(() -> parse(form(noSale)), "gumroad ping has no sale_id");

    Map<String, String> refundNoSale = sale();
    refundNoSale.remove("sale_id");
    refundNoSale.put("resource_name", "refund");
    refundNoSale.put("refunded", "true");
    assertMalformed(() -> parse(form(refundNoSale)), "gumroad ping has no sale_id");

    Map<String, String> badTime = sale();
    badTime.put("sale_timestamp", "last tuesday");
    assertMalformed(() -> parse(form(badTime)), "gumroad ping.sale_timestamp is not ISO-8601");
  }

  @Test
  void parserIsSerializable() throws Exception {
    try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
      out.writeObject(parser);
    }
  }

  @Test
  void theSalesOfferCodeIsItsCode() {
    // Gumroad's Ping documentation: "offer_code: If present"
    assertThat(payment(form(sale())).promoCode()).isNull();

    Map<String, String> m = sale();
    m.put("offer_code", "LAUNCH50");
    assertThat(payment(form(m)).promoCode()).isEqualTo("LAUNCH50");
    // form-encoded control characters go like any other text's
    m.put("offer_code", "LAUNCH\u000050");
    assertThat(payment(form(m)).promoCode()).isEqualTo("LAUNCH50");
  }

  @Test
  void oddCodesNeverBreakAPayment() {
    ObjectNode ping = JsonNodeFactory.instance.objectNode();
    sale().forEach(ping::put);
    PromoCodeCases.areHarmless(
        new ParserProbe(parser), ping, (body, code) -> body.set("offer_code", code));
  }
}
