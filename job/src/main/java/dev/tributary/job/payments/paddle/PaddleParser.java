package dev.tributary.job.payments.paddle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.job.base.Json;
import dev.tributary.job.base.MalformedPayloadException;
import dev.tributary.job.payments.CurrencyExponents;
import dev.tributary.job.payments.MetadataKeys;
import dev.tributary.job.payments.ParseOutcome;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.payments.PaymentParser;
import dev.tributary.job.payments.PaymentRef;
import dev.tributary.job.payments.RefundEvent;
import dev.tributary.job.payments.WebhookEnvelope;

/**
 * Paddle Billing notifications: {@code {"event_id","event_type","occurred_at","data"}}.
 *
 * <p>Paddle handles money as a string of the currency's lowest denomination (docs: Currencies,
 * "Working with amounts": 10 USD is "1000", 100 JPY is "100"), so the exponent is ISO 4217's.
 *
 * <ul>
 *   <li>{@code transaction.paid} and {@code transaction.completed} report the same money: payment
 *       keyed by the transaction id, amount {@code details.totals.grand_total}, renewal when {@code
 *       origin} is {@code subscription_recurring}. Payment-method changes are ignored; other
 *       zero-value transactions (trials, fully credited) go on for the identity they carry and are
 *       never booked as purchases (the zero-amount policy, {@code Ledger});
 *   <li>{@code adjustment.created} / {@code adjustment.updated}: an {@code approved} {@code refund}
 *       or {@code chargeback} → refund of {@code transaction_id} keyed by the adjustment id, amount
 *       {@code totals.total}. Pending or rejected adjustments and the other actions ({@code
 *       credit}, {@code credit_reverse}, {@code chargeback_warning}, {@code chargeback_reverse})
 *       are ignored.
 * </ul>
 *
 * Paddle's payloads do not say whether they come from sandbox or live, so livemode stays true.
 *
 * <p>Promotion code: the transaction's {@code discount_id} ({@code dsc_…}, the catalog discount
 * applied), else the {@code code} of a {@code discount} object the payload carries (a non-catalog
 * discount has no id); an id stays an id, so a site lists its discounts by {@code dsc_…} id.
 */
public final class PaddleParser implements PaymentParser {
  private static final String TXN = "paddle transaction";
  private static final String ADJ = "paddle adjustment";

  @Override
  public String provider() {
    return "paddle";
  }

  /** Transactions ({@code txn_…}) are Paddle's payments. */
  @Override
  public PaymentRef paymentRef(String id) {
    return id.startsWith("txn_") ? PaymentRef.key(id) : null;
  }

  @Override
  public ParseOutcome parse(WebhookEnvelope envelope, MetadataKeys keys) {
    JsonNode event = Json.readObject(envelope.body(), "paddle body");
    String type = Json.requiredText(event, "event_type", "paddle event");
    return switch (type) {
      case "transaction.paid", "transaction.completed" ->
          transaction(envelope, event, type, data(event), keys);
      case "adjustment.created", "adjustment.updated" ->
          adjustment(envelope, event, type, data(event));
      default -> new ParseOutcome.Ignored(type);
    };
  }

  private static ParseOutcome transaction(
      WebhookEnvelope env, JsonNode event, String type, JsonNode txn, MetadataKeys keys) {
    String origin = Json.text(txn, "origin");
    if ("subscription_payment_method_change".equals(origin)) {
      return new ParseOutcome.Ignored(type + ":payment_method_change");
    }
    String id = Json.requiredText(txn, "id", TXN);
    String currency = Json.requiredText(txn, "currency_code", TXN);
    long amount = minorUnits(txn.path("details").path("totals"), "details.totals.grand_total", TXN);
    // a zero total (a trial, a fully credited transaction) still carries identity (customer,
    // subscription, custom data); the ledger books no purchase for it
    JsonNode custom = txn.get("custom_data");
    return new ParseOutcome.Payment(
        PaymentEvent.builder()
            .envelope(env)
            .eventId(Json.requiredText(event, "event_id", "paddle event"))
            .eventType(type)
            .paymentKey(id)
            .amount(amount, currency, CurrencyExponents.iso4217(currency))
            .occurredAtMillis(
                Json.isoMillis(event, "occurred_at", "paddle event", env.receivedAtMillis()))
            .visitorId(keys.visitorId(custom))
            .sessionId(keys.sessionId(custom))
            .customerId(Json.text(txn, "customer_id"))
            .subscriptionId(Json.text(txn, "subscription_id"))
            .renewal("subscription_recurring".equals(origin))
            .promoCode(promoCode(txn))
            .build());
  }

  private static ParseOutcome adjustment(
      WebhookEnvelope env, JsonNode event, String type, JsonNode adj) {
    String action = Json.requiredText(adj, "action", ADJ);
    if (!"refund".equals(action) && !"chargeback".equals(action)) {
      return new ParseOutcome.Ignored(type + ":" + action);
    }
    String status = Json.requiredText(adj, "status", ADJ);
    if (!"approved".equals(status)) {
      return new ParseOutcome.Ignored(type + ":" + status);
    }
    JsonNode totals = adj.path("totals");
    String currency = Json.text(adj, "currency_code");
    if (currency == null) {
      currency = Json.requiredText(totals, "currency_code", ADJ);
    }
    RefundEvent.Builder b =
        RefundEvent.builder()
            .envelope(env)
            .eventId(Json.requiredText(event, "event_id", "paddle event"))
            .eventType(type)
            .refundKey(Json.requiredText(adj, "id", ADJ))
            .paymentKey(Json.requiredText(adj, "transaction_id", ADJ))
            .amount(
                minorUnits(totals, "totals.total", ADJ),
                currency,
                CurrencyExponents.iso4217(currency))
            .occurredAtMillis(
                Json.isoMillis(event, "occurred_at", "paddle event", env.receivedAtMillis()));
    if ("chargeback".equals(action)) {
      b.chargeback();
    }
    return new ParseOutcome.Refund(b.build());
  }

  /** The discount's id, else the code of the discount object; see the class comment. */
  private static String promoCode(JsonNode txn) {
    String id = Json.text(txn, "discount_id");
    return id != null ? id : Json.text(txn.get("discount"), "code");
  }

  private static JsonNode data(JsonNode event) {
    JsonNode data = event.path("data");
    if (!data.isObject()) {
      throw new MalformedPayloadException("paddle event has no data");
    }
    return data;
  }

  /**
   * A Paddle amount: a string of digits in the lowest denomination. {@code path} names the field
   * (its last segment is read from {@code parent}).
   */
  private static long minorUnits(JsonNode parent, String path, String where) {
    String field = path.substring(path.lastIndexOf('.') + 1);
    JsonNode v = parent == null ? null : parent.get(field);
    if (v == null || v.isNull()) {
      throw new MalformedPayloadException(where + " has no " + path);
    }
    String s = v.isTextual() ? v.asText() : "";
    if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new MalformedPayloadException(where + " " + path + " is not a string of digits");
    }
    return Long.parseLong(s);
  }
}
