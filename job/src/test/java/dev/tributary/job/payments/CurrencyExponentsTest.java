package dev.tributary.job.payments;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CurrencyExponentsTest {

  @ParameterizedTest
  @CsvSource({
    "usd,2", "ISK,2", "jpy,0", "KRW,0", "xof,0", "KWD,3", "bhd,3", "tnd,3", "EUR,2", "huf,2"
  })
  void stripeExponents(String currency, int exponent) {
    assertThat(CurrencyExponents.stripe(currency)).isEqualTo(exponent);
  }

  @ParameterizedTest
  @CsvSource({"ISK,0", "JPY,0", "KWD,3", "USD,2", "EUR,2"})
  void isoExponentsDifferFromStripesForIsk(String currency, int exponent) {
    assertThat(CurrencyExponents.iso4217(currency)).isEqualTo(exponent);
  }
}
