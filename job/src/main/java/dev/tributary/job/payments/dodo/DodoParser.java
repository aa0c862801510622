package dev.tributary.job.payments.dodo;

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
 * Dodo Payments webhooks (Standard Webhooks): {@code {"business_id":…,"type":…,"timestamp":…,
 * "data":{…}}} where {@code data} is the Payment or Refund object itself. The event id is the
 * gateway's delivery id, the {@code webhook-id} header.
 *
 * <p>Read:
 *
 * <ul>
 *   <li>{@code payment.succeeded}: key {@code data.payment_id}; amount {@code data.total_amount}
 *       ("total amount charged to the customer including tax, in smallest currency unit"); {@code
 *       data.currency}; the tracker's ids from {@code data.metadata} (checkout-session and payment
 *       metadata), else the customer's {@code data.customer.metadata}; {@code
 *       data.customer.customer_id}, {@code data.customer.email}, {@code data.subscription_id}; the
 *       promotion code: {@code data.discount_id}, the id of the discount applied, as it is. Dodo's
 *       payment carries no billing reason, so a subscription's renewal payment cannot be told from
 *       its first one here: {@code renewal} stays false and the subscription id (with the customer
 *       id) lets attribution recognise the returning customer. {@code subscription.renewed} carries
 *       the subscription, not the payment, and is ignored;
 *   <li>{@code refund.succeeded}: one refund {@code data.refund_id} of {@code data.payment_id},
 *       amount {@code data.amount} in {@code data.currency}. Both are optional in Dodo's schema: a
 *       refund without an amount that is not {@code is_partial} is booked as a full refund.
 * </ul>
 *
 * <p>Everything else ({@code payment.failed}, {@code refund.failed}, subscriptions, disputes…) is
 * ignored. Amounts are integers in the currency's smallest unit, counted as ISO 4217 (JPY, KRW,
 * VND, XOF… whole units; USD, EUR… cents). The time is the event's {@code timestamp}, else the
 * object's {@code created_at}. Test and live mode are separate Dodo environments with separate
 * webhooks and no flag in the body, so payments count as live.
 */
public final class DodoParser implements PaymentParser {
  static final String PROVIDER = "dodo";

  public DodoParser() {}

  @Override
  public String provider() {
    return PROVIDER;
  }

  /** Dodo's {@code payment_id} keys the money. */
  @Override
  public PaymentRef paymentRef(String id) {
    return id.startsWith("pay_") ? PaymentRef.key(id) : null;
  }

  @Override
  public ParseOutcome parse(WebhookEnvelope envelope, MetadataKeys keys) {
    JsonNode event = Json.readObject(envelope.body(), "dodo body");
    String type = Json.requiredText(event, "type", "dodo body");
    return switch (type) {
      case "payment.succeeded" ->
          payment(envelope, event, type, Json.requiredObject(event, "data", "dodo event"), keys);
      case "refund.succeeded" ->
          refund(envelope, event, type, Json.requiredObject(event, "data", "dodo event"));
      default -> new ParseOutcome.Ignored(type);
    };
  }

  private static ParseOutcome payment(
      WebhookEnvelope env, JsonNode event, String type, JsonNode payment, MetadataKeys keys) {
    String currency = Json.requiredText(payment, "currency", "dodo payment");
    long amount = Json.requiredLong(payment, "total_amount", "dodo payment");
    JsonNode customer = payment.get("customer");
    JsonNode metadata = payment.get("metadata");
    JsonNode customerMetadata = customer == null ? null : customer.get("metadata");
    return new ParseOutcome.Payment(
        PaymentEvent.builder()
            .envelope(env)
            .eventType(type)
            .paymentKey(Json.requiredText(payment, "payment_id", "dodo payment"))
            .amount(amount, currency, CurrencyExponents.iso4217(currency))
            .occurredAtMillis(
                Json.firstIsoMillis(
                    env.receivedAtMillis(),
                    Json.text(event, "timestamp"),
                    Json.text(payment, "created_at")))
            .visitorId(keys.visitorId(metadata, customerMetadata))
            .sessionId(keys.sessionId(metadata))
            .customerId(Json.text(customer, "customer_id"))
            .email(Json.text(customer, "email"))
            .subscriptionId(Json.text(payment, "subscription_id"))
            .renewal(false)
            .promoCode(Json.text(payment, "discount_id"))
            .build());
  }

  private static ParseOutcome refund(
      WebhookEnvelope env, JsonNode event, String type, JsonNode refund) {
    RefundEvent.Builder b =
        RefundEvent.builder()
            .envelope(env)
            .eventType(type)
            .refundKey(Json.requiredText(refund, "refund_id", "dodo refund"))
            .paymentKey(Json.requiredText(refund, "payment_id", "dodo refund"))
            .occurredAtMillis(
                Json.firstIsoMillis(
                    env.receivedAtMillis(),
                    Json.text(event, "timestamp"),
                    Json.text(refund, "created_at")));
    String currency = Json.text(refund, "currency");
    JsonNode amount = refund.get("amount");
    if (amount == null || amount.isNull()) {
      if (refund.path("is_partial").asBoolean(false)) {
        throw new MalformedPayloadException("dodo refund.amount is missing on a partial refund");
      }
      b.fullRefundOf(currency, currency == null ? 0 : CurrencyExponents.iso4217(currency));
    } else {
      if (currency == null) {
        throw new MalformedPayloadException("dodo refund has no currency");
      }
      b.amount(
          Json.requiredLong(refund, "amount", "dodo refund"),
          currency,
          CurrencyExponents.iso4217(currency));
    }
    return new ParseOutcome.Refund(b.build());
  }
}
