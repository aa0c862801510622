package dev.tributary.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Currency;
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

  /** Far above any real payment, and low enough that minor units fit a 64-bit integer. */
  private static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000000000");

  private static final int MAX_EMAIL_LENGTH = 254;
  private static final int MAX_ID_LENGTH = 200;
  private static final int MAX_REASON_LENGTH = 500;
  private static final String REFUND_ID = "refundId";

  private PaymentValidator() {}

  /**
   * A payment ({@code POST /api/v1/payments}). Throws a 400 listing every invalid field; returns
   * normally when the body is acceptable.
   */
  static void validatePayment(ObjectNode body) {
    Fields fields = new Fields(body);
    if (body.has(REFUND_ID)) {
      fields.error(REFUND_ID, "belongs to /api/v1/refunds: a body with refundId is a refund");
    }
    money(fields);
    fields.optional("visitorId", Fields.ID);
    fields.optional("sessionId", Fields.ID);
    fields.optional("customerId", 200);
    String email = fields.optional("customerEmail", MAX_EMAIL_LENGTH);
    if (email != null && email.indexOf('@') < 0) {
      fields.error("customerEmail", "must be an email address");
    }
    timestamp(fields);
    JsonNode livemode = fields.node("livemode");
    if (livemode != null && !livemode.isBoolean()) {
      fields.error("livemode", "must be true or false");
    }
    fields.throwIfInvalid();
  }

  /**
   * A refund ({@code POST /api/v1/refunds}) of a payment reported earlier: {@code refundId}
   * required, the refunded {@code amount} in the payment's currency, optional {@code timestamp} and
   * {@code reason}. Throws a 400 listing every invalid field.
   */
  static void validateRefund(ObjectNode body) {
    Fields fields = new Fields(body);
    money(fields);
    fields.required(REFUND_ID, MAX_ID_LENGTH);
    fields.optional("reason", MAX_REASON_LENGTH);
    timestamp(fields);
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

  private static void timestamp(Fields fields) {
    String timestamp = fields.optional("timestamp", 64);
    if (timestamp == null) {
      return;
    }
    try {
      Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      fields.error("timestamp", "must be an ISO-8601 instant such as 2026-11-23T10:00:00Z");
    }
  }
}
