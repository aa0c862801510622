package dev.tributary.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a Payment API body, payment or refund, field by field (rules in the root README, "Wire
 * formats"). The gateway still forwards the raw body; this only makes sure a bad call is refused at
 * the door, where the caller can fix it, rather than dead-lettered later in the job.
 *
 * <p>Both go to Kafka as provider {@code api}; the job tells a refund by its {@code refundId}. So a
 * payment must not carry one, and a refund must.
 */
final class PaymentValidator {

  private static final Pattern PROVIDER = Pattern.compile("[a-z0-9_-]{1,32}");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final Pattern DECIMAL = Pattern.compile("-?[0-9]{1,40}(\\.[0-9]{1,40})?");

  /**
   * Far above any real payment, and low enough that minor units fit a 64-bit integer for every
   * currency with up to 3 decimals, also where a provider counts more decimals than ISO 4217
   * (Stripe books ISK in hundredths). A 4-decimal currency (the JDK knows CLF) is checked exactly.
   */
  private static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000000000");

  private static final BigDecimal MAX_MINOR_UNITS = BigDecimal.valueOf(Long.MAX_VALUE);

  /**
   * The earliest {@code timestamp}: merchants backfill history, but nothing was paid through this
   * API before the Unix epoch, and an instant before it is a unit or sign mistake.
   */
  static final Instant EARLIEST = Instant.EPOCH;

  /** How far ahead of our clock a {@code timestamp} may be: clock skew and time zones, no more. */
  static final Duration MAX_AHEAD = Duration.ofHours(24);

  private static final int MAX_EMAIL_LENGTH = 254;
  private static final int MAX_ID_LENGTH = 200;
  private static final int MAX_REASON_LENGTH = 500;

  /** The job keeps promotion codes up to this length; no provider issues longer ones. */
  static final int MAX_PROMO_CODE_LENGTH = 100;

  private static final String REFUND_ID = "refundId";

  private PaymentValidator() {}

  /**
   * A payment ({@code POST /api/v1/payments}). Throws a 400 listing every invalid field; returns
   * normally when the body is acceptable.
   *
   * @param now the gateway's clock, the upper bound of {@code timestamp}
   */
  static void validatePayment(ObjectNode body, Instant now) {
    Fields fields = new Fields(body);
    if (body.has(REFUND_ID)) {
      fields.error(REFUND_ID, "belongs to /api/v1/refunds: a body with refundId is a refund");
    }
    money(fields);
    fields.optional("visitorId", Fields.ID);
    fields.optional("sessionId", Fields.ID);
    fields.optional("customerId", MAX_ID_LENGTH);
    fields.optional("promoCode", MAX_PROMO_CODE_LENGTH);
    String email = fields.optional("customerEmail", MAX_EMAIL_LENGTH);
    if (email != null && email.indexOf('@') < 0) {
      fields.error("customerEmail", "must be an email address");
    }
    timestamp(fields, now);
    JsonNode livemode = fields.node("livemode");
    if (livemode != null && !livemode.isBoolean()) {
      fields.error("livemode", "must be true or false");
    }
    metadata(fields);
    fields.throwIfInvalid();
  }

  /**
   * A refund ({@code POST /api/v1/refunds}) of a payment reported earlier: {@code refundId}
   * required, the refunded {@code amount} in the payment's currency, optional {@code timestamp} and
   * {@code reason}. Throws a 400 listing every invalid field.
   *
   * @param now the gateway's clock, the upper bound of {@code timestamp}
   */
  static void validateRefund(ObjectNode body, Instant now) {
    Fields fields = new Fields(body);
    money(fields);
    fields.required(REFUND_ID, MAX_ID_LENGTH);
    fields.optional("reason", MAX_REASON_LENGTH, TextHygiene.Rule.TEXT);
    timestamp(fields, now);
    metadata(fields);
    fields.throwIfInvalid();
  }

  /** What payments and refunds share: provider, payment id, amount and currency. */
  private static void money(Fields fields) {
    fields.required("provider", PROVIDER);
    fields.required("providerPaymentId", MAX_ID_LENGTH);
    BigDecimal amount = amount(fields);
    Currency currency = currency(fields);
    if (amount != null && currency != null) {
      int allowed = currency.getDefaultFractionDigits();
      if (Math.max(0, amount.stripTrailingZeros().scale()) > allowed) {
        fields.error(
            "amount",
            "must have at most " + allowed + " decimal places for " + currency.getCurrencyCode());
      } else if (amount.movePointRight(allowed).compareTo(MAX_MINOR_UNITS) > 0) {
        fields.error(
            "amount",
            "must be at most "
                + MAX_MINOR_UNITS.movePointLeft(allowed).toPlainString()
                + " for "
                + currency.getCurrencyCode()
                + ": its minor units must fit a signed 64-bit integer");
      }
    }
  }

  private static BigDecimal amount(Fields fields) {
    JsonNode node = fields.node("amount");
    BigDecimal amount;
    if (node == null) {
      fields.error("amount", "is required");
      return null;
    } else if (node.isNumber()) {
      amount = node.decimalValue();
    } else if (node.isTextual() && DECIMAL.matcher(node.textValue()).matches()) {
      amount = new BigDecimal(node.textValue());
    } else {
      fields.error("amount", "must be a decimal string such as \"49.99\" or a JSON number");
      return null;
    }
    if (amount.signum() <= 0) {
      fields.error("amount", "must be > 0");
      return null;
    }
    if (amount.compareTo(MAX_AMOUNT) >= 0) {
      fields.error("amount", "must be less than " + MAX_AMOUNT.toPlainString());
      return null;
    }
    return amount;
  }

  private static Currency currency(Fields fields) {
    String code = fields.required("currency", CURRENCY);
    if (code == null) {
      return null;
    }
    try {
      Currency currency = Currency.getInstance(code);
      if (currency.getDefaultFractionDigits() >= 0) {
        return currency;
      }
    } catch (IllegalArgumentException e) {
      // Unknown code: reported below like a currency without minor units.
    }
    fields.error("currency", "must be an ISO 4217 currency code such as EUR");
    return null;
  }

  /**
   * An optional ISO-8601 instant from {@link #EARLIEST} to {@link #MAX_AHEAD} after {@code now}.
   * {@link Instant#parse} accepts years up to ±1,000,000,000, whose epoch milliseconds overflow a
   * {@code long} in the job.
   */
  private static void timestamp(Fields fields, Instant now) {
    String timestamp = fields.optional("timestamp", 64);
    if (timestamp == null) {
      return;
    }
    Instant instant;
    try {
      instant = Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      fields.error("timestamp", "must be an ISO-8601 instant such as 2026-11-23T10:00:00Z");
      return;
    }
    if (instant.isBefore(EARLIEST)) {
      fields.error("timestamp", "must not be before 1970-01-01T00:00:00Z");
    } else if (instant.isAfter(now.plus(MAX_AHEAD))) {
      fields.error("timestamp", "must not be more than 24 hours ahead of the gateway's clock");
    }
  }

  /**
   * The optional checkout-style {@code metadata} object the job reads the tracker's ids from. Keys
   * are checked as identifiers, string values (at any depth) as free text; other values pass.
   */
  private static void metadata(Fields fields) {
    JsonNode metadata = fields.node("metadata");
    if (metadata == null) {
      return;
    }
    if (!metadata.isObject()) {
      fields.error("metadata", "must be an object");
      return;
    }
    walk(fields, "metadata", metadata);
  }

  private static void walk(Fields fields, String path, JsonNode node) {
    if (node.isTextual()) {
      fields.clean(path, node.textValue(), TextHygiene.Rule.TEXT);
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(fields, path + "[" + i + "]", node.get(i));
      }
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        String problem = TextHygiene.problem(entry.getKey(), TextHygiene.Rule.IDENTIFIER);
        if (problem != null) {
          // The key itself is bad: name the object, not the key.
          fields.error(path, "keys " + problem);
        } else {
          walk(fields, path + "." + entry.getKey(), entry.getValue());
        }
      }
    }
  }
}
