package dev.tributary.job.payments.paystack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.regex.Pattern;

/**
 * Paystack webhooks: {@code {"event":…,"data":{…}}}, signed with HMAC-SHA512 under the
 * integration's secret key. Paystack sends no event id (neither header nor body), so the gateway's
 * delivery id is the SHA-256 of the body: identical retries share it.
 *
 * <p><b>Payment key</b>: the transaction reference {@code data.reference} — the merchant's own
 * reference (or the one Paystack generated), unique per integration, what a merchant verifies a
 * transaction with, and the id that refunds ({@code transaction_reference}) and subscription
 * invoices ({@code transaction.reference}) name. The numeric {@code data.id} is not used.
 *
 * <ul>
 *   <li>{@code charge.success}: {@code data.amount} in the currency's subunits (kobo, pesewas,
 *       cents; an integer, or a string of digits in some of Paystack's own samples) of {@code
 *       data.currency}; the time {@code paid_at}, else {@code paidAt}, else {@code created_at}; the
 *       tracker's ids from {@code data.metadata}, then from its {@code custom_fields} (an entry's
 *       {@code variable_name} is the key, its {@code value} the id: Payment Pages and the popup
 *       pass extra data only this way), then, for the visitor only, {@code data.customer.metadata}
 *       (it outlives the checkout, so a session there would be stale); customer {@code
 *       customer.customer_code}, email {@code customer.email}. {@code data.metadata} is an object,
 *       a string holding a JSON object, or {@code 0}/{@code ""}/{@code null} (no ids).
 *   <li>{@code invoice.create}, {@code invoice.update} that say {@code paid}: the charge Paystack's
 *       subscription engine made for a billing cycle. Key {@code transaction.reference}, amount
 *       {@code transaction.amount} of {@code transaction.currency}, subscription {@code
 *       subscription.subscription_code}, renewal: the {@code charge.success} of the same money has
 *       the same reference, so the two merge into one payment, counted once and flagged renewal.
 *       (The subscribing transaction itself is a plain {@code charge.success}: it has no invoice. A
 *       subscription created through the API on a saved card is charged its first cycle by invoice,
 *       so that charge is flagged renewal too.) An unpaid invoice is ignored.
 *   <li>{@code refund.processed}: one refund of {@code transaction_reference}, {@code amount}
 *       (subunits, a string in Paystack's sample) of {@code currency}. Paystack's refund events
 *       carry no refund id: the key is {@code refund_reference}, else the delivery id, so an
 *       identical retry counts once. {@code refund.pending}, {@code .processing} and {@code
 *       .failed} move no money and are ignored.
 * </ul>
 *
 * <p>No promotion code: Paystack's {@code charge.success} and invoice payloads name no coupon or
 * discount (a transaction carries its amount, fees, channel, plan, customer and authorization), so
 * a Paystack payment has none; a merchant who applies codes can report them through the Payment
 * API's {@code promoCode}.
 *
 * <p>{@code data.domain} {@code test} marks test mode. Exponents: Paystack's documented subunits
 * (NGN kobo, GHS pesewas, ZAR/KES/USD cents) are ISO 4217's two digits, so every currency follows
 * ISO 4217.
 */
public final class PaystackParser implements PaymentParser {
  static final String PROVIDER = "paystack";

  private static final Pattern DIGITS = Pattern.compile("\\d{1,18}");

  public PaystackParser() {}

  @Override
  public String provider() {
    return PROVIDER;
  }

  /** The transaction reference is the key; a merchant reports the same reference. */
  @Override
  public PaymentRef paymentRef(String reference) {
    return PaymentRef.key(reference);
  }

  @Override
  public ParseOutcome parse(WebhookEnvelope envelope, MetadataKeys keys) {
    JsonNode event = Json.readObject(envelope.body(), "paystack body");
    String type = Json.requiredText(event, "event", "paystack body");
    return switch (type) {
      case "charge.success" ->
          charge(envelope, type, Json.requiredObject(event, "data", "paystack event"), keys);
      case "invoice.create", "invoice.update" ->
          invoice(envelope, type, Json.requiredObject(event, "data", "paystack event"), keys);
      case "refund.processed" ->
          refund(envelope, type, Json.requiredObject(event, "data", "paystack event"));
      default -> new ParseOutcome.Ignored(type);
    };
  }

  private static ParseOutcome charge(
      WebhookEnvelope env, String type, JsonNode data, MetadataKeys keys) {
    String status = Json.text(data, "status");
    if (status != null && !"success".equals(status)) {
      return new ParseOutcome.Ignored(type + ":" + status);
    }
    String currency = Json.requiredText(data, "currency", "paystack transaction");
    JsonNode customer = data.get("customer");
    JsonNode metadata = metadataObject(data.get("metadata"));
    JsonNode customFields = customFields(metadata);
    JsonNode customerMetadata = metadataObject(customer == null ? null : customer.get("metadata"));
    return new ParseOutcome.Payment(
        PaymentEvent.builder()
            .envelope(env)
            .eventType(type)
            .paymentKey(Json.requiredText(data, "reference", "paystack transaction"))
            .amount(
                subunits(data, "amount", "paystack transaction"),
                currency,
                CurrencyExponents.iso4217(currency))
            .occurredAtMillis(
                Json.firstIsoMillis(
                    env.receivedAtMillis(),
                    Json.text(data, "paid_at"),
                    Json.text(data, "paidAt"),
                    Json.text(data, "created_at")))
            .visitorId(keys.visitorId(metadata, customFields, customerMetadata))
            .sessionId(keys.sessionId(metadata, customFields))
            .customerId(Json.text(customer, "customer_code"))
            .email(Json.text(customer, "email"))
            .livemode(livemode(data))
            .build());
  }

  private static ParseOutcome invoice(
      WebhookEnvelope env, String type, JsonNode data, MetadataKeys keys) {
    if (!data.path("paid").asBoolean(false)) {
      return new ParseOutcome.Ignored(type + ":unpaid");
    }
    JsonNode transaction = Json.requiredObject(data, "transaction", "paystack invoice");
    String currency = Json.requiredText(transaction, "currency", "paystack invoice transaction");
    long amount =
        transaction.hasNonNull("amount")
            ? subunits(transaction, "amount", "paystack invoice transaction")
            : subunits(data, "amount", "paystack invoice");
    JsonNode customer = data.get("customer");
    JsonNode customerMetadata = metadataObject(customer == null ? null : customer.get("metadata"));
    JsonNode subscription = data.get("subscription");
    return new ParseOutcome.Payment(
        PaymentEvent.builder()
            .envelope(env)
            .eventType(type)
            .paymentKey(Json.requiredText(transaction, "reference", "paystack invoice transaction"))
            .amount(amount, currency, CurrencyExponents.iso4217(currency))
            .occurredAtMillis(
                Json.firstIsoMillis(
                    env.receivedAtMillis(),
                    Json.text(data, "paid_at"),
                    Json.text(data, "created_at")))
            .visitorId(keys.visitorId(customerMetadata))
            .customerId(Json.text(customer, "customer_code"))
            .email(Json.text(customer, "email"))
            .subscriptionId(Json.text(subscription, "subscription_code"))
            .renewal(true)
            .livemode(livemode(data))
            .build());
  }

  private static ParseOutcome refund(WebhookEnvelope env, String type, JsonNode data) {
    String currency = Json.requiredText(data, "currency", "paystack refund");
    String refundReference = Json.text(data, "refund_reference");
    return new ParseOutcome.Refund(
        RefundEvent.builder()
            .envelope(env)
            .eventType(type)
            .refundKey(refundReference != null ? refundReference : env.deliveryId())
            .paymentKey(Json.requiredText(data, "transaction_reference", "paystack refund"))
            .amount(
                subunits(data, "amount", "paystack refund"),
                currency,
                CurrencyExponents.iso4217(currency))
            .livemode(livemode(data))
            .build());
  }

  /**
   * An amount in subunits: an integer as {@link Json#requiredLong} takes it, or a string of at most
   * 18 digits (Paystack sends {@code "5000"} in places); a fraction, a sign or anything else is
   * refused rather than rounded.
   */
  static long subunits(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v != null && v.isTextual()) {
      String digits = v.textValue().strip();
      if (!DIGITS.matcher(digits).matches()) {
        throw new MalformedPayloadException(where + "." + field + " is not an integer");
      }
      return Long.parseLong(digits);
    }
    return Json.requiredLong(node, field, where);
  }

  /**
   * The metadata as an object: an object as it is, a string holding a JSON object parsed; anything
   * else ({@code 0}, {@code ""}, {@code null}, free text) is no metadata.
   */
  static JsonNode metadataObject(JsonNode value) {
    if (value == null) {
      return null;
    }
    if (value.isObject()) {
      return value;
    }
    if (value.isTextual() && value.textValue().strip().startsWith("{")) {
      try {
        return Json.readObject(value.textValue(), "paystack metadata");
      } catch (MalformedPayloadException e) {
        return null; // text that only looks like JSON: the merchant's, not ids
      }
    }
    return null;
  }

  /**
   * {@code metadata.custom_fields} ({@code [{"display_name","variable_name","value"}]}) as one
   * object of {@code variable_name → value}, the first of each name; null without any.
   */
  static JsonNode customFields(JsonNode metadata) {
    JsonNode fields = metadata == null ? null : metadata.get("custom_fields");
    if (fields == null || !fields.isArray()) {
      return null;
    }
    ObjectNode byName = JsonNodeFactory.instance.objectNode();
    for (JsonNode field : fields) {
      String name = Json.text(field, "variable_name");
      JsonNode value = field.get("value");
      if (name != null
          && value != null
          && value.isValueNode()
          && !value.isNull()
          && !byName.has(name)) {
        byName.set(name, value);
      }
    }
    return byName.isEmpty() ? null : byName;
  }

  /** {@code domain} {@code test} is test mode; {@code live} or none counts as live. */
  private static boolean livemode(JsonNode data) {
    return !"test".equals(Json.text(data, "domain"));
  }
}
