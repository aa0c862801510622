package dev.tributary.job.payments.polar;

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
import java.util.Set;

/**
 * Polar webhooks (Standard Webhooks): {@code {"type":…,"timestamp":…,"data":{…}}}. The event id is
 * the gateway's delivery id, the {@code webhook-id} header.
 *
 * <p><b>Payments</b>: {@code order.paid} only ({@code order.created} may describe an order that is
 * not paid yet). Key: the order id {@code data.id}. Amount: {@code data.total_amount}, "after
 * discounts and taxes" ({@code net_amount} + {@code tax_amount}), the money the customer paid, the
 * same basis the other providers report. Ids: Polar copies checkout metadata "to the resulting
 * order and/or subscription", so {@code data.metadata}, then {@code data.subscription.metadata}
 * (renewal orders of a subscription bought with metadata), then, for the visitor only, {@code
 * data.customer.metadata} (checkout {@code customer_metadata}: it outlives the checkout, so a
 * session id there would be stale). {@code custom_field_data} holds what the customer typed into
 * custom fields and is not read. Customer {@code data.customer_id}, email {@code
 * data.customer.email}, subscription {@code data.subscription_id}. Promotion code: the order's
 * {@code discount.code} (what the customer typed), else its {@code discount_id} (a discount applied
 * without a code). Renewal: {@code billing_reason} {@code subscription_cycle} (a renewal) or {@code
 * subscription_update} (a proration charge on a plan change): both are charges of an existing
 * subscription, not its first payment ({@code purchase}, {@code subscription_create}).
 *
 * <p><b>Refunds</b>: one source of truth, the per-refund events {@code refund.created} and {@code
 * refund.updated}. A refund is booked once its {@code status} is {@code succeeded} (Polar sends
 * {@code refund.created} already succeeded, or {@code pending} followed by {@code refund.updated});
 * several events about one refund share its {@code refundKey} ({@code data.id}) and so count once.
 * The amount is {@code amount} + {@code tax_amount}: Polar's refund {@code amount} excludes the tax
 * it refunds alongside, and the payment was booked with tax. {@code order.refunded} is ignored: it
 * repeats the same money as the order's cumulative {@code refunded_amount} (without tax), and
 * booking both would count every refund twice. A succeeded refund that Polar later reverts ({@code
 * failed}/{@code canceled}) is not un-booked here.
 *
 * <p>Amounts are integers in the currency's smallest unit: Polar's own table divides JPY by 1 and
 * its other presentment currencies by 100; anything else follows ISO 4217. The time is the event's
 * {@code timestamp}, else the object's {@code created_at}. The sandbox is a separate Polar
 * environment with no flag in the body, so payments count as live.
 */
public final class PolarParser implements PaymentParser {
  static final String PROVIDER = "polar";

  /** Polar's {@code _CURRENCY_DECIMAL_FACTORS} where it departs from two decimals. */
  private static final Map<String, Integer> EXPONENTS = Map.of("JPY", 0);

  private static final Set<String> RENEWAL_REASONS =
      Set.of("subscription_cycle", "subscription_update");

  public PolarParser() {}

  @Override
  public String provider() {
    return PROVIDER;
  }

  /** Polar's order id keys the money (a UUID, no prefix). */
  @Override
  public PaymentRef paymentRef(String id) {
    return PaymentRef.key(id);
  }

  @Override
  public int exponent(String currency) {
    return documentedExponent(currency);
  }

  @Override
  public ParseOutcome parse(WebhookEnvelope envelope, MetadataKeys keys) {
    JsonNode event = Json.readObject(envelope.body(), "polar body");
    String type = Json.requiredText(event, "type", "polar body");
    return switch (type) {
      case "order.paid" ->
          order(envelope, event, type, Json.requiredObject(event, "data", "polar event"), keys);
      case "refund.created", "refund.updated" ->
          refund(envelope, event, type, Json.requiredObject(event, "data", "polar event"));
      default -> new ParseOutcome.Ignored(type);
    };
  }

  private static ParseOutcome order(
      WebhookEnvelope env, JsonNode event, String type, JsonNode order, MetadataKeys keys) {
    String currency = Json.requiredText(order, "currency", "polar order");
    long amount = Json.requiredLong(order, "total_amount", "polar order");
    JsonNode customer = order.get("customer");
    JsonNode subscription = order.get("subscription");
    JsonNode[] metadata = {
      order.get("metadata"),
      subscription == null ? null : subscription.get("metadata"),
      customer == null ? null : customer.get("metadata")
    };
    String customerId = Json.text(order, "customer_id");
    if (customerId == null) {
      customerId = Json.text(customer, "id");
    }
    String billingReason = Json.text(order, "billing_reason");
    return new ParseOutcome.Payment(
        PaymentEvent.builder()
            .envelope(env)
            .eventType(type)
            .paymentKey(Json.requiredText(order, "id", "polar order"))
            .amount(amount, currency, documentedExponent(currency))
            .occurredAtMillis(
                Json.firstIsoMillis(
                    env.receivedAtMillis(),
                    Json.text(event, "timestamp"),
                    Json.text(order, "created_at")))
            .visitorId(keys.visitorId(metadata))
            .sessionId(keys.sessionId(metadata[0], metadata[1]))
            .customerId(customerId)
            .email(Json.text(customer, "email"))
            .subscriptionId(Json.text(order, "subscription_id"))
            .renewal(billingReason != null && RENEWAL_REASONS.contains(billingReason))
            .promoCode(promoCode(order))
            .build());
  }

  /** The discount's code, else its id; see the class comment. */
  private static String promoCode(JsonNode order) {
    String code = Json.text(order.get("discount"), "code");
    return code != null ? code : Json.text(order, "discount_id");
  }

  private static ParseOutcome refund(
      WebhookEnvelope env, JsonNode event, String type, JsonNode refund) {
    String status = Json.requiredText(refund, "status", "polar refund");
    if (!"succeeded".equals(status)) {
      return new ParseOutcome.Ignored(type + ":" + status);
    }
    String currency = Json.requiredText(refund, "currency", "polar refund");
    long amount = Json.requiredLong(refund, "amount", "polar refund");
    long tax =
        refund.hasNonNull("tax_amount")
            ? Json.requiredLong(refund, "tax_amount", "polar refund")
            : 0;
    if (amount > Long.MAX_VALUE - tax) {
      throw new MalformedPayloadException("polar refund.amount is out of range");
    }
    return new ParseOutcome.Refund(
        RefundEvent.builder()
            .envelope(env)
            .eventType(type)
            .refundKey(Json.requiredText(refund, "id", "polar refund"))
            .paymentKey(Json.requiredText(refund, "order_id", "polar refund"))
            .amount(amount + tax, currency, documentedExponent(currency))
            .occurredAtMillis(
                Json.firstIsoMillis(
                    env.receivedAtMillis(),
                    Json.text(event, "timestamp"),
                    Json.text(refund, "created_at")))
            .build());
  }

  /** Polar's minor-unit digits: its documented exceptions, else ISO 4217. */
  static int documentedExponent(String currency) {
    Integer documented = EXPONENTS.get(CurrencyExponents.normalize(currency));
    return documented != null ? documented : CurrencyExponents.iso4217(currency);
  }
}
