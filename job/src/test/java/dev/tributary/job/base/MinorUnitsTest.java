package dev.tributary.job.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class MinorUnitsTest {
  @Test
  void exactOrRefusedNeverRounded() {
    assertThat(MinorUnits.of(new BigDecimal("12.30"), 2)).isEqualTo(1230);
    assertThat(MinorUnits.of(new BigDecimal("1000.00"), 0)).isEqualTo(1000);
    assertThat(MinorUnits.of(new BigDecimal("-0.5"), 3)).isEqualTo(-500);
    assertThatThrownBy(() -> MinorUnits.of(new BigDecimal("12.345"), 2))
        .isInstanceOf(ArithmeticException.class)
        .hasMessage("more than 2 decimals");
    assertThatThrownBy(() -> MinorUnits.of(new BigDecimal("92233720368547758.08"), 2))
        .hasMessage("does not fit a 64-bit integer");
  }
}
