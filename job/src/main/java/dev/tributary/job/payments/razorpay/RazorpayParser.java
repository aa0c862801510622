package dev.tributary.job.payments.razorpay;

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
import java.util.Map;

/**
 * Razorpay webhooks: {@code {"entity":"event","event":…,"payload":{"payment":{"entity":…},…},
 * "created_at":…}}. The event id is the gateway's delivery id, taken from the {@code
 * x-razorpay-event-id} header (the body carries none).
 *
 * <p>The payment id ({@code pay_…}) is the payment's key: {@code payment.captured}, {@code
 * order.paid} and {@code subscription.charged} all describe the same money and all carry the
 * payment entity, so they merge in consolidation. Read:
 *
 * <ul>
 *   <li>{@code payment.captured}, {@code order.paid}: the payment entity's {@code amount} (integer
 *       currency subunits) and {@code currency}; the tracker's ids from the payment's {@code notes}
 *       and, for {@code order.paid}, the order's {@code notes} (a site that creates the order
 *       server-side usually puts them there); {@code customer_id}, {@code email};
 *   <li>{@code subscription.charged} ("sent every time a successful charge is made on the
 *       subscription"): the same payment entity plus the subscription entity, which gives the
 *       subscription id, its {@code notes} as a third source of ids, and the renewal marker: {@code
 *       paid_count} counts the charge being reported, so a value above 1 is a recurring charge
 *       rather than the first one;
 *   <li>{@code refund.processed}: one refund ({@code rfnd_…}) of {@code payment_id}, amount {@code
 *       amount}. {@code refund.created} and {@code refund.failed} are ignored: only a processed
 *       refund has moved money back.
 * </ul>
 *
 * <p>{@code notes} is {@code []} when empty and an object otherwise; both read as "no ids". The
 * time is the entity's {@code created_at} (so the events of one payment agree), else the event's.
 * Razorpay's bodies carry no test-mode flag, so payments count as live.
 *
 * <p>Promotion code: the order's {@code offer_id} ({@code offer_…}, the Razorpay Offer the order
 * was created with), so it comes with {@code order.paid} and merges into the payment.
 */
public final class RazorpayParser implements PaymentParser {
  static final String PROVIDER = "razorpay";

  /**
   * Currencies whose subunit Razorpay documents explicitly ("three decimal currencies, such as KWD,
   * BHD and OMR", "zero decimal currencies such as JPY"); every other one follows ISO 4217.
   */
  private static final Map<String, Integer> EXPONENTS =
      Map.of("JPY", 0, "KWD", 3, "BHD", 3, "OMR", 3);

  public RazorpayParser() {}

  @Override
  public String provider() {
    return PROVIDER;
  }

  /** Payments ({@code pay_…}) key the money; an order id names no single payment. */
  @Override
  public PaymentRef paymentRef(String id) {
    return id.startsWith("pay_") ? PaymentRef.key(id) : null;
  }

  @Override
  public int exponent(String currency) {
    return documentedExponent(currency);
  }

  @Override
  public ParseOutcome parse(WebhookEnvelope envelope, MetadataKeys keys) {
    JsonNode event = Json.readObject(envelope.body(), "razorpay body");
    String type = Json.requiredText(event, "event", "razorpay body");
    return switch (type) {
      case "payment.captured", "order.paid", "subscription.charged" ->
          payment(envelope, event, type, keys);
      case "refund.processed" -> refund(envelope, event, type);
      default -> new ParseOutcome.Ignored(type);
    };
  }

  private static ParseOutcome payment(
      WebhookEnvelope env, JsonNode event, String type, MetadataKeys keys) {
    JsonNode payment = entity(event, "payment");
    JsonNode order = optionalEntity(event, "order");
    JsonNode subscription =
        "subscription.charged".equals(type) ? entity(event, "subscription") : null;
    String currency = Json.requiredText(payment, "currency", "razorpay payment");
    long amount = Json.requiredLong(payment, "amount", "razorpay payment");
    JsonNode[] notes = {notes(payment), notes(order), notes(subscription)};
    String subscriptionId =
        subscription != null
            ? Json.requiredText(subscription, "id", "razorpay subscription")
            : Json.text(payment, "subscription_id");
    String customerId = Json.text(payment, "customer_id");
    if (customerId == null) {
      customerId = Json.text(subscription, "customer_id");
    }
    return new ParseOutcome.Payment(
        PaymentEvent.builder()
            .envelope(env)
            .eventType(type)
            .paymentKey(Json.requiredText(payment, "id", "razorpay payment"))
            .amount(amount, currency, documentedExponent(currency))
            .occurredAtMillis(occurredAt(payment, event, env))
            .visitorId(keys.visitorId(notes))
            .sessionId(keys.sessionId(notes))
            .customerId(customerId)
            .email(Json.text(payment, "email"))
            .subscriptionId(subscriptionId)
            .renewal(subscription != null && subscription.path("paid_count").asLong(0) > 1)
            .promoCode(Json.text(order, "offer_id"))
            .build());
  }

  private static ParseOutcome refund(WebhookEnvelope env, JsonNode event, String type) {
    JsonNode refund = entity(event, "refund");
    String currency = Json.requiredText(refund, "currency", "razorpay refund");
    return new ParseOutcome.Refund(
        RefundEvent.builder()
            .envelope(env)
            .eventType(type)
            .refundKey(Json.requiredText(refund, "id", "razorpay refund"))
            .paymentKey(Json.requiredText(refund, "payment_id", "razorpay refund"))
            .amount(
                Json.requiredLong(refund, "amount", "razorpay refund"),
                currency,
                documentedExponent(currency))
            .occurredAtMillis(occurredAt(refund, event, env))
            .build());
  }

  /** Razorpay's subunit digits for a currency: its documented exceptions, else ISO 4217. */
  static int documentedExponent(String currency) {
    Integer documented = EXPONENTS.get(CurrencyExponents.normalize(currency));
    return documented != null ? documented : CurrencyExponents.iso4217(currency);
  }

  private static JsonNode entity(JsonNode event, String name) {
    JsonNode entity = optionalEntity(event, name);
    if (entity == null) {
      throw new MalformedPayloadException("razorpay event has no payload." + name + ".entity");
    }
    return entity;
  }

  private static JsonNode optionalEntity(JsonNode event, String name) {
    JsonNode entity = event.path("payload").path(name).path("entity");
    return entity.isObject() ? entity : null;
  }

  /** The entity's notes when they are an object; {@code []} (no notes) reads as null. */
  private static JsonNode notes(JsonNode entity) {
    JsonNode notes = entity == null ? null : entity.get("notes");
    return notes != null && notes.isObject() ? notes : null;
  }

  private static long occurredAt(JsonNode entity, JsonNode event, WebhookEnvelope env) {
    for (JsonNode n : new JsonNode[] {entity, event}) {
      JsonNode created = n.get("created_at");
      if (created != null && created.isIntegralNumber() && created.asLong() > 0) {
        return created.asLong() * 1000;
      }
    }
    return env.receivedAtMillis();
  }
}
