package dev.tributary.job.payments.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.job.payments.CurrencyExponents;
import dev.tributary.job.payments.Json;
import dev.tributary.job.payments.MalformedPayloadException;
import dev.tributary.job.payments.MetadataKeys;
import dev.tributary.job.payments.ParseOutcome;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.payments.PaymentParser;
import dev.tributary.job.payments.WebhookEnvelope;

/**
 * Stripe events. The PaymentIntent id is the payment's key: a Checkout Session and its
 * PaymentIntent report the same money, and both may carry the metadata.
 *
 * <p>Read: {@code checkout.session.completed} and {@code checkout.session.async_payment_succeeded}
 * (only when {@code payment_status} is {@code paid}; an unpaid session waits for the async event),
 * {@code payment_intent.succeeded}. Everything else is ignored for now.
 */
public final class StripeParser implements PaymentParser {
  @Override
  public String provider() {
    return "stripe";
  }

  @Override
  public ParseOutcome parse(WebhookEnvelope envelope, MetadataKeys keys) {
    JsonNode event = Json.readObject(envelope.body(), "stripe body");
    String type = Json.requiredText(event, "type", "stripe event");
    JsonNode object = event.path("data").path("object");
    if (!object.isObject()) {
      throw new MalformedPayloadException("stripe event has no data.object");
    }
    return switch (type) {
      case "checkout.session.completed", "checkout.session.async_payment_succeeded" ->
          checkoutSession(envelope, event, type, object, keys);
      case "payment_intent.succeeded" -> paymentIntent(envelope, event, type, object, keys);
      default -> new ParseOutcome.Ignored(type);
    };
  }

  private static ParseOutcome checkoutSession(
      WebhookEnvelope env, JsonNode event, String type, JsonNode session, MetadataKeys keys) {
    String paymentStatus = Json.text(session, "payment_status");
    if (!"paid".equals(paymentStatus)) {
      return new ParseOutcome.Ignored(type + ":" + paymentStatus);
    }
    String sessionId = Json.requiredText(session, "id", "checkout session");
    String paymentIntent = Json.idOf(session, "payment_intent");
    String currency = Json.requiredText(session, "currency", "checkout session");
    JsonNode metadata = session.get("metadata");
    String visitor = keys.visitorId(metadata);
    if (visitor == null) {
      // The tracker's helper also offers the visitor id for client_reference_id, which Stripe
      // keeps on the session only.
      visitor = Json.text(session, "client_reference_id");
    }
    String email = Json.text(session.path("customer_details"), "email");
    if (email == null) {
      email = Json.text(session, "customer_email");
    }
    return payment(
        env,
        event,
        type,
        paymentIntent != null ? paymentIntent : sessionId,
        Json.requiredLong(session, "amount_total", "checkout session"),
        currency,
        visitor,
        keys.sessionId(metadata),
        Json.idOf(session, "customer"),
        email);
  }

  private static ParseOutcome paymentIntent(
      WebhookEnvelope env, JsonNode event, String type, JsonNode intent, MetadataKeys keys) {
    long received = intent.path("amount_received").asLong(0);
    long amount = received > 0 ? received : Json.requiredLong(intent, "amount", "payment intent");
    JsonNode metadata = intent.get("metadata");
    return payment(
        env,
        event,
        type,
        Json.requiredText(intent, "id", "payment intent"),
        amount,
        Json.requiredText(intent, "currency", "payment intent"),
        keys.visitorId(metadata),
        keys.sessionId(metadata),
        Json.idOf(intent, "customer"),
        Json.text(intent, "receipt_email"));
  }

  private static ParseOutcome payment(
      WebhookEnvelope env,
      JsonNode event,
      String type,
      String paymentKey,
      long amountMinor,
      String currency,
      String visitorId,
      String sessionId,
      String customerId,
      String email) {
    long created = event.path("created").asLong(0);
    return new ParseOutcome.Payment(
        PaymentEvent.builder()
            .envelope(env)
            .eventId(Json.requiredText(event, "id", "stripe event"))
            .eventType(type)
            .paymentKey(paymentKey)
            .amount(amountMinor, currency, CurrencyExponents.stripe(currency))
            .occurredAtMillis(created > 0 ? created * 1000 : env.receivedAtMillis())
            .visitorId(visitorId)
            .sessionId(sessionId)
            .customerId(customerId)
            .email(email)
            .livemode(event.path("livemode").asBoolean(false))
            .build());
  }
}
