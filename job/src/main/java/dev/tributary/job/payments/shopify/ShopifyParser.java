package dev.tributary.job.payments.shopify;

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
import java.util.Set;

/**
 * Shopify webhooks: the REST representation of the resource itself, with no envelope. The topic is
 * only in the {@code X-Shopify-Topic} header, which Shopify does not sign (the HMAC covers the
 * body) and the gateway does not forward; so the parser tells the resource by its shape and decides
 * on signed fields only:
 *
 * <ul>
 *   <li>an order (it has {@code financial_status}) that is {@code paid}, {@code partially_refunded}
 *       or {@code refunded} → payment keyed by the order {@code id}. {@code orders/paid} is the
 *       topic to subscribe; an {@code orders/create} or {@code orders/updated} of the same paid
 *       order merges with it into one payment. {@code pending}, {@code authorized}, {@code
 *       partially_paid}, {@code voided} (nothing, or not all of it, captured) are ignored;
 *   <li>a refund ({@code refunds/create}: it has {@code order_id} and a {@code transactions} list)
 *       → one refund keyed by its {@code id}, of the payment {@code order_id}, for the sum of its
 *       transactions of {@code kind} {@code refund} with {@code status} {@code success}. A refund
 *       that moved no money (a restock only, or its transactions pending or failed) is ignored;
 *   <li>anything else (other topics) is ignored.
 * </ul>
 *
 * <p>Money is the presentment currency, what the customer paid in: the order's {@code
 * total_price_set.presentment_money}, and the refund transactions' {@code amount} in their {@code
 * currency}, which Shopify gives in the presentment currency (refunds are made in it, and the
 * payload carries no shop-currency amount of the money moved). So a payment and its refunds share a
 * currency, as the ledger requires; in a single-currency shop it is the shop currency. A payload
 * without {@code total_price_set} (API versions before 2019-10) is read from {@code total_price} in
 * {@code currency} when no other {@code presentment_currency} is named. Decimal strings become
 * exact minor units with the ISO 4217 exponent.
 *
 * <p>The tracker's ids are cart attributes: {@code note_attributes} {@code [{"name","value"}]}
 * under the configured {@link MetadataKeys}. Email: {@code email}, else {@code contact_email}, else
 * {@code customer.email}; customer: {@code customer.id}. Test mode: the order's {@code test}; a
 * refund is a test if a transaction it counts is. Time: {@code processed_at}, else {@code
 * created_at}. Shopify's webhook id is the event id (the gateway's delivery id).
 *
 * <p>Campaign evidence the order carries besides the tracker's ids: the promotion code, {@code
 * discount_codes[].code} (the first), and where its buyer came from, {@code landing_site} ("the URL
 * for the page where the buyer landed when they entered the shop": a path such as {@code
 * /products/x?utm_source=newsletter} or a whole address) and {@code referring_site} ("the website
 * where the customer clicked a link to the shop"). An order that names no visitor is attributed to
 * the touch those two make ({@code attribution.LandingEvidence}).
 */
public final class ShopifyParser implements PaymentParser {
  static final String PROVIDER = "shopify";

  private static final String ORDER = "shopify order";
  private static final String REFUND = "shopify refund";
  private static final String TRANSACTION = "shopify refund transaction";

  /** Financial states in which the order's total has been captured. */
  private static final Set<String> PAID = Set.of("paid", "partially_refunded", "refunded");

  private static final String GID_ORDER = "gid://shopify/Order/";
  private static final String GID_REFUND = "gid://shopify/Refund/";

  public ShopifyParser() {}

  @Override
  public String provider() {
    return PROVIDER;
  }

  /** The order id keys the money, as a number or as its Admin GraphQL id. */
  @Override
  public PaymentRef paymentRef(String id) {
    String plain = id.startsWith(GID_ORDER) ? id.substring(GID_ORDER.length()) : id;
    return isNumber(plain) ? PaymentRef.key(plain) : null;
  }

  @Override
  public String refundKey(String providerRefundId) {
    return providerRefundId.startsWith(GID_REFUND)
        ? providerRefundId.substring(GID_REFUND.length())
        : providerRefundId;
  }

  @Override
  public ParseOutcome parse(WebhookEnvelope envelope, MetadataKeys keys) {
    JsonNode body = Json.readObject(envelope.body(), "shopify body");
    if (body.has("financial_status")) {
      return order(envelope, body, keys);
    }
    if (body.has("order_id") && body.path("transactions").isArray()) {
      return refund(envelope, body);
    }
    return new ParseOutcome.Ignored("not-an-order-or-refund");
  }

  private static ParseOutcome order(WebhookEnvelope env, JsonNode order, MetadataKeys keys) {
    String status = Json.requiredText(order, "financial_status", ORDER);
    String type = "order." + status;
    if (!PAID.contains(status)) {
      return new ParseOutcome.Ignored(type);
    }
    JsonNode attributes = Json.objectOfPairs(order.get("note_attributes"), "name", "value");
    JsonNode customer = order.get("customer");
    String email = Json.text(order, "email");
    if (email == null) {
      email = Json.text(order, "contact_email");
    }
    if (email == null) {
      email = Json.text(customer, "email");
    }
    PaymentEvent.Builder payment =
        PaymentEvent.builder()
            .envelope(env)
            .eventType(type)
            .paymentKey(Json.requiredText(order, "id", ORDER))
            .visitorId(keys.visitorId(attributes))
            .sessionId(keys.sessionId(attributes))
            .customerId(Json.idOf(order, "customer"))
            .email(email)
            .livemode(!order.path("test").asBoolean(false))
            .occurredAtMillis(occurredAt(order, ORDER, env))
            .promoCode(
                PromoCodes.first(order.get("discount_codes"), code -> Json.text(code, "code")))
            .landingUrl(Json.text(order, "landing_site"))
            .referrerUrl(Json.text(order, "referring_site"));
    total(order, payment);
    return new ParseOutcome.Payment(payment.build());
  }

  /** The order's total in the presentment currency; see the class comment. */
  private static void total(JsonNode order, PaymentEvent.Builder payment) {
    JsonNode presentment = order.path("total_price_set").path("presentment_money");
    if (presentment.isObject()) {
      String where = ORDER + " total_price_set.presentment_money";
      String currency = Json.requiredText(presentment, "currency_code", where);
      int exponent = CurrencyExponents.iso4217(currency);
      payment.amount(
          Json.requiredDecimalMinor(presentment, "amount", where, exponent), currency, exponent);
      return;
    }
    String currency = Json.requiredText(order, "currency", ORDER);
    String presentmentCurrency = Json.text(order, "presentment_currency");
    if (presentmentCurrency != null && !presentmentCurrency.equalsIgnoreCase(currency)) {
      throw new MalformedPayloadException(
          ORDER + " in another presentment currency has no total_price_set.presentment_money");
    }
    int exponent = CurrencyExponents.iso4217(currency);
    payment.amount(
        Json.requiredDecimalMinor(order, "total_price", ORDER, exponent), currency, exponent);
  }

  private static ParseOutcome refund(WebhookEnvelope env, JsonNode refund) {
    long amount = 0;
    String currency = null;
    boolean test = false;
    for (JsonNode transaction : refund.get("transactions")) {
      if (!"refund".equals(Json.text(transaction, "kind"))
          || !"success".equals(Json.text(transaction, "status"))) {
        continue;
      }
      String own =
          CurrencyExponents.normalize(Json.requiredText(transaction, "currency", TRANSACTION));
      if (currency != null && !currency.equals(own)) {
        throw new MalformedPayloadException(REFUND + " moves money in two currencies");
      }
      currency = own;
      long part =
          Json.requiredDecimalMinor(
              transaction, "amount", TRANSACTION, CurrencyExponents.iso4217(own));
      if (part < 0) {
        throw new MalformedPayloadException(TRANSACTION + ".amount is negative");
      }
      try {
        amount = Math.addExact(amount, part);
      } catch (ArithmeticException e) {
        throw new MalformedPayloadException(REFUND + " amount is beyond any real payment");
      }
      test |= transaction.path("test").asBoolean(false);
    }
    if (amount == 0) {
      return new ParseOutcome.Ignored("refund.no-money-moved");
    }
    return new ParseOutcome.Refund(
        RefundEvent.builder()
            .envelope(env)
            .eventType("refund")
            .paymentKey(Json.requiredText(refund, "order_id", REFUND))
            .refundKey(Json.requiredText(refund, "id", REFUND))
            .amount(amount, currency, CurrencyExponents.iso4217(currency))
            .livemode(!test)
            .occurredAtMillis(occurredAt(refund, REFUND, env))
            .build());
  }

  private static long occurredAt(JsonNode resource, String where, WebhookEnvelope env) {
    String field = Json.text(resource, "processed_at") != null ? "processed_at" : "created_at";
    return Json.isoMillis(resource, field, where, env.receivedAtMillis());
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && s.length() <= 20 && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
