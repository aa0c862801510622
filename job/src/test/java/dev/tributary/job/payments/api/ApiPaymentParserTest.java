package dev.tributary.job.payments.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.job.base.MalformedPayloadException;
import dev.tributary.job.payments.MetadataKeys;
import dev.tributary.job.payments.ParseOutcome;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.testing.Envelopes;
import dev.tributary.job.testing.ParserProbe;
import dev.tributary.job.testing.PromoCodeCases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiPaymentParserTest {
  private final ApiPaymentParser parser = new ApiPaymentParser();

  private PaymentEvent parse(String body) {
    return ((ParseOutcome.Payment)
            parser.parse(Envelopes.parsed("acme", "api", body), MetadataKeys.DEFAULT))
        .event();
  }

  @ParameterizedTest
  @CsvSource({
    "'\"49.99\"', EUR, 4999",
    "49.99, EUR, 4999",
    "'\"1000\"', JPY, 1000",
    "'\"1.234\"', KWD, 1234",
    "'\"0.1\"', USD, 10",
    "'\"12345678901.23\"', USD, 1234567890123"
  })
  void decimalAmountsBecomeExactMinorUnits(String amount, String currency, long minor) {
    PaymentEvent p =
        parse(
            """
            {"provider":"shop","providerPaymentId":"o1","amount":%s,"currency":"%s",
             "visitorId":"v_1","sessionId":"s_1","timestamp":"2026-11-23T09:00:00Z"}"""
                .formatted(amount, currency));
    assertThat(p.amountMinor()).isEqualTo(minor);
    assertThat(p.currency()).isEqualTo(currency);
    assertThat(p.paymentKey()).isEqualTo("shop:o1");
    assertThat(p.provider()).isEqualTo("api");
    assertThat(p.visitorId()).isEqualTo("v_1");
    assertThat(p.occurredAtMillis())
        .isEqualTo(java.time.Instant.parse("2026-11-23T09:00:00Z").toEpochMilli());
  }

  @Test
  void moreFractionDigitsThanTheCurrencyHasIsRefusedNotRounded() {
    assertThatThrownBy(
            () ->
                parse(
                    "{\"provider\":\"shop\",\"providerPaymentId\":\"o1\",\"amount\":\"1.005\",\"currency\":\"USD\"}"))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessageContaining("more than 2 fraction digits");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"provider\":\"shop\",\"providerPaymentId\":\"o1\",\"amount\":\"5\",\"currency\":\"XYZ\"}"))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("unknown currency XYZ");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"provider\":\"shop\",\"providerPaymentId\":\"o1\",\"amount\":\"-5\",\"currency\":\"USD\"}"))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("amount must be > 0");
  }

  @Test
  void missingTimestampMeansTheGatewayReceiveTime() {
    PaymentEvent p =
        parse(
            "{\"provider\":\"shop\",\"providerPaymentId\":\"o2\",\"amount\":1,\"currency\":\"USD\"}");
    assertThat(p.occurredAtMillis()).isEqualTo(p.receivedAtMillis());
    assertThat(p.amountMinor()).isEqualTo(100);
  }

  /** The Payment API as the job runs it: with every integrated provider to merge with. */
  private static ParseOutcome parseIntegrated(String body) {
    return dev.tributary.job.payments.providers.PaymentProviders.parsers()
        .parse(Envelopes.parsed("acme", "api", body), MetadataKeys.DEFAULT);
  }

  @Test
  void theGuidesStripeExampleIsBookedUnderTheStripePaymentIntentWithItsLinks() {
    // PostMetric's POST /api/v1/payment example, as written
    PaymentEvent p =
        ((ParseOutcome.Payment)
                parseIntegrated(
                    """
                    {"provider": "stripe", "providerPaymentId": "pi_1234567890",
                     "amount": 99.99, "currency": "USD", "customerEmail": "customer@example.com",
                     "visitorId": "visitor_123", "sessionId": "session_456",
                     "metadata": {"orderId": "order_789"}}"""))
            .event();
    assertThat(p.provider()).isEqualTo("stripe");
    assertThat(p.paymentKey()).isEqualTo("pi_1234567890");
    assertThat(p.amountMinor()).isEqualTo(9999);
    assertThat(p.visitorId()).isEqualTo("visitor_123");
    assertThat(p.sessionId()).isEqualTo("session_456");
    assertThat(p.emailHash()).isNotNull();
    assertThat(p.fromPaymentApi()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "stripe, pi_1, USD, 12.34, stripe, pi_1, , 1234",
    "Stripe, cs_test_1, USD, 12.34, stripe, , cs_test_1, 1234",
    "stripe, ch_1, USD, 12.34, stripe, , ch_1, 1234",
    // Stripe counts ISK in two decimals, ISO 4217 in none
    "stripe, pi_isk, ISK, 500, stripe, pi_isk, , 50000",
    "paddle, txn_01h, EUR, 10, paddle, txn_01h, , 1000",
    "lemon_squeezy, 1234, USD, 10, lemonsqueezy, order:1234, , 1000",
    "razorpay, pay_29QQoUBi66xm2f, INR, 10, razorpay, pay_29QQoUBi66xm2f, , 1000",
    "dodo_payments, pay_x1, USD, 10, dodo, pay_x1, , 1000",
    "polar, 9b2f5b1e-0000-4000-8000-000000000001, USD, 10, polar,"
        + " 9b2f5b1e-0000-4000-8000-000000000001, , 1000",
    "gumroad, sale_1, USD, 10, gumroad, sale_1, , 1000",
    "shopify, 5551, USD, 10, shopify, 5551, , 1000",
    "Shopify, gid://shopify/Order/5551, USD, 10, shopify, 5551, , 1000",
    "WooCommerce, 727, USD, 29.35, woocommerce, 727, , 2935",
    // not one of the provider's payment ids, or not a provider we integrate: stands alone
    "stripe, order_77, USD, 10, api, stripe:order_77, , 1000",
    "shopify, #1001, USD, 10, api, shopify:#1001, , 1000",
    "bigcommerce, 5551, USD, 10, api, bigcommerce:5551, , 1000"
  })
  void aCallNamingAnIntegratedProvidersIdIsBookedWhereItsWebhooksBookTheMoney(
      String provider,
      String id,
      String currency,
      String amount,
      String bookedProvider,
      String paymentKey,
      String linkKey,
      long minor) {
    PaymentEvent p =
        ((ParseOutcome.Payment)
                parseIntegrated(
                    """
                    {"provider":"%s","providerPaymentId":"%s","amount":"%s","currency":"%s"}"""
                        .formatted(provider, id, amount, currency)))
            .event();
    assertThat(p.provider()).isEqualTo(bookedProvider);
    assertThat(p.paymentKey()).isEqualTo(paymentKey);
    assertThat(p.linkKey()).isEqualTo(linkKey);
    assertThat(p.amountMinor()).isEqualTo(minor);
  }

  @Test
  void aRefundOfStripeMoneyIsKeyedAsStripesOwnRefundEvent() {
    var r =
        ((ParseOutcome.Refund)
                parseIntegrated(
                    """
                    {"provider":"stripe","providerPaymentId":"pi_1","refundId":"re_1",
                     "amount":"5.00","currency":"USD"}"""))
            .event();
    assertThat(r.provider()).isEqualTo("stripe");
    assertThat(r.paymentKey()).isEqualTo("pi_1");
    assertThat(r.refundKey()).isEqualTo("re_1");
    assertThat(r.amountMinor()).isEqualTo(500);
  }

  @Test
  void peerToolsMetadataKeysLinkTheVisitorAndSession() {
    PaymentEvent p =
        ((ParseOutcome.Payment)
                parseIntegrated(
                    """
                    {"provider":"shop","providerPaymentId":"o9","amount":"1","currency":"USD",
                     "metadata":{"datafast_visitor_id":"v_df","metrivo_session_id":"s_mv"}}"""))
            .event();
    assertThat(p.visitorId()).isEqualTo("v_df");
    assertThat(p.sessionId()).isEqualTo("s_mv");
  }

  @Test
  void thePromoCodeIsTheCallers() {
    String call =
        """
        {"provider":"shop","providerPaymentId":"o1","amount":"10.00","currency":"EUR"%s}""";
    assertThat(parse(call.formatted("")).promoCode()).isNull();
    assertThat(parse(call.formatted(",\"promoCode\":\"SPRING20\"")).promoCode())
        .isEqualTo("SPRING20");
  }

  @Test
  void oddCodesNeverBreakAPayment() {
    ObjectNode call =
        JsonNodeFactory.instance
            .objectNode()
            .put("provider", "shop")
            .put("providerPaymentId", "o1")
            .put("amount", "10.00")
            .put("currency", "EUR");
    PromoCodeCases.areHarmless(
        new ParserProbe(parser), call, (body, code) -> body.set("promoCode", code));
  }
}
