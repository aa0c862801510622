package dev.tributary.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
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

  @Test
  void acceptsAMinimalAndAFullPayment() {
    PaymentValidator.validatePayment(body(VALID));
    PaymentValidator.validatePayment(
        body(
            "{\"provider\":\"my_shop-2\",\"providerPaymentId\":\"x\",\"amount\":49.99,"
                + "\"currency\":\"EUR\",\"visitorId\":\"v_1.a:b-c\",\"sessionId\":\"s_1\","
                + "\"customerEmail\":\"a@b.c\",\"customerId\":\"cus_1\","
                + "\"timestamp\":\"2026-11-23T10:00:00+01:00\",\"livemode\":false,"
                + "\"somethingElse\":[1]}"));
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
    return errors(json, PaymentValidator::validatePayment);
  }

  private static Map<String, String> refundErrors(String json) {
    return errors(json, PaymentValidator::validateRefund);
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
