package dev.tributary.job.payments.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.job.payments.CurrencyExponents;
import dev.tributary.job.payments.Json;
import dev.tributary.job.payments.MalformedPayloadException;
import dev.tributary.job.payments.MetadataKeys;
import dev.tributary.job.payments.ParseOutcome;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.payments.PaymentParser;
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
    String provider = Json.requiredText(body, "provider", "payment");
    String providerPaymentId = Json.requiredText(body, "providerPaymentId", "payment");
    String currency = CurrencyExponents.normalize(Json.requiredText(body, "currency", "payment"));
    int exponent = CurrencyExponents.iso4217(currency);
    long amountMinor = toMinorUnits(body.get("amount"), exponent);
    long occurredAt = envelope.receivedAtMillis();
    String timestamp = Json.text(body, "timestamp");
    if (timestamp != null) {
      try {
        occurredAt = Instant.parse(timestamp).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new MalformedPayloadException("payment timestamp is not ISO-8601");
      }
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
      throw new MalformedPayloadException("payment amount is missing");
    }
    BigDecimal value;
    try {
      value = amount.isNumber() ? amount.decimalValue() : new BigDecimal(amount.asText().trim());
    } catch (NumberFormatException e) {
      throw new MalformedPayloadException("payment amount is not a decimal number");
    }
    if (value.signum() <= 0) {
      throw new MalformedPayloadException("payment amount must be > 0");
    }
    try {
      return value.movePointRight(exponent).longValueExact();
    } catch (ArithmeticException e) {
      throw new MalformedPayloadException(
          "payment amount has more than " + exponent + " fraction digits or is too large");
    }
  }
}
