package dev.tributary.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PaymentValidatorTest {

  private static final String VALID =
      "{\"provider\":\"shopify\",\"providerPaymentId\":\"ord_1001\",\"amount\":\"49.99\","
          + "\"currency\":\"EUR\"}";

  /** The gateway's clock in these tests. */
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  @Test
  void acceptsAMinimalAndAFullPayment() {
    PaymentValidator.validatePayment(body(VALID), NOW);
    PaymentValidator.validatePayment(
        body(
            "{\"provider\":\"my_shop-2\",\"providerPaymentId\":\"x\",\"amount\":49.99,"
                + "\"currency\":\"EUR\",\"visitorId\":\"v_1.a:b-c\",\"sessionId\":\"s_1\","
                + "\"customerEmail\":\"a@b.c\",\"customerId\":\"cus_1\",\"promoCode\":\"SPRING-20\","
                + "\"timestamp\":\"2026-11-23T10:00:00+01:00\",\"livemode\":false,"
                + "\"somethingElse\":[1]}"),
        NOW);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "EUR | \"49.99\"   | ",
        "EUR | \"49.990\"  | ",
        "EUR | 49.99       | ",
        "EUR | 5           | ",
        "JPY | \"5000\"    | ",
        "KWD | \"1.234\"   | ",
        "EUR | \"49.999\"  | must have at most 2 decimal places for EUR",
        "JPY | \"49.5\"    | must have at most 0 decimal places for JPY",
        "EUR | \"0\"       | must be > 0",
        "EUR | -1          | must be > 0",
        "EUR | \"1e3\"     | must be a decimal string such as \"49.99\" or a JSON number",
        "EUR | \"\"        | must be a decimal string such as \"49.99\" or a JSON number",
        "EUR | true        | must be a decimal string such as \"49.99\" or a JSON number",
        "EUR | 1e30        | must be less than 1000000000000000",
        "EUR | 1e400       | must be less than 1000000000000000",
        "EUR | 1E+3        | ",
        "EUR | 4.999e1     | ",
        "EUR | 1E-5        | must have at most 2 decimal places for EUR",
        "EUR | 1e-400      | must have at most 2 decimal places for EUR",
        "EUR | -0          | must be > 0",
        "EUR | -0.0        | must be > 0",
        "EUR | \"-0\"      | must be > 0",
        "EUR | \"0.00\"    | must be > 0",
        "EUR | 999999999999999.99 | ",
        "CLF | 922337203685477.5807 | ",
        "CLF | 922337203685477.5808 | must be at most 922337203685477.5807 for CLF: its minor units must fit a signed 64-bit integer",
        "CLF | 999999999999999.9999 | must be at most 922337203685477.5807 for CLF: its minor units must fit a signed 64-bit integer",
        "EUR | null        | is required",
      })
  void amounts(String currency, String amount, String error) {
    String json =
        "{\"provider\":\"p\",\"providerPaymentId\":\"x\",\"currency\":\""
            + currency
            + "\",\"amount\":"
            + amount
            + "}";

    Map<String, String> fields = errors(json);

    if (error == null) {
      assertThat(fields).isEmpty();
    } else {
      assertThat(fields).containsExactly(Map.entry("amount", error));
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1970-01-01T00:00:00Z      | ",
        "2001-02-03T04:05:06.789Z  | ",
        "2026-12-07T12:00:00Z      | ",
        "2026-12-07T13:00:00+01:00 | ",
        "1969-12-31T23:59:59Z      | must not be before 1970-01-01T00:00:00Z",
        "-0001-01-01T00:00:00Z     | must not be before 1970-01-01T00:00:00Z",
        "2026-12-07T12:00:00.001Z  | must not be more than 24 hours ahead of the gateway's clock",
        "+300000000-01-01T00:00:00Z | must not be more than 24 hours ahead of the gateway's clock",
        "+1000000001-01-01T00:00:00Z | must be an ISO-8601 instant such as 2026-11-23T10:00:00Z",
      })
  void timestampsFrom1970ToADayAhead(String timestamp, String error) {
    String payment = VALID.replace("}", ",\"timestamp\":\"" + timestamp + "\"}");
    String refund = payment.replace("{", "{\"refundId\":\"rf_1\",");

    for (Map<String, String> fields : List.of(errors(payment), refundErrors(refund))) {
      if (error == null) {
        assertThat(fields).isEmpty();
      } else {
        assertThat(fields).containsExactly(Map.entry("timestamp", error));
      }
    }
  }

  @Test
  void controlAndFormattingCharactersAreRefusedPerField() {
    Map<String, String> fields =
        errors(
            "{\"provider\":\"shop\\u0000\",\"providerPaymentId\":\"ord\\u00001\","
                + "\"amount\":\"1\",\"currency\":\"EU\\u007f\",\"visitorId\":\"v_\u202e1\","
                + "\"sessionId\":\"s\\n1\",\"customerId\":\"c\\ud800\","
                + "\"customerEmail\":\"a\u200b@b.c\",\"timestamp\":\"2026-11-23T10:00:00Z\\t\"}");

    assertThat(fields)
        .containsOnlyKeys(
            "provider",
            "providerPaymentId",
            "currency",
            "visitorId",
            "sessionId",
            "customerId",
            "customerEmail",
            "timestamp");
    assertThat(fields.get("providerPaymentId"))
        .isEqualTo("must not contain control characters (U+0000 at index 3)");
    assertThat(fields.get("visitorId"))
        .isEqualTo(
            "must not contain invisible or bidirectional formatting characters (U+202E at index 2)");
    assertThat(fields.get("customerId"))
        .isEqualTo("must not contain unpaired UTF-16 surrogates (U+D800 at index 1)");
    assertThat(fields.get("customerEmail")).doesNotContain("@").contains("U+200B");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"SPRING20\"                | ",
        "\"promo_1MiM6KLkdIwHu7ix\"  | ",
        "\"été-2026\"                | ",
        "null                        | ",
        "\"\"                        | must not be empty",
        "20                          | must be a string",
        "[\"A\",\"B\"]                 | must be a string",
        "\"SPRING\\u000020\"          | must not contain control characters (U+0000 at index 6)",
        "\"SPRING\\n20\"              | must not contain control characters (U+000A at index 6)",
        "\"SPRING\u200b20\"            | must not contain invisible or bidirectional formatting characters (U+200B at index 6)",
      })
  void aPromoCodeIsAnOptionalIdentifier(String promoCode, String error) {
    Map<String, String> fields = errors(VALID.replace("}", ",\"promoCode\":" + promoCode + "}"));

    if (error == null) {
      assertThat(fields).isEmpty();
    } else {
      assertThat(fields).containsExactly(Map.entry("promoCode", error));
    }
  }

  @Test
  void aPromoCodeHasAtMost100Characters() {
    String payment = VALID.replace("}", ",\"promoCode\":\"%s\"}");

    assertThat(errors(payment.formatted("P".repeat(100)))).isEmpty();
    assertThat(errors(payment.formatted("P".repeat(101))))
        .containsExactly(Map.entry("promoCode", "must be at most 100 characters"));
    assertThat(errors(payment.formatted("P".repeat(10_000)))).containsOnlyKeys("promoCode");
  }

  @Test
  void aRefundReasonIsFreeTextWithoutControls() {
    String refund =
        "{\"provider\":\"p\",\"providerPaymentId\":\"x\",\"refundId\":\"rf_1\","
            + "\"amount\":\"1\",\"currency\":\"EUR\",\"reason\":%s}";

    // Right-to-left text keeps its marks in free text.
    assertThat(refundErrors(refund.formatted("\"طلب العميل\u200f (RTL) ✓\""))).isEmpty();
    for (String reason : List.of("\"a\\tb\"", "\"a\\nb\"", "\"a\u0085b\"", "\"a\\uffffb\"")) {
      assertThat(refundErrors(refund.formatted(reason))).as(reason).containsOnlyKeys("reason");
    }
    assertThat(refundErrors(refund.formatted("\"ok\"").replace("\"rf_1\"", "\"rf\\u00001\"")))
        .containsOnlyKeys("refundId");
  }

  @Test
  void metadataIsAnObjectOfCleanKeysAndText() {
    String base = VALID.replace("}", ",\"metadata\":%s}");

    assertThat(
            errors(
                base.formatted(
                    "{\"tributary_visitor_id\":\"v_1\",\"note\":\"Zoë’s ✓ שלום\u200f\","
                        + "\"n\":1,\"nested\":{\"list\":[\"a\",null,true]}}")))
        .isEmpty();
    assertThat(errors(base.formatted("null"))).isEmpty();
    assertThat(errors(base.formatted("\"v_1\"")))
        .containsOnly(Map.entry("metadata", "must be an object"));
    assertThat(errors(base.formatted("{\"tributary_visitor_id\":\"v_\\u00001\"}")))
        .containsOnly(
            Map.entry(
                "metadata.tributary_visitor_id",
                "must not contain control characters (U+0000 at index 2)"));
    assertThat(errors(base.formatted("{\"nested\":{\"list\":[\"ok\",\"a\\u001bb\"]}}")))
        .containsOnlyKeys("metadata.nested.list[1]");
    assertThat(errors(base.formatted("{\"tributary\\u202e_visitor_id\":\"v_1\"}")))
        .containsOnly(
            Map.entry(
                "metadata",
                "keys must not contain invisible or bidirectional formatting characters"
                    + " (U+202E at index 9)"));
  }

  @Test
  void reportsEveryInvalidField() {
    Map<String, String> fields =
        errors(
            "{\"provider\":\"Shopify\",\"providerPaymentId\":\"\",\"amount\":\"1\","
                + "\"currency\":\"XYZ\",\"visitorId\":\"v 1\",\"sessionId\":\""
                + "s".repeat(129)
                + "\",\"customerEmail\":\"nobody\",\"customerId\":7,"
                + "\"timestamp\":\"yesterday\",\"livemode\":\"yes\"}");

    assertThat(fields)
        .containsOnlyKeys(
            "provider",
            "providerPaymentId",
            "currency",
            "visitorId",
            "sessionId",
            "customerEmail",
            "customerId",
            "timestamp",
            "livemode");
    assertThat(fields.get("customerId")).isEqualTo("must be a string");
  }

  @Test
  void requiresProviderPaymentIdAmountAndCurrency() {
    assertThat(errors("{}"))
        .containsOnlyKeys("provider", "providerPaymentId", "amount", "currency")
        .containsValue("is required");
  }

  @Test
  void currencyWithoutMinorUnitsIsRejected() {
    assertThat(errors(VALID.replace("EUR", "XXX"))).containsOnlyKeys("currency");
  }

  @Test
  void duplicateKeysAreNotJson() {
    ApiError error =
        catchThrowableOfType(
            ApiError.class,
            () ->
                Json.parseObject(
                    "{\"amount\":\"1\",\"amount\":\"-1\"}".getBytes(StandardCharsets.UTF_8)));

    assertThat(error.code()).isEqualTo("invalid_json");
  }

  @Test
  void aPaymentMustNotCarryARefundId() {
    // Even null: the job tells refunds from payments by the key's presence.
    for (String refundId : List.of("\"rf_1\"", "null", "\"\"")) {
      assertThat(errors(VALID.replace("}", ",\"refundId\":" + refundId + "}")))
          .as(refundId)
          .containsOnlyKeys("refundId")
          .hasEntrySatisfying(
              "refundId", p -> assertThat(p).contains("belongs to /api/v1/refunds"));
    }
  }

  @Test
  void acceptsAMinimalAndAFullRefund() {
    String minimal =
        "{\"provider\":\"shopify\",\"providerPaymentId\":\"ord_1001\",\"refundId\":\"rf_1\","
            + "\"amount\":\"10.00\",\"currency\":\"EUR\"}";

    assertThat(refundErrors(minimal)).isEmpty();
    assertThat(
            refundErrors(
                minimal.replace(
                    "}",
                    ",\"timestamp\":\"2026-11-23T10:00:00Z\",\"reason\":\""
                        + "r".repeat(500)
                        + "\",\"extra\":1}")))
        .isEmpty();
    assertThat(refundErrors(minimal.replace("\"10.00\"", "3").replace("EUR", "JPY"))).isEmpty();
  }

  @Test
  void refundsReportEveryInvalidField() {
    Map<String, String> fields =
        refundErrors(
            "{\"provider\":\"Shop!\",\"refundId\":\""
                + "r".repeat(201)
                + "\",\"amount\":\"0.001\",\"currency\":\"EUR\",\"timestamp\":\"today\","
                + "\"reason\":\""
                + "x".repeat(501)
                + "\"}");

    assertThat(fields)
        .containsOnlyKeys(
            "provider", "providerPaymentId", "refundId", "amount", "timestamp", "reason");
    assertThat(fields.get("amount")).isEqualTo("must have at most 2 decimal places for EUR");
    assertThat(fields.get("refundId")).isEqualTo("must be at most 200 characters");
    assertThat(fields.get("reason")).isEqualTo("must be at most 500 characters");
  }

  @Test
  void aRefundNeedsItsIdAndAPositiveAmount() {
    assertThat(
            refundErrors(
                "{\"provider\":\"p\",\"providerPaymentId\":\"x\",\"amount\":\"-1\","
                    + "\"currency\":\"EUR\"}"))
        .containsOnly(Map.entry("refundId", "is required"), Map.entry("amount", "must be > 0"));
    assertThat(refundErrors("{}"))
        .containsOnlyKeys("provider", "providerPaymentId", "refundId", "amount", "currency");
  }

  private static Map<String, String> errors(String json) {
    return errors(json, body -> PaymentValidator.validatePayment(body, NOW));
  }

  private static Map<String, String> refundErrors(String json) {
    return errors(json, body -> PaymentValidator.validateRefund(body, NOW));
  }

  private static Map<String, String> errors(String json, Consumer<ObjectNode> validator) {
    try {
      validator.accept(body(json));
      return Map.of();
    } catch (ApiError e) {
      assertThat(e.status()).isEqualTo(400);
      return e.fields();
    }
  }

  private static ObjectNode body(String json) {
    return Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
  }
}
