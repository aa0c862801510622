package dev.tributary.job.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Minor units are refused rather than wrapped, rounded or read from the wrong type. */
class JsonAmountsTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "9223372036854775808|does not fit a 64-bit integer",
        "99999999999999999999999|does not fit a 64-bit integer",
        "-500|is negative",
        "10.5|is not an integer",
        "1e3|is not an integer",
        "\"1000\"|is not an integer",
        "true|is not an integer",
        "null|is not an integer"
      })
  void hostileAmountsAreMalformed(String amount, String reason) {
    var node = Json.readObject("{\"amount\":" + amount + "}", "test");
    assertThatThrownBy(() -> Json.requiredLong(node, "amount", "charge"))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("charge.amount " + reason);
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "4999, 4999", "9223372036854775807, 9223372036854775807"})
  void integralAmountsInRangeAreRead(String amount, long minor) {
    var node = Json.readObject("{\"amount\":" + amount + "}", "test");
    assertThat(Json.requiredLong(node, "amount", "charge")).isEqualTo(minor);
  }

  /** Shopify and WooCommerce write money as decimal strings in major units. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"199.00\"|2|19900",
        "\"29.35\"|2|2935",
        "\"-10.00\"|2|-1000",
        "\"29\"|2|2900",
        "\"0.00\"|2|0",
        "\"1000\"|0|1000",
        "\"1000.00\"|0|1000",
        "\"1.234\"|3|1234",
        "\"29.350\"|2|2935",
        "42|2|4200",
        "\"92233720368547758.07\"|2|9223372036854775807",
        "\"-92233720368547758.07\"|2|-9223372036854775807"
      })
  void decimalStringsBecomeExactMinorUnits(String amount, int exponent, long minor) {
    var node = Json.readObject("{\"total\":" + amount + "}", "test");
    assertThat(Json.requiredDecimalMinor(node, "total", "order", exponent)).isEqualTo(minor);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"10.005\"|2|has more than 2 decimals",
        "\"1000.5\"|0|has more than 0 decimals",
        "29.35|2|is not a decimal string",
        "null|2|is not a decimal string",
        "true|2|is not a decimal string",
        "{}|2|is not a decimal string",
        "\"\"|2|is not a plain decimal",
        "\"1e3\"|2|is not a plain decimal",
        "\" 1.00\"|2|is not a plain decimal",
        "\"+1.00\"|2|is not a plain decimal",
        "\"1,000.00\"|2|is not a plain decimal",
        "\"NaN\"|2|is not a plain decimal",
        "\"92233720368547758.08\"|2|does not fit a 64-bit integer",
        "\"-92233720368547758.09\"|2|does not fit a 64-bit integer"
      })
  void decimalStringsThatAreNotExactAreMalformed(String amount, int exponent, String reason) {
    var node = Json.readObject("{\"total\":" + amount + "}", "test");
    assertThatThrownBy(() -> Json.requiredDecimalMinor(node, "total", "order", exponent))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("order.total " + reason);
  }

  @Test
  void aMissingDecimalIsMalformed() {
    var node = Json.readObject("{}", "test");
    assertThatThrownBy(() -> Json.requiredDecimalMinor(node, "total", "order", 2))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("order.total is not a decimal string");
  }

  @ParameterizedTest
  @CsvSource({"+300000000-01-01T00:00:00Z", "yesterday"})
  void timesWithoutEpochMillisAreUnreadableNotAnError(String time) {
    assertThat(Json.isoMillisOrNull(time)).isNull();
  }
}
