package dev.tributary.job.payments.lemonsqueezy;

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
 * Lemon Squeezy webhooks: a JSON:API resource with {@code meta.event_name} and the checkout's
 * {@code checkout[custom]} data in {@code meta.custom_data}.
 *
 * <p>Amounts are integers "in cents" of {@code attributes.currency} (docs: the Order and
 * Subscription Invoice objects); {@code total} is the amount charged in that currency, the {@code
 * *_usd} fields are conversions and are not used. The exponent is ISO 4217's.
 *
 * <ul>
 *   <li>{@code order_created} (only {@code status} {@code paid}) → payment {@code order:<id>};
 *   <li>{@code order_refunded} → cumulative refund ({@code refunded_amount}) of {@code order:<id>};
 *   <li>{@code subscription_payment_success}: {@code billing_reason} {@code initial} is the money
 *       of the subscription's first {@code order_created} and is ignored so it counts once; {@code
 *       renewal} and {@code updated} → renewal payment {@code invoice:<id>};
 *   <li>{@code subscription_payment_refunded} → cumulative refund ({@code refunded_amount}) of
 *       {@code invoice:<id>}; for an {@code initial} invoice it is ignored because the money is
 *       booked under the order, which the invoice does not name.
 * </ul>
 *
 * Lemon Squeezy sends no event id; the gateway's delivery id is the event id.
 *
 * <p>No promotion code: an order (and a subscription invoice) carries only the amount discounted
 * ({@code discount_total}) and a link to its {@code discount-redemptions}; the code itself ({@code
 * discount_code}) is on the Discount Redemption object, which only the API returns (docs: "Retrieve
 * a Discount Redemption"), never a webhook. So a Lemon Squeezy payment has no {@link
 * PaymentEvent#promoCode()}.
 */
public final class LemonSqueezyParser implements PaymentParser {
  private static final String ORDER = "lemonsqueezy order attributes";
  private static final String INVOICE = "lemonsqueezy subscription invoice attributes";

  @Override
  public String provider() {
    return "lemonsqueezy";
  }

  /**
   * Orders are keyed {@code order:<id>} and renewals {@code invoice:<id>}; a bare number is the
   * order id a merchant sees in the dashboard.
   */
  @Override
  public PaymentRef paymentRef(String id) {
    if (id.startsWith("order:") || id.startsWith("invoice:")) {
      return PaymentRef.key(id);
    }
    return id.chars().allMatch(Character::isDigit) ? PaymentRef.key("order:" + id) : null;
  }

  @Override
  public ParseOutcome parse(WebhookEnvelope envelope, MetadataKeys keys) {
    JsonNode body = Json.readObject(envelope.body(), "lemonsqueezy body");
    JsonNode meta = body.path("meta");
    String type = Json.requiredText(meta, "event_name", "lemonsqueezy meta");
    return switch (type) {
      case "order_created" -> orderCreated(envelope, body, type, keys);
      case "order_refunded" -> orderRefunded(envelope, body, type);
      case "subscription_payment_success" -> invoicePaid(envelope, body, type, keys);
      case "subscription_payment_refunded" -> invoiceRefunded(envelope, body, type);
      default -> new ParseOutcome.Ignored(type);
    };
  }

  private static ParseOutcome orderCreated(
      WebhookEnvelope env, JsonNode body, String type, MetadataKeys keys) {
    JsonNode attrs = attributes(body, "orders");
    String status = Json.text(attrs, "status");
    if (!"paid".equals(status)) {
      return new ParseOutcome.Ignored(type + ":" + status);
    }
    return new ParseOutcome.Payment(
        payment(env, body, type, attrs, "order:" + id(body), ORDER, keys)
            .occurredAtMillis(Json.isoMillis(attrs, "created_at", ORDER, env.receivedAtMillis()))
            .build());
  }

  private static ParseOutcome invoicePaid(
      WebhookEnvelope env, JsonNode body, String type, MetadataKeys keys) {
    JsonNode attrs = attributes(body, "subscription-invoices");
    String reason = Json.requiredText(attrs, "billing_reason", INVOICE);
    if ("initial".equals(reason)) {
      return new ParseOutcome.Ignored(type + ":initial");
    }
    return new ParseOutcome.Payment(
        payment(env, body, type, attrs, "invoice:" + id(body), INVOICE, keys)
            .renewal(true)
            .subscriptionId(Json.text(attrs, "subscription_id"))
            .occurredAtMillis(Json.isoMillis(attrs, "created_at", INVOICE, env.receivedAtMillis()))
            .build());
  }

  private static ParseOutcome orderRefunded(WebhookEnvelope env, JsonNode body, String type) {
    JsonNode attrs = attributes(body, "orders");
    return refund(env, body, type, attrs, "order:" + id(body), ORDER);
  }

  private static ParseOutcome invoiceRefunded(WebhookEnvelope env, JsonNode body, String type) {
    JsonNode attrs = attributes(body, "subscription-invoices");
    if ("initial".equals(Json.text(attrs, "billing_reason"))) {
      return new ParseOutcome.Ignored(type + ":initial");
    }
    return refund(env, body, type, attrs, "invoice:" + id(body), INVOICE);
  }

  /**
   * {@code refunded_amount} is the total refunded so far on the order or invoice. A payload without
   * it (older API shape) that says the order is fully refunded becomes a full refund.
   */
  private static ParseOutcome refund(
      WebhookEnvelope env,
      JsonNode body,
      String type,
      JsonNode attrs,
      String paymentKey,
      String where) {
    String currency = Json.requiredText(attrs, "currency", where);
    int exponent = CurrencyExponents.iso4217(currency);
    RefundEvent.Builder b =
        RefundEvent.builder()
            .envelope(env)
            .eventType(type)
            .paymentKey(paymentKey)
            .livemode(livemode(body, attrs));
    JsonNode refunded = attrs.get("refunded_amount");
    if ((refunded == null || refunded.isNull())
        && (attrs.path("refunded").asBoolean(false)
            || "refunded".equals(Json.text(attrs, "status")))) {
      b.fullRefundOf(currency, exponent);
    } else {
      b.amount(Json.requiredLong(attrs, "refunded_amount", where), currency, exponent).cumulative();
    }
    String at = Json.text(attrs, "refunded_at") != null ? "refunded_at" : "updated_at";
    return new ParseOutcome.Refund(
        b.occurredAtMillis(Json.isoMillis(attrs, at, where, env.receivedAtMillis())).build());
  }

  private static PaymentEvent.Builder payment(
      WebhookEnvelope env,
      JsonNode body,
      String type,
      JsonNode attrs,
      String paymentKey,
      String where,
      MetadataKeys keys) {
    String currency = Json.requiredText(attrs, "currency", where);
    JsonNode custom = body.path("meta").get("custom_data");
    return PaymentEvent.builder()
        .envelope(env)
        .eventType(type)
        .paymentKey(paymentKey)
        .amount(
            Json.requiredLong(attrs, "total", where), currency, CurrencyExponents.iso4217(currency))
        .visitorId(keys.visitorId(custom))
        .sessionId(keys.sessionId(custom))
        .customerId(Json.text(attrs, "customer_id"))
        .email(Json.text(attrs, "user_email"))
        .livemode(livemode(body, attrs));
  }

  private static JsonNode attributes(JsonNode body, String expectedType) {
    JsonNode data = body.path("data");
    if (!data.isObject()) {
      throw new MalformedPayloadException("lemonsqueezy body has no data");
    }
    String type = Json.text(data, "type");
    if (type != null && !expectedType.equals(type)) {
      throw new MalformedPayloadException("lemonsqueezy data.type is not " + expectedType);
    }
    JsonNode attrs = data.path("attributes");
    if (!attrs.isObject()) {
      throw new MalformedPayloadException("lemonsqueezy body has no data.attributes");
    }
    return attrs;
  }

  private static String id(JsonNode body) {
    return Json.requiredText(body.path("data"), "id", "lemonsqueezy data");
  }

  /** {@code meta.test_mode}, else the object's own {@code test_mode}. */
  private static boolean livemode(JsonNode body, JsonNode attrs) {
    JsonNode meta = body.path("meta").get("test_mode");
    boolean test =
        meta != null && !meta.isNull()
            ? meta.asBoolean(false)
            : attrs.path("test_mode").asBoolean(false);
    return !test;
  }
}
