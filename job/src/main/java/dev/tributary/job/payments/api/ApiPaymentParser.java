package dev.tributary.job.payments.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.job.payments.CurrencyExponents;
import dev.tributary.job.payments.Json;
import dev.tributary.job.payments.MalformedPayloadException;
import dev.tributary.job.payments.MetadataKeys;
import dev.tributary.job.payments.ParseOutcome;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.payments.PaymentParser;
import dev.tributary.job.payments.RefundEvent;
import dev.tributary.job.payments.WebhookEnvelope;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The custom Payment API ({@code POST /api/v1/payments}): a site reports money from a provider we
 * do not integrate. The amount is a decimal in major units and becomes exact minor units with the
 * ISO 4217 exponent; a value with more fraction digits than the currency has is refused rather than
 * rounded. The payment key is {@code <provider>:<providerPaymentId>}, so repeated calls for the
 * same payment merge.
 */
public final class ApiPaymentParser implements PaymentParser {

  @Override
  public String provider() {
    return "api";
  }

  @Override
  public ParseOutcome parse(WebhookEnvelope envelope, MetadataKeys keys) {
    JsonNode body = Json.readObject(envelope.body(), "payment api body");
    boolean refund = body.has("refundId");
    String what = refund ? "refund" : "payment";
    String provider = Json.requiredText(body, "provider", what);
    String providerPaymentId = Json.requiredText(body, "providerPaymentId", what);
    String currency = CurrencyExponents.normalize(Json.requiredText(body, "currency", what));
    int exponent = CurrencyExponents.iso4217(currency);
    long amountMinor = toMinorUnits(body.get("amount"), exponent);
    long occurredAt = envelope.receivedAtMillis();
    String timestamp = Json.text(body, "timestamp");
    if (timestamp != null) {
      try {
        occurredAt = Instant.parse(timestamp).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new MalformedPayloadException(what + " timestamp is not ISO-8601");
      }
    }
    if (refund) {
      return new ParseOutcome.Refund(
          RefundEvent.builder()
              .envelope(envelope)
              .eventType("api.refund")
              .paymentKey(provider + ":" + providerPaymentId)
              .refundKey(provider + ":" + Json.requiredText(body, "refundId", what))
              .amount(amountMinor, currency, exponent)
              .occurredAtMillis(occurredAt)
              .livemode(body.path("livemode").asBoolean(true))
              .build());
    }
    return new ParseOutcome.Payment(
        PaymentEvent.builder()
            .envelope(envelope)
            .eventType("api.payment")
            .paymentKey(provider + ":" + providerPaymentId)
            .amount(amountMinor, currency, exponent)
            .occurredAtMillis(occurredAt)
            .visitorId(Json.text(body, "visitorId"))
            .sessionId(Json.text(body, "sessionId"))
            .customerId(Json.text(body, "customerId"))
            .email(Json.text(body, "customerEmail"))
            .livemode(body.path("livemode").asBoolean(true))
            .build());
  }

  /** "12.30" or 12.3 with exponent 2 → 1230; "12.345" with exponent 2 is refused. */
  static long toMinorUnits(JsonNode amount, int exponent) {
    if (amount == null || !(amount.isNumber() || amount.isTextual())) {
      throw new MalformedPayloadException("amount is missing");
    }
    BigDecimal value;
    try {
      value = amount.isNumber() ? amount.decimalValue() : new BigDecimal(amount.asText().trim());
    } catch (NumberFormatException e) {
      throw new MalformedPayloadException("amount is not a decimal number");
    }
    if (value.signum() <= 0) {
      throw new MalformedPayloadException("amount must be > 0");
    }
    try {
      return value.movePointRight(exponent).longValueExact();
    } catch (ArithmeticException e) {
      throw new MalformedPayloadException(
          "amount has more than " + exponent + " fraction digits or is too large");
    }
  }
}
