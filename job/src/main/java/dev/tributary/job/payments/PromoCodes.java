package dev.tributary.job.payments;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;

/**
 * Reading the promotion code a payer used, where a provider lists the discounts of a payment
 * (Shopify's {@code discount_codes}, WooCommerce's {@code coupon_lines}, Stripe's {@code
 * discounts}): the first entry that names one stands, as {@link PaymentEvent#promoCode()} keeps one
 * code. Which field names the code is the provider's; each parser's class comment says it.
 */
public final class PromoCodes {
  private PromoCodes() {}

  /**
   * The code of the first entry of {@code list} for which {@code code} returns one; null when
   * {@code list} is not an array or no entry names a code. {@code code} gets every entry as it is
   * (an object, a string, anything) and returns null for one it cannot read.
   */
  public static String first(JsonNode list, Function<JsonNode, String> code) {
    if (list == null || !list.isArray()) {
      return null;
    }
    for (JsonNode entry : list) {
      String found = code.apply(entry);
      if (found != null) {
        return found;
      }
    }
    return null;
  }
}
