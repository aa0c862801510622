package dev.tributary.job.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  @ParameterizedTest
  @CsvSource({"+300000000-01-01T00:00:00Z", "yesterday"})
  void timesWithoutEpochMillisAreUnreadableNotAnError(String time) {
    assertThat(Json.isoMillisOrNull(time)).isNull();
  }
}
