package dev.tributary.job.payments.woocommerce;

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
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * WooCommerce order webhooks ({@code order.created}, {@code order.updated}) with the WP REST API
 * payload (webhook API version v3, the default): the order itself. WooCommerce builds the body when
 * it delivers, not when the event happened, and the topic header is neither signed nor forwarded;
 * so every body is read as the order's whole state:
 *
 * <ul>
 *   <li>{@code status} {@code processing} or {@code completed} (WooCommerce's "payment received"
 *       states), or {@code refunded} with a {@code date_paid} → payment keyed by the order {@code
 *       id}. Every later body of the order (completed after processing, any other update, a
 *       repeated delivery) is the same payment again and merges with it, so it counts once;
 *   <li>a non-empty {@code refunds} list → a running total: the sum of its {@code total}s (negative
 *       decimal strings) as a cumulative refund of the order. The ledger keeps the largest total
 *       reported, so a repeated or replayed body, or a later update listing the same refunds, adds
 *       nothing, and a new refund raises the total by its amount. (A refund deleted in WooCommerce
 *       is not taken back.)
 *   <li>both → {@link ParseOutcome.PaymentAndRefund}: the refunded order may be the first body of
 *       it the job sees;
 *   <li>any other status ({@code pending}, {@code on-hold}, {@code failed}, {@code cancelled}, …)
 *       without refunds, a deleted order ({@code {"id":…}} only) and other resources → ignored.
 * </ul>
 *
 * <p>Money: {@code total} and the refunds' {@code total} in {@code currency}, decimal strings
 * rounded by WooCommerce to the store's price decimals, become exact minor units with the ISO 4217
 * exponent (a value with more decimals than the currency has is refused, never rounded). The
 * tracker's ids: {@code meta_data} {@code [{"id","key","value"}]} under the configured {@link
 * MetadataKeys}. Email: {@code billing.email}; customer: {@code customer_id} (0, a guest, is none);
 * promotion code: the first of {@code coupon_lines[].code} ("Order - Coupon lines properties").
 * WooCommerce marks no order as a test (a gateway's sandbox is the gateway's), so orders count as
 * live. Time: {@code date_paid_gmt}, else {@code date_created_gmt} (GMT, written without an
 * offset); a refund total: {@code date_modified_gmt}. WooCommerce sends no stable event id; the
 * gateway's delivery id (a hash of the body) is the event id. A legacy API payload ({@code
 * {"order":{…}}}) is malformed: the webhook's API version must be a WP REST API one.
 */
public final class WooCommerceParser implements PaymentParser {
  static final String PROVIDER = "woocommerce";

  private static final String ORDER = "woocommerce order";
  private static final String REFUND = "woocommerce order refund";

  private static final Set<String> PAID = Set.of("processing", "completed");

  public WooCommerceParser() {}

  @Override
  public String provider() {
    return PROVIDER;
  }

  /** The order id keys the money. */
  @Override
  public PaymentRef paymentRef(String id) {
    boolean number =
        !id.isEmpty() && id.length() <= 20 && id.chars().allMatch(c -> c >= '0' && c <= '9');
    return number ? PaymentRef.key(id) : null;
  }

  @Override
  public ParseOutcome parse(WebhookEnvelope envelope, MetadataKeys keys) {
    JsonNode order = Json.readObject(envelope.body(), "woocommerce body");
    if (!order.has("order_key")) {
      if (order.path("order").isObject()) {
        throw new MalformedPayloadException(
            "woocommerce body is a legacy API payload; set the webhook's API version to v3");
      }
      return new ParseOutcome.Ignored("not-an-order");
    }
    String status = Json.requiredText(order, "status", ORDER);
    boolean paid =
        PAID.contains(status)
            || ("refunded".equals(status) && Json.text(order, "date_paid") != null);
    ParseOutcome.Refund refund = refunds(envelope, order);
    if (!paid) {
      return refund != null ? refund : new ParseOutcome.Ignored("order." + status);
    }
    ParseOutcome.Payment payment = payment(envelope, order, "order." + status, keys);
    return refund != null ? new ParseOutcome.PaymentAndRefund(payment, refund) : payment;
  }

  private static ParseOutcome.Payment payment(
      WebhookEnvelope env, JsonNode order, String type, MetadataKeys keys) {
    String currency = Json.requiredText(order, "currency", ORDER);
    int exponent = CurrencyExponents.iso4217(currency);
    JsonNode meta = Json.objectOfPairs(order.get("meta_data"), "key", "value");
    String customer = Json.text(order, "customer_id");
    String paidAt =
        Json.text(order, "date_paid_gmt") != null ? "date_paid_gmt" : "date_created_gmt";
    return new ParseOutcome.Payment(
        PaymentEvent.builder()
            .envelope(env)
            .eventType(type)
            .paymentKey(Json.requiredText(order, "id", ORDER))
            .amount(Json.requiredDecimalMinor(order, "total", ORDER, exponent), currency, exponent)
            .occurredAtMillis(gmtMillis(order, paidAt, env.receivedAtMillis()))
            .visitorId(keys.visitorId(meta))
            .sessionId(keys.sessionId(meta))
            .customerId("0".equals(customer) ? null : customer)
            .email(Json.text(order.get("billing"), "email"))
            .promoCode(PromoCodes.first(order.get("coupon_lines"), line -> Json.text(line, "code")))
            .build());
  }

  /** The running total of the order's refunds; null when it lists none. */
  private static ParseOutcome.Refund refunds(WebhookEnvelope env, JsonNode order) {
    JsonNode refunds = order.get("refunds");
    if (refunds == null || refunds.isNull()) {
      return null;
    }
    if (!refunds.isArray()) {
      throw new MalformedPayloadException(ORDER + ".refunds is not a list");
    }
    if (refunds.isEmpty()) {
      return null;
    }
    String currency = Json.requiredText(order, "currency", ORDER);
    int exponent = CurrencyExponents.iso4217(currency);
    long total = 0;
    for (JsonNode refund : refunds) {
      // "-10.00": WooCommerce lists what went back as a negative total
      long amount = Math.abs(Json.requiredDecimalMinor(refund, "total", REFUND, exponent));
      try {
        total = Math.addExact(total, amount);
      } catch (ArithmeticException e) {
        throw new MalformedPayloadException(REFUND + "s are beyond any real payment");
      }
    }
    return new ParseOutcome.Refund(
        RefundEvent.builder()
            .envelope(env)
            .eventType("order.refunds")
            .paymentKey(Json.requiredText(order, "id", ORDER))
            .amount(total, currency, exponent)
            .cumulative()
            .occurredAtMillis(gmtMillis(order, "date_modified_gmt", env.receivedAtMillis()))
            .build());
  }

  /**
   * A {@code *_gmt} date: WooCommerce writes GMT without an offset ({@code 2017-03-22T19:28:08});
   * one with an offset is read as such. {@code fallback} when missing; refused when unreadable.
   */
  private static long gmtMillis(JsonNode order, String field, long fallback) {
    String text = Json.text(order, field);
    if (text == null) {
      return fallback;
    }
    Long withOffset = Json.isoMillisOrNull(text);
    if (withOffset != null) {
      return withOffset;
    }
    try {
      return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new MalformedPayloadException(ORDER + "." + field + " is not a date");
    }
  }
}
