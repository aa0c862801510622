package dev.tributary.job.payments.gumroad;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.job.base.Json;
import dev.tributary.job.base.MalformedPayloadException;
import dev.tributary.job.payments.MetadataKeys;
import dev.tributary.job.payments.ParseOutcome;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.payments.PaymentParser;
import dev.tributary.job.payments.PaymentRef;
import dev.tributary.job.payments.RefundEvent;
import dev.tributary.job.payments.WebhookEnvelope;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Gumroad Ping and resource-subscription pings: an {@code application/x-www-form-urlencoded} body
 * (Rails-style nested keys such as {@code url_params[tributary_visitor_id]}); a JSON body is read
 * the same way, since Gumroad can also post JSON.
 *
 * <p>{@code price} is "the price paid, in USD cents" (Gumroad Ping docs; in Gumroad's code it is
 * the purchase's canonical USD {@code price_cents}), whatever the product's listing {@code
 * currency} says, so every amount here is USD with exponent 2.
 *
 * <ul>
 *   <li>{@code resource_name} {@code sale} (or none) → payment keyed by {@code sale_id}; {@code
 *       is_recurring_charge} marks a renewal; a preorder authorization is ignored (the card is
 *       charged, and pinged, at release); a gift is booked at the gifter's {@code gift_price};
 *   <li>{@code refunded=true} (a {@code refund} ping, or a sale ping resent after the refund) →
 *       full refund without an amount; a {@code refund} ping with {@code refunded=false} is a
 *       partial refund whose amount Gumroad does not send and is ignored;
 *   <li>{@code dispute} → full chargeback; {@code dispute_won}, {@code cancellation} and the other
 *       subscription pings are ignored.
 * </ul>
 *
 * Pings carry no event id; the gateway's delivery id is the event id. The promotion code is the
 * sale's {@code offer_code} ("if present", Gumroad's Ping documentation).
 */
public final class GumroadParser implements PaymentParser {
  private static final String CURRENCY = "USD";
  private static final int EXPONENT = 2;
  private static final String PING = "gumroad ping";

  @Override
  public String provider() {
    return "gumroad";
  }

  /** Gumroad's {@code sale_id} keys the money. */
  @Override
  public PaymentRef paymentRef(String id) {
    return PaymentRef.key(id);
  }

  @Override
  public ParseOutcome parse(WebhookEnvelope envelope, MetadataKeys keys) {
    JsonNode ping = read(envelope.body());
    String resource = Json.text(ping, "resource_name");
    if (resource == null) {
      resource = "sale";
    }
    return switch (resource) {
      case "sale" ->
          flag(ping, "refunded")
              ? refund(envelope, ping, resource, false)
              : sale(envelope, ping, resource, keys);
      case "refund" ->
          flag(ping, "refunded")
              ? refund(envelope, ping, resource, false)
              : new ParseOutcome.Ignored("refund:partial");
      case "dispute" -> refund(envelope, ping, resource, true);
      default -> new ParseOutcome.Ignored(resource);
    };
  }

  private static ParseOutcome sale(
      WebhookEnvelope env, JsonNode ping, String type, MetadataKeys keys) {
    String saleId = Json.requiredText(ping, "sale_id", PING);
    if (flag(ping, "is_preorder_authorization")) {
      return new ParseOutcome.Ignored(type + ":preorder_authorization");
    }
    boolean gift = flag(ping, "is_gift_receiver_purchase");
    long amount = cents(ping, gift && ping.has("gift_price") ? "gift_price" : "price");
    String email = gift ? Json.text(ping, "gifter_email") : null;
    if (email == null) {
      email = Json.text(ping, "email");
    }
    JsonNode urlParams = ping.get("url_params");
    JsonNode customFields = ping.get("custom_fields");
    boolean recurring = flag(ping, "is_recurring_charge");
    return new ParseOutcome.Payment(
        PaymentEvent.builder()
            .envelope(env)
            .eventType(type)
            .paymentKey(saleId)
            .amount(amount, CURRENCY, EXPONENT)
            .occurredAtMillis(Json.isoMillis(ping, "sale_timestamp", PING, env.receivedAtMillis()))
            // Custom fields also arrive as top-level keys: the last place to look.
            .visitorId(keys.visitorId(urlParams, customFields, ping))
            .sessionId(keys.sessionId(urlParams, customFields, ping))
            .customerId(Json.text(ping, "purchaser_id"))
            .email(email)
            .subscriptionId(Json.text(ping, "subscription_id"))
            .renewal(recurring)
            .livemode(!flag(ping, "test"))
            .promoCode(Json.text(ping, "offer_code"))
            .build());
  }

  private static ParseOutcome refund(
      WebhookEnvelope env, JsonNode ping, String type, boolean chargeback) {
    RefundEvent.Builder b =
        RefundEvent.builder()
            .envelope(env)
            .eventType(type)
            .paymentKey(Json.requiredText(ping, "sale_id", PING))
            .fullRefundOf(CURRENCY, EXPONENT)
            .livemode(!flag(ping, "test"));
    if (chargeback) {
      b.chargeback();
    }
    return new ParseOutcome.Refund(b.build());
  }

  private static boolean flag(JsonNode ping, String field) {
    return "true".equalsIgnoreCase(Json.text(ping, field));
  }

  /** Integral cents: a digit string (form) or an integer (JSON). */
  private static long cents(JsonNode ping, String field) {
    JsonNode v = ping.get(field);
    if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
      throw new MalformedPayloadException(PING + " has no " + field);
    }
    if (v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= 0) {
      return v.asLong();
    }
    String s = v.isTextual() ? v.asText().trim() : "";
    if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new MalformedPayloadException(PING + " " + field + " is not an integer of cents");
    }
    return Long.parseLong(s);
  }

  /** The ping as a tree: JSON as is, form data with {@code a[b]} keys nested. */
  static JsonNode read(String body) {
    if (body != null && body.stripLeading().startsWith("{")) {
      return Json.readObject(body, "gumroad body");
    }
    if (body == null || body.indexOf('=') < 0) {
      throw new MalformedPayloadException("gumroad body is not form data");
    }
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    for (String pair : body.strip().split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key;
      String value;
      try {
        key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new MalformedPayloadException("gumroad body is not form data");
      }
      if (!key.isEmpty()) {
        put(root, key, value);
      }
    }
    return root;
  }

  /**
   * Sets {@code a[b][c]=v} as {@code {"a":{"b":{"c":"v"}}}}; {@code a[]=v} appends to an array. A
   * key whose brackets do not parse is kept whole at the top level. Later values win.
   */
  private static void put(ObjectNode root, String key, String value) {
    List<String> path = path(key);
    if (path == null) {
      root.put(key, value);
      return;
    }
    boolean append = path.get(path.size() - 1).isEmpty();
    int depth = path.size() - (append ? 2 : 1);
    ObjectNode node = root;
    for (int i = 0; i < depth; i++) {
      JsonNode child = node.get(path.get(i));
      node = child instanceof ObjectNode o ? o : node.putObject(path.get(i));
    }
    String name = path.get(depth);
    if (append) {
      JsonNode existing = node.get(name);
      (existing instanceof ArrayNode a ? a : node.putArray(name)).add(value);
    } else {
      node.put(name, value);
    }
  }

  /** {@code a[b][c]} → [a, b, c]; {@code a} → [a]; null when the brackets are malformed. */
  private static List<String> path(String key) {
    int open = key.indexOf('[');
    if (open <= 0) {
      return open == 0 ? null : List.of(key);
    }
    List<String> path = new ArrayList<>();
    path.add(key.substring(0, open));
    int i = open;
    while (i < key.length()) {
      if (key.charAt(i) != '[') {
        return null;
      }
      int close = key.indexOf(']', i);
      if (close < 0) {
        return null;
      }
      String segment = key.substring(i + 1, close);
      if (segment.isEmpty() && close != key.length() - 1) {
        return null;
      }
      path.add(segment);
      i = close + 1;
    }
    return path;
  }
}
