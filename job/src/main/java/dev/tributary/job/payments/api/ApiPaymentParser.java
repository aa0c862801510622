package dev.tributary.job.payments.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.job.base.Json;
import dev.tributary.job.base.MalformedPayloadException;
import dev.tributary.job.base.MinorUnits;
import dev.tributary.job.payments.CurrencyExponents;
import dev.tributary.job.payments.MetadataKeys;
import dev.tributary.job.payments.ParseOutcome;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.payments.PaymentParser;
import dev.tributary.job.payments.PaymentRef;
import dev.tributary.job.payments.RefundEvent;
import dev.tributary.job.payments.WebhookEnvelope;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The custom Payment API ({@code POST /api/v1/payment[s]}, {@code /api/v1/refunds}): a site reports
 * money itself. The amount is a decimal in major units and becomes exact minor units; a value with
 * more fraction digits than the currency has is refused rather than rounded.
 *
 * <p>One money, one payment, whichever door it came through: a call that names an integrated
 * provider and one of that provider's own payment ids ({@code stripe} + {@code pi_…}, {@code
 * paddle} + {@code txn_…}, …; see {@link PaymentParser#paymentRef}) is booked under that provider's
 * key, in that provider's minor units, so that it consolidates with the provider's webhooks for the
 * same money: counted once, the evidence of both merged, and where they disagree the signed
 * webhook's amount, currency and mode stand ({@link PaymentEvent#mergedWith}). Any other call
 * stands alone under provider {@code api} with the key {@code <provider>:<providerPaymentId>}, so
 * repeated calls for the same payment merge.
 *
 * <p>The optional {@code promoCode} (at most 100 characters, checked by the gateway) is the code
 * the payer used, as the caller names it.
 */
public final class ApiPaymentParser implements PaymentParser {

  private final Map<String, PaymentParser> integrated;

  /** A Payment API with no integrated provider to merge with. */
  public ApiPaymentParser() {
    this(List.of());
  }

  /**
   * @param integrated the providers whose webhooks a call may describe the same money as
   */
  public ApiPaymentParser(List<PaymentParser> integrated) {
    Map<String, PaymentParser> byName = new HashMap<>();
    for (PaymentParser p : integrated) {
      byName.put(p.provider(), p);
    }
    this.integrated = Map.copyOf(byName);
  }

  @Override
  public String provider() {
    return "api";
  }

  @Override
  public ParseOutcome parse(WebhookEnvelope envelope, MetadataKeys keys) {
    JsonNode body = Json.readObject(envelope.body(), "payment api body");
    boolean refund = body.has("refundId");
    String what = refund ? "refund" : "payment";
    String named = Json.requiredText(body, "provider", what);
    String providerPaymentId = Json.requiredText(body, "providerPaymentId", what);
    String currency = CurrencyExponents.normalize(Json.requiredText(body, "currency", what));
    PaymentParser provider = integrated.get(canonicalName(named));
    PaymentRef ref = provider == null ? null : provider.paymentRef(providerPaymentId);
    if (ref == null) {
      provider = this;
      ref = PaymentRef.key(named + ":" + providerPaymentId);
    }
    int exponent = provider.exponent(currency);
    long amountMinor = toMinorUnits(body.get("amount"), exponent);
    long occurredAt = envelope.receivedAtMillis();
    String timestamp = Json.text(body, "timestamp");
    if (timestamp != null) {
      try {
        occurredAt = Instant.parse(timestamp).toEpochMilli();
      } catch (DateTimeParseException | ArithmeticException e) {
        throw new MalformedPayloadException(
            what + " timestamp is not an ISO-8601 instant in range");
      }
    }
    boolean livemode = body.path("livemode").asBoolean(true);
    // the body's own visitorId/sessionId fields, else a checkout-style metadata object
    JsonNode metadata = body.get("metadata");
    if (refund) {
      String refundId = Json.requiredText(body, "refundId", what);
      String paymentKey = ref.paymentKey() != null ? ref.paymentKey() : ref.linkKey();
      return new ParseOutcome.Refund(
          RefundEvent.builder()
              .envelope(envelope)
              .provider(provider.provider())
              .eventType(PaymentEvent.API_EVENT_PREFIX + "refund")
              .paymentKey(paymentKey)
              .refundKey(provider == this ? named + ":" + refundId : provider.refundKey(refundId))
              .amount(amountMinor, currency, exponent)
              .occurredAtMillis(occurredAt)
              .livemode(livemode)
              .build());
    }
    return new ParseOutcome.Payment(
        PaymentEvent.builder()
            .envelope(envelope)
            .provider(provider.provider())
            .eventType(PaymentEvent.API_EVENT_PREFIX + "payment")
            .paymentKey(ref.paymentKey())
            .linkKey(ref.linkKey())
            .amount(amountMinor, currency, exponent)
            .occurredAtMillis(occurredAt)
            .visitorId(firstNonNull(Json.text(body, "visitorId"), keys.visitorId(metadata)))
            .sessionId(firstNonNull(Json.text(body, "sessionId"), keys.sessionId(metadata)))
            .customerId(Json.text(body, "customerId"))
            .email(Json.text(body, "customerEmail"))
            .livemode(livemode)
            .promoCode(Json.text(body, "promoCode"))
            .build());
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }

  /**
   * "Stripe", "lemon_squeezy", "Lemon Squeezy", "dodo-payments", "creem.io" → the job's provider
   * names.
   */
  static String canonicalName(String provider) {
    String n = provider.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "");
    return switch (n) {
      case "dodopayments" -> "dodo";
      case "polarsh" -> "polar";
      case "creemio" -> "creem";
      default -> n;
    };
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
      return MinorUnits.of(value, exponent);
    } catch (ArithmeticException e) {
      throw new MalformedPayloadException(
          "amount has more than " + exponent + " fraction digits or is too large");
    }
  }
}
