package dev.tributary.job.payments.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.job.base.Json;
import dev.tributary.job.base.MalformedPayloadException;
import dev.tributary.job.payments.CurrencyExponents;
import dev.tributary.job.payments.MetadataKeys;
import dev.tributary.job.payments.ParseOutcome;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.payments.PaymentParser;
import dev.tributary.job.payments.PaymentRef;
import dev.tributary.job.payments.PromoCodes;
import dev.tributary.job.payments.RefundEvent;
import dev.tributary.job.payments.WebhookEnvelope;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Stripe events. The PaymentIntent id is the payment's key: a Checkout Session, its PaymentIntent,
 * the charge and (for subscriptions) the invoice all report the same money, and any of them may
 * carry the metadata.
 *
 * <table>
 *   <caption>What each event becomes</caption>
 *   <tr><th>event</th><th>outcome</th></tr>
 *   <tr><td>{@code checkout.session.completed}, {@code checkout.session.async_payment_succeeded}
 *       </td><td>payment, when {@code payment_status} is {@code paid} (an unpaid session waits for
 *       the async event); a subscription checkout knows only its invoice and waits for the
 *       invoice's link</td></tr>
 *   <tr><td>{@code payment_intent.succeeded}, {@code charge.succeeded}, {@code charge.captured}
 *       </td><td>payment (a charge only once captured)</td></tr>
 *   <tr><td>{@code invoice.paid}, {@code invoice.payment_succeeded}</td><td>payment with the
 *       renewal marker ({@code billing_reason}) and the subscription's metadata; before API
 *       2025-03-31 it names its PaymentIntent, since then it waits for {@code
 *       invoice_payment.paid}</td></tr>
 *   <tr><td>{@code invoice_payment.paid}</td><td>payment that links invoice and PaymentIntent</td>
 *   </tr>
 *   <tr><td>{@code charge.refunded}</td><td>cumulative refund ({@code amount_refunded})</td></tr>
 *   <tr><td>{@code refund.created}, {@code refund.updated}</td><td>refund, once {@code
 *       succeeded}</td></tr>
 *   <tr><td>{@code charge.dispute.funds_withdrawn}</td><td>chargeback</td></tr>
 *   <tr><td>{@code charge.dispute.funds_reinstated}</td><td>the dispute won: its chargeback
 *       reinstated</td></tr>
 * </table>
 *
 * <p>Everything else is ignored. Amounts are already minor units; the exponent is Stripe's own.
 *
 * <p><b>Promotion code</b> ({@link PaymentEvent#promoCode()}), kept as Stripe names it: a Checkout
 * Session's {@code discounts[]} (API 2025-01-27 and later): the entry's {@code promotion_code}
 * ({@code promo_…}, the code a customer typed), else its {@code coupon} (an id, or the expanded
 * coupon's id); without it, the expanded {@code total_details.breakdown.discounts[].discount}. An
 * invoice: the {@code discounts[]} expanded into Discount objects, else the older single {@code
 * discount}; a Discount's {@code promotion_code}, else its {@code coupon} (before API 2025-09-30),
 * else its {@code source.coupon}. An invoice's unexpanded {@code discounts} are Discount ids
 * ({@code di_…}), which name the discount's application to that one invoice rather than a code, and
 * are not kept. PaymentIntents and charges carry no discount; the Checkout Session of the same
 * money brings its code when they merge.
 */
public final class StripeParser implements PaymentParser {

  /** Billing reasons of an invoice that charges an existing subscription again. */
  private static final Set<String> RENEWAL_REASONS =
      Set.of("subscription_cycle", "subscription_update", "subscription_threshold");

  @Override
  public String provider() {
    return "stripe";
  }

  /**
   * A PaymentIntent id is the payment key itself. A Checkout Session, charge or invoice id is
   * another name of the money: the webhooks that reveal both ids link it to its PaymentIntent (a
   * session or charge without one is keyed by its own id, which the link wait then falls back to).
   */
  @Override
  public PaymentRef paymentRef(String id) {
    if (id.startsWith("pi_")) {
      return PaymentRef.key(id);
    }
    if (id.startsWith("cs_")
        || id.startsWith("ch_")
        || id.startsWith("py_")
        || id.startsWith("in_")) {
      return PaymentRef.linkedBy(id);
    }
    return null;
  }

  @Override
  public int exponent(String currency) {
    return CurrencyExponents.stripe(currency);
  }

  @Override
  public ParseOutcome parse(WebhookEnvelope envelope, MetadataKeys keys) {
    JsonNode event = Json.readObject(envelope.body(), "stripe body");
    String type = Json.requiredText(event, "type", "stripe event");
    JsonNode object = event.path("data").path("object");
    if (!object.isObject()) {
      throw new MalformedPayloadException("stripe event has no data.object");
    }
    Event e = new Event(envelope, event, type, object, keys);
    return switch (type) {
      case "checkout.session.completed", "checkout.session.async_payment_succeeded" ->
          checkoutSession(e);
      case "payment_intent.succeeded" -> paymentIntent(e);
      case "charge.succeeded", "charge.captured" -> charge(e);
      case "invoice.paid", "invoice.payment_succeeded" -> invoice(e);
      case "invoice_payment.paid" -> invoicePayment(e);
      case "charge.refunded" -> chargeRefunded(e);
      case "refund.created", "refund.updated" -> refund(e);
      case "charge.dispute.funds_withdrawn" -> dispute(e, false);
      case "charge.dispute.funds_reinstated" -> dispute(e, true);
      default -> new ParseOutcome.Ignored(type);
    };
  }

  /** One event being parsed. */
  private record Event(
      WebhookEnvelope env, JsonNode event, String type, JsonNode object, MetadataKeys keys) {

    PaymentEvent.Builder payment(String what) {
      long created = event.path("created").asLong(0);
      return PaymentEvent.builder()
          .envelope(env)
          .eventId(Json.requiredText(event, "id", "stripe event"))
          .eventType(type)
          .occurredAtMillis(created > 0 ? created * 1000 : env.receivedAtMillis())
          .livemode(event.path("livemode").asBoolean(false))
          .customerId(Json.idOf(object, "customer"));
    }

    RefundEvent.Builder refund() {
      long created = event.path("created").asLong(0);
      return RefundEvent.builder()
          .envelope(env)
          .eventId(Json.requiredText(event, "id", "stripe event"))
          .eventType(type)
          .occurredAtMillis(created > 0 ? created * 1000 : env.receivedAtMillis())
          .livemode(event.path("livemode").asBoolean(false));
    }

    String currency(String what) {
      return Json.requiredText(object, "currency", what);
    }

    /** The PaymentIntent the object belongs to, else the charge, for refunds and disputes. */
    String moneyKey(String what) {
      String intent = Json.idOf(object, "payment_intent");
      if (intent != null) {
        return intent;
      }
      String charge = Json.idOf(object, "charge");
      return charge != null ? charge : Json.requiredText(object, "id", what);
    }
  }

  private static ParseOutcome checkoutSession(Event e) {
    JsonNode session = e.object();
    String paymentStatus = Json.text(session, "payment_status");
    if (!"paid".equals(paymentStatus)) {
      return new ParseOutcome.Ignored(e.type() + ":" + paymentStatus);
    }
    String sessionId = Json.requiredText(session, "id", "checkout session");
    String intent = Json.idOf(session, "payment_intent");
    String invoice = Json.idOf(session, "invoice");
    JsonNode metadata = session.get("metadata");
    String visitor = e.keys().visitorId(metadata);
    if (visitor == null) {
      // The tracker's helper also offers the visitor id for client_reference_id.
      visitor = Json.text(session, "client_reference_id");
    }
    String email = Json.text(session.path("customer_details"), "email");
    String currency = e.currency("checkout session");
    var b =
        e.payment("checkout session")
            .amount(
                Json.requiredLong(session, "amount_total", "checkout session"),
                currency,
                CurrencyExponents.stripe(currency))
            .visitorId(visitor)
            .sessionId(e.keys().sessionId(metadata))
            .email(email != null ? email : Json.text(session, "customer_email"))
            .subscriptionId(Json.idOf(session, "subscription"))
            .promoCode(checkoutPromoCode(session));
    if (intent != null) {
      b.paymentKey(intent).linkKey(invoice);
      return new ParseOutcome.Payment(b.build(), List.of(sessionId));
    } else if (invoice != null) {
      // A subscription checkout: the money is the first invoice's PaymentIntent.
      b.linkKey(invoice);
    } else {
      b.paymentKey(sessionId);
    }
    return new ParseOutcome.Payment(b.build());
  }

  private static ParseOutcome paymentIntent(Event e) {
    JsonNode intent = e.object();
    long received = intent.path("amount_received").asLong(0);
    long amount = received > 0 ? received : Json.requiredLong(intent, "amount", "payment intent");
    JsonNode metadata = intent.get("metadata");
    String currency = e.currency("payment intent");
    return new ParseOutcome.Payment(
        e.payment("payment intent")
            .paymentKey(Json.requiredText(intent, "id", "payment intent"))
            .linkKey(Json.idOf(intent, "invoice"))
            .amount(amount, currency, CurrencyExponents.stripe(currency))
            .visitorId(e.keys().visitorId(metadata))
            .sessionId(e.keys().sessionId(metadata))
            .email(Json.text(intent, "receipt_email"))
            .build());
  }

  private static ParseOutcome charge(Event e) {
    JsonNode charge = e.object();
    if (!charge.path("captured").asBoolean(true)) {
      return new ParseOutcome.Ignored(e.type() + ":uncaptured");
    }
    long captured = charge.path("amount_captured").asLong(0);
    long amount = captured > 0 ? captured : Json.requiredLong(charge, "amount", "charge");
    JsonNode metadata = charge.get("metadata");
    String email = Json.text(charge.path("billing_details"), "email");
    String currency = e.currency("charge");
    String key = e.moneyKey("charge");
    String id = Json.text(charge, "id");
    return new ParseOutcome.Payment(
        e.payment("charge")
            .paymentKey(key)
            .linkKey(Json.idOf(charge, "invoice"))
            .amount(amount, currency, CurrencyExponents.stripe(currency))
            .visitorId(e.keys().visitorId(metadata))
            .sessionId(e.keys().sessionId(metadata))
            .email(email != null ? email : Json.text(charge, "receipt_email"))
            .build(),
        id != null && !id.equals(key) ? List.of(id) : List.of());
  }

  private static ParseOutcome invoice(Event e) {
    JsonNode invoice = e.object();
    // an invoice that paid nothing (a trial, a fully credited cycle) still carries identity: its
    // customer and subscription with the checkout's metadata; the ledger books no purchase for it
    long paid = Json.requiredLong(invoice, "amount_paid", "invoice");
    // API 2025-03-31 moved subscription details under parent; older versions have them on top.
    JsonNode parentDetails = invoice.path("parent").path("subscription_details");
    JsonNode oldDetails = invoice.path("subscription_details");
    JsonNode[] metadata = {
      invoice.get("metadata"), parentDetails.get("metadata"), oldDetails.get("metadata")
    };
    String subscription = Json.idOf(parentDetails, "subscription");
    String currency = e.currency("invoice");
    long paidAt = invoice.path("status_transitions").path("paid_at").asLong(0);
    var b =
        e.payment("invoice")
            .paymentKey(Json.idOf(invoice, "payment_intent"))
            .linkKey(Json.requiredText(invoice, "id", "invoice"))
            .amount(paid, currency, CurrencyExponents.stripe(currency))
            .visitorId(e.keys().visitorId(metadata))
            .sessionId(e.keys().sessionId(metadata))
            .email(Json.text(invoice, "customer_email"))
            .subscriptionId(
                subscription != null ? subscription : Json.idOf(invoice, "subscription"))
            .renewal(RENEWAL_REASONS.contains(Json.text(invoice, "billing_reason")))
            .promoCode(invoicePromoCode(invoice));
    if (paidAt > 0) {
      b.occurredAtMillis(paidAt * 1000);
    }
    return new ParseOutcome.Payment(b.build());
  }

  private static ParseOutcome invoicePayment(Event e) {
    JsonNode payment = e.object();
    JsonNode target = payment.path("payment");
    String intent = Json.idOf(target, "payment_intent");
    String key = intent != null ? intent : Json.idOf(target, "charge");
    if (key == null) {
      // e.g. paid out of band: no Stripe money moved
      return new ParseOutcome.Ignored(e.type() + ":" + Json.text(target, "type"));
    }
    String currency = e.currency("invoice payment");
    return new ParseOutcome.Payment(
        e.payment("invoice payment")
            .paymentKey(key)
            .linkKey(Json.requiredText(payment, "invoice", "invoice payment"))
            .amount(
                Json.requiredLong(payment, "amount_paid", "invoice payment"),
                currency,
                CurrencyExponents.stripe(currency))
            .build());
  }

  private static ParseOutcome chargeRefunded(Event e) {
    JsonNode charge = e.object();
    String currency = e.currency("charge");
    return new ParseOutcome.Refund(
        e.refund()
            .paymentKey(e.moneyKey("charge"))
            .cumulative()
            .amount(
                Json.requiredLong(charge, "amount_refunded", "charge"),
                currency,
                CurrencyExponents.stripe(currency))
            .build());
  }

  private static ParseOutcome refund(Event e) {
    JsonNode refund = e.object();
    String status = Json.text(refund, "status");
    if (!"succeeded".equals(status)) {
      return new ParseOutcome.Ignored(e.type() + ":" + status);
    }
    String currency = e.currency("refund");
    return new ParseOutcome.Refund(
        e.refund()
            .paymentKey(e.moneyKey("refund"))
            .refundKey(Json.requiredText(refund, "id", "refund"))
            .amount(
                Json.requiredLong(refund, "amount", "refund"),
                currency,
                CurrencyExponents.stripe(currency))
            .occurredAtMillis(createdMillis(refund, e))
            .build());
  }

  private static ParseOutcome dispute(Event e, boolean won) {
    JsonNode dispute = e.object();
    String currency = e.currency("dispute");
    RefundEvent.Builder b = e.refund();
    if (won) {
      b.reinstatement();
    } else {
      b.chargeback();
    }
    return new ParseOutcome.Refund(
        b.paymentKey(e.moneyKey("dispute"))
            .refundKey(Json.requiredText(dispute, "id", "dispute"))
            .amount(
                Json.requiredLong(dispute, "amount", "dispute"),
                currency,
                CurrencyExponents.stripe(currency))
            .build());
  }

  /** See the class comment: the session's discounts, else its expanded total details. */
  private static String checkoutPromoCode(JsonNode session) {
    String code = PromoCodes.first(session.get("discounts"), StripeParser::discountCode);
    if (code != null) {
      return code;
    }
    return PromoCodes.first(
        session.path("total_details").path("breakdown").get("discounts"),
        entry -> discountCode(entry.get("discount")));
  }

  /** See the class comment: the expanded discounts, else the single discount of older APIs. */
  private static String invoicePromoCode(JsonNode invoice) {
    String code = PromoCodes.first(invoice.get("discounts"), StripeParser::discountCode);
    return code != null ? code : discountCode(invoice.get("discount"));
  }

  /**
   * The code of one discount entry or Discount object: its promotion code, else its coupon (a
   * Checkout Session entry's or, before API 2025-09-30, a Discount's), else its {@code
   * source.coupon}; each an id or an expanded object's id. Null for anything but an object (an
   * unexpanded Discount id).
   */
  private static String discountCode(JsonNode discount) {
    if (discount == null || !discount.isObject()) {
      return null;
    }
    String promotionCode = Json.idOf(discount, "promotion_code");
    if (promotionCode != null) {
      return promotionCode;
    }
    String coupon = Json.idOf(discount, "coupon");
    return coupon != null ? coupon : Json.idOf(discount.get("source"), "coupon");
  }

  private static long createdMillis(JsonNode object, Event e) {
    long created = object.path("created").asLong(0);
    return created > 0
        ? Instant.ofEpochSecond(created).toEpochMilli()
        : e.event().path("created").asLong(0) * 1000;
  }
}
