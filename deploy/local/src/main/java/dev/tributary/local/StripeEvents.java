package dev.tributary.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;

/**
 * Builds Stripe webhook event bodies (API shape of {@code checkout.session.completed} and {@code
 * payment_intent.succeeded}) for one test-mode payment. Both events of a payment name the same
 * PaymentIntent, which is the payment's stable key.
 */
public final class StripeEvents {

  /** Metadata key that links a payment to the tracker's visitor id. */
  public static final String VISITOR_KEY = "tributary_visitor_id";

  /** Metadata key that links a payment to the tracker's session id. */
  public static final String SESSION_KEY = "tributary_session_id";

  /**
   * One payment. {@code visitorId}/{@code sessionId} null = not linked by metadata; {@code email}
   * and {@code customerId} may be null.
   */
  public record Payment(
      String paymentIntentId,
      String checkoutSessionId,
      long amountMinor,
      String currency,
      String customerId,
      String email,
      String visitorId,
      String sessionId,
      Instant createdAt) {

    /** A new payment with fresh Stripe-looking ids. */
    public static Payment create(
        long amountMinor,
        String currency,
        String customerId,
        String email,
        String visitorId,
        String sessionId,
        Instant createdAt) {
      return new Payment(
          "pi_" + randomId(24),
          "cs_test_" + randomId(40),
          amountMinor,
          currency.toLowerCase(Locale.ROOT),
          customerId,
          email,
          visitorId,
          sessionId,
          createdAt);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final String API_VERSION = "2025-06-30.basil";

  private StripeEvents() {}

  /** A fresh Stripe-looking event id ({@code evt_…}). */
  public static String newEventId() {
    return "evt_" + randomId(24);
  }

  /** The body of a {@code checkout.session.completed} event for {@code p}. */
  public static String checkoutSessionCompleted(String eventId, Payment p) {
    ObjectNode event = envelope(eventId, "checkout.session.completed", p.createdAt());
    ObjectNode session = event.putObject("data").putObject("object");
    session.put("id", p.checkoutSessionId());
    session.put("object", "checkout.session");
    session.put("amount_subtotal", p.amountMinor());
    session.put("amount_total", p.amountMinor());
    session.put("created", p.createdAt().getEpochSecond() - 60);
    session.put("currency", p.currency());
    putOrNull(session, "customer", p.customerId());
    ObjectNode details = session.putObject("customer_details");
    putOrNull(details, "email", p.email());
    details.putNull("name");
    putOrNull(session, "customer_email", p.email());
    session.put("livemode", false);
    session.put("mode", "payment");
    session.put("payment_intent", p.paymentIntentId());
    session.put("payment_status", "paid");
    session.put("status", "complete");
    putMetadata(session, p);
    if (p.visitorId() != null) {
      session.put("client_reference_id", p.visitorId());
    } else {
      session.putNull("client_reference_id");
    }
    session.put("success_url", "https://www.demo-shop.test/thanks");
    return event.toString();
  }

  /** The body of a {@code payment_intent.succeeded} event for {@code p}. */
  public static String paymentIntentSucceeded(String eventId, Payment p) {
    ObjectNode event = envelope(eventId, "payment_intent.succeeded", p.createdAt());
    ObjectNode intent = event.putObject("data").putObject("object");
    intent.put("id", p.paymentIntentId());
    intent.put("object", "payment_intent");
    intent.put("amount", p.amountMinor());
    intent.put("amount_received", p.amountMinor());
    intent.put("created", p.createdAt().getEpochSecond() - 5);
    intent.put("currency", p.currency());
    putOrNull(intent, "customer", p.customerId());
    intent.put("latest_charge", "ch_" + p.paymentIntentId().substring(3));
    intent.put("livemode", false);
    putMetadata(intent, p);
    putOrNull(intent, "receipt_email", p.email());
    intent.put("status", "succeeded");
    return event.toString();
  }

  private static ObjectNode envelope(String eventId, String type, Instant createdAt) {
    ObjectNode event = JSON.createObjectNode();
    event.put("id", eventId);
    event.put("object", "event");
    event.put("api_version", API_VERSION);
    event.put("created", createdAt.getEpochSecond());
    event.put("livemode", false);
    event.put("pending_webhooks", 1);
    event.putObject("request").putNull("id").putNull("idempotency_key");
    event.put("type", type);
    return event;
  }

  private static void putMetadata(ObjectNode object, Payment p) {
    ObjectNode metadata = object.putObject("metadata");
    if (p.visitorId() != null) {
      metadata.put(VISITOR_KEY, p.visitorId());
    }
    if (p.sessionId() != null) {
      metadata.put(SESSION_KEY, p.sessionId());
    }
  }

  private static void putOrNull(ObjectNode object, String field, String value) {
    if (value == null) {
      object.putNull(field);
    } else {
      object.put(field, value);
    }
  }

  static String randomId(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
