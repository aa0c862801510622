package dev.tributary.job.payments.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.job.payments.MalformedPayloadException;
import dev.tributary.job.payments.MetadataKeys;
import dev.tributary.job.payments.ParseOutcome;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.testing.Envelopes;
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
}
