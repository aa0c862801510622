package dev.tributary.job.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.job.payments.PaymentEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * What a provider's promotion code field may hold besides a code, and what {@link
 * PaymentEvent#promoCode()} must make of it: every parser's test feeds these to the field it reads
 * and expects a payment every time, never a failure.
 */
public final class PromoCodeCases {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private PromoCodeCases() {}

  /** The value in the payload → the code the payment must carry (null: none). */
  public static Map<JsonNode, String> cases() {
    Map<JsonNode, String> cases = new LinkedHashMap<>();
    cases.put(NODES.nullNode(), null);
    cases.put(NODES.textNode(""), null);
    cases.put(NODES.textNode(" \t "), null);
    // a NUL byte (PostgreSQL text cannot hold it) and a bidi override go; the code stays
    cases.put(NODES.textNode("SPR\u0000ING\u202e"), "SPRING");
    // far beyond any code a provider issues: cut, never refused
    cases.put(NODES.textNode("X".repeat(10_000)), "X".repeat(PaymentEvent.MAX_PROMO_CODE_LENGTH));
    cases.put(NODES.numberNode(42), "42");
    cases.put(NODES.objectNode(), null);
    cases.put(NODES.arrayNode().add("SPRING"), null);
    return cases;
  }

  /**
   * Parses {@code bodyWith(value)} for every case: each is a payment whose code is the expected
   * one.
   *
   * @param bodyWith the provider's payload with its code field set to the given value
   */
  public static void areHarmless(ParserProbe probe, Function<JsonNode, String> bodyWith) {
    cases()
        .forEach(
            (value, expected) ->
                assertThat(probe.payment("dlv_code", bodyWith.apply(value)).promoCode())
                    .as("promotion code %s", abbreviated(value))
                    .isEqualTo(expected));
  }

  /**
   * {@link #areHarmless(ParserProbe, Function)} for a payload that is one JSON object: {@code
   * setCode} puts the value where the provider names its code.
   */
  public static void areHarmless(
      ParserProbe probe, ObjectNode payload, BiConsumer<ObjectNode, JsonNode> setCode) {
    areHarmless(
        probe,
        code -> {
          setCode.accept(payload, code);
          return payload.toString();
        });
  }

  private static String abbreviated(JsonNode value) {
    String s = value.toString();
    return s.length() > 40 ? s.substring(0, 40) + "… (" + s.length() + " characters)" : s;
  }
}
