package dev.tributary.job.payments.creem;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Creem webhooks: {@code {"id":"evt_…","eventType":…,"created_at":<epoch millis>,"object":{…}}},
 * signed with hex HMAC-SHA256 in {@code creem-signature}. The event {@code id} is the gateway's
 * delivery id.
 *
 * <p><b>Payment key</b>: the transaction id ({@code tran_…}). Refunds name it ({@code
 * object.transaction.id}), {@code subscription.paid} names it ({@code last_transaction}), and a
 * current order carries it ({@code order.transaction}), so the {@code checkout.completed} and the
 * {@code subscription.paid} of a subscription's first charge are one payment. A {@code
 * checkout.completed} whose order names no transaction (the shape of Creem's 2024 docs sample) is
 * keyed by its order id ({@code ord_…}) and cannot meet a refund or a {@code subscription.paid}.
 *
 * <ul>
 *   <li>{@code checkout.completed} (order {@code status} {@code paid}): the order's {@code
 *       amount_paid} (what the customer paid: after discount, with tax, the same basis as Creem's
 *       {@code refund_amount}), else {@code amount_due}, else {@code amount} (in the docs sample
 *       the price before tax); its {@code currency}. The tracker's ids from {@code
 *       object.metadata}, then {@code object.subscription.metadata} (Creem copies the checkout's
 *       metadata to the subscription); customer {@code object.customer.id}, email {@code
 *       object.customer.email}, subscription {@code object.subscription.id}. The order and checkout
 *       ids are aliases of the money, for Payment API calls that name them. The promotion code: the
 *       order's {@code discount} ("the discount ID of the order", {@code dis_…}; absent from the
 *       2024 docs sample). {@code custom_fields} (what the buyer typed) are not read.
 *   <li>{@code subscription.paid} ("a subscription transaction was paid"; also sent for the first
 *       charge): with {@code object.last_transaction} (the SDK's {@code SubscriptionEntity}), one
 *       payment of its {@code amount_paid} (else {@code amount}) and {@code currency}, ids from the
 *       subscription's {@code metadata}. Renewal: the billing period it pays started more than a
 *       day after the subscription was created ({@code last_transaction.period_start}, else {@code
 *       current_period_start_date}, against {@code created_at}): a first period starts with its
 *       subscription and Creem bills at most monthly, and the first charge after a trial counts as
 *       a renewal, as Stripe's {@code subscription_cycle} does. Without {@code last_transaction}
 *       (the docs sample) the amount is unknown: a first-period event is ignored, since its {@code
 *       checkout.completed} books that money, and a later one is refused with a reason rather than
 *       booked at a guessed price.
 *   <li>{@code refund.created} once {@code status} is {@code succeeded}: one refund {@code
 *       object.id} ({@code ref_…}) of {@code transaction.id}, {@code refund_amount} of {@code
 *       refund_currency}.
 * </ul>
 *
 * <p>Other events ({@code subscription.active}, {@code .canceled}, {@code dispute.created}, …) are
 * ignored. Test mode: {@code mode} {@code test}, {@code sandbox} (or {@code local}, in Creem's docs
 * samples); {@code prod} is live. Amounts are integers "in cents" (Creem's words) of ISO
 * currencies: ISO 4217 exponents. The time is the object's own {@code created_at} where it has one
 * in epoch millis (a transaction, a refund), else the event's {@code created_at}.
 */
public final class CreemParser implements PaymentParser {
  static final String PROVIDER = "creem";

  private static final Set<String> TEST_MODES = Set.of("test", "sandbox", "local");

  /** A billing period starting later than this after its subscription is not the first one. */
  static final Duration FIRST_PERIOD_SLACK = Duration.ofDays(1);

  public CreemParser() {}

  @Override
  public String provider() {
    return PROVIDER;
  }

  /**
   * A transaction id is the key; an order or checkout id is another name of the money, linked by
   * the {@code checkout.completed} that reveals both (an order keyed by its own id because it names
   * no transaction is found under that id after the link wait).
   */
  @Override
  public PaymentRef paymentRef(String id) {
    if (id.startsWith("tran_")) {
      return PaymentRef.key(id);
    }
    if (id.startsWith("ord_") || id.startsWith("ch_")) {
      return PaymentRef.linkedBy(id);
    }
    return null;
  }

  @Override
  public ParseOutcome parse(WebhookEnvelope envelope, MetadataKeys keys) {
    JsonNode event = Json.readObject(envelope.body(), "creem body");
    String type = Json.requiredText(event, "eventType", "creem body");
    return switch (type) {
      case "checkout.completed" ->
          checkout(
              envelope, event, type, Json.requiredObject(event, "object", "creem event"), keys);
      case "subscription.paid" ->
          subscriptionPaid(
              envelope, event, type, Json.requiredObject(event, "object", "creem event"), keys);
      case "refund.created" ->
          refund(envelope, event, type, Json.requiredObject(event, "object", "creem event"));
      default -> new ParseOutcome.Ignored(type);
    };
  }

  private static ParseOutcome checkout(
      WebhookEnvelope env, JsonNode event, String type, JsonNode checkout, MetadataKeys keys) {
    JsonNode order = Json.requiredObject(checkout, "order", "creem checkout");
    String status = Json.text(order, "status");
    if (status != null && !"paid".equals(status)) {
      return new ParseOutcome.Ignored(type + ":" + status);
    }
    String orderId = Json.requiredText(order, "id", "creem order");
    String transactionId = Json.text(order, "transaction");
    String currency = Json.requiredText(order, "currency", "creem order");
    JsonNode customer = checkout.get("customer");
    JsonNode subscription = checkout.get("subscription");
    JsonNode[] metadata = {
      checkout.get("metadata"), subscription == null ? null : subscription.get("metadata")
    };
    String customerId = Json.idOf(checkout, "customer");
    if (customerId == null) {
      customerId = Json.text(order, "customer");
    }
    String mode = Json.text(checkout, "mode");
    if (mode == null) {
      mode = Json.text(order, "mode");
    }
    PaymentEvent payment =
        PaymentEvent.builder()
            .envelope(env)
            .eventType(type)
            .paymentKey(transactionId != null ? transactionId : orderId)
            .amount(paid(order, "creem order"), currency, CurrencyExponents.iso4217(currency))
            .occurredAtMillis(
                epochMillis(
                    event,
                    "created_at",
                    Json.firstIsoMillis(env.receivedAtMillis(), Json.text(order, "created_at"))))
            .visitorId(keys.visitorId(metadata))
            .sessionId(keys.sessionId(metadata))
            .customerId(customerId)
            .email(customer != null && customer.isObject() ? Json.text(customer, "email") : null)
            .subscriptionId(Json.idOf(checkout, "subscription"))
            .livemode(livemode(mode))
            .promoCode(Json.idOf(order, "discount"))
            .build();
    List<String> aliases = new ArrayList<>();
    if (transactionId != null) {
      aliases.add(orderId);
    }
    String checkoutId = Json.text(checkout, "id");
    if (checkoutId != null) {
      aliases.add(checkoutId);
    }
    return new ParseOutcome.Payment(payment, aliases);
  }

  private static ParseOutcome subscriptionPaid(
      WebhookEnvelope env, JsonNode event, String type, JsonNode subscription, MetadataKeys keys) {
    JsonNode transaction = subscription.get("last_transaction");
    Long periodStart =
        transaction != null && transaction.isObject()
            ? epochMillisOrNull(transaction, "period_start")
            : null;
    if (periodStart == null) {
      periodStart = Json.isoMillisOrNull(Json.text(subscription, "current_period_start_date"));
    }
    Long created = Json.isoMillisOrNull(Json.text(subscription, "created_at"));
    boolean known = periodStart != null && created != null;
    boolean firstPeriod = known && periodStart - created < FIRST_PERIOD_SLACK.toMillis();
    if (transaction == null || !transaction.isObject()) {
      if (firstPeriod) {
        return new ParseOutcome.Ignored(type + ":first");
      }
      throw new MalformedPayloadException("creem subscription.paid has no last_transaction");
    }
    String currency = Json.requiredText(transaction, "currency", "creem transaction");
    JsonNode customer = subscription.get("customer");
    JsonNode metadata = subscription.get("metadata");
    return new ParseOutcome.Payment(
        PaymentEvent.builder()
            .envelope(env)
            .eventType(type)
            .paymentKey(Json.requiredText(transaction, "id", "creem transaction"))
            .amount(
                paid(transaction, "creem transaction"),
                currency,
                CurrencyExponents.iso4217(currency))
            .occurredAtMillis(
                epochMillis(
                    transaction,
                    "created_at",
                    epochMillis(event, "created_at", env.receivedAtMillis())))
            .visitorId(keys.visitorId(metadata))
            .sessionId(keys.sessionId(metadata))
            .customerId(Json.idOf(subscription, "customer"))
            .email(customer != null && customer.isObject() ? Json.text(customer, "email") : null)
            .subscriptionId(Json.requiredText(subscription, "id", "creem subscription"))
            .renewal(known && !firstPeriod)
            .livemode(livemode(Json.text(subscription, "mode")))
            .build());
  }

  private static ParseOutcome refund(
      WebhookEnvelope env, JsonNode event, String type, JsonNode refund) {
    String status = Json.requiredText(refund, "status", "creem refund");
    if (!"succeeded".equals(status)) {
      return new ParseOutcome.Ignored(type + ":" + status);
    }
    String paymentKey = Json.idOf(refund, "transaction");
    if (paymentKey == null) {
      throw new MalformedPayloadException("creem refund has no transaction");
    }
    String currency = Json.requiredText(refund, "refund_currency", "creem refund");
    return new ParseOutcome.Refund(
        RefundEvent.builder()
            .envelope(env)
            .eventType(type)
            .refundKey(Json.requiredText(refund, "id", "creem refund"))
            .paymentKey(paymentKey)
            .amount(
                Json.requiredLong(refund, "refund_amount", "creem refund"),
                currency,
                CurrencyExponents.iso4217(currency))
            .occurredAtMillis(
                epochMillis(
                    refund, "created_at", epochMillis(event, "created_at", env.receivedAtMillis())))
            .livemode(livemode(Json.text(refund, "mode")))
            .build());
  }

  /**
   * What the customer paid: {@code amount_paid}, else {@code amount_due}, else {@code amount}, the
   * first present one, an integer in minor units.
   */
  private static long paid(JsonNode node, String where) {
    for (String field : new String[] {"amount_paid", "amount_due"}) {
      if (node.hasNonNull(field)) {
        return Json.requiredLong(node, field, where);
      }
    }
    return Json.requiredLong(node, "amount", where);
  }

  /** {@code field} as epoch milliseconds when it is a positive integer, else {@code fallback}. */
  private static long epochMillis(JsonNode node, String field, long fallback) {
    Long millis = epochMillisOrNull(node, field);
    return millis != null ? millis : fallback;
  }

  private static Long epochMillisOrNull(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isIntegralNumber() && v.canConvertToLong() && v.longValue() > 0
        ? v.longValue()
        : null;
  }

  /** {@code test}, {@code sandbox} and {@code local} are test modes; {@code prod} or none live. */
  private static boolean livemode(String mode) {
    return mode == null || !TEST_MODES.contains(mode);
  }
}
