package dev.tributary.job.base;

import java.math.BigDecimal;

/**
 * Decimal amounts in major units turned into exact minor units: the one conversion the parsers, the
 * Payment API and the reference-data loader share. Never rounds: an amount with more digits than
 * the currency has, or one that does not fit a signed 64-bit integer, is refused.
 */
public final class MinorUnits {
  private MinorUnits() {}

  /**
   * {@code major × 10^exponent}, exactly. Zeros beyond the exponent are dropped ({@code 1000.00}
   * JPY is 1000).
   *
   * @throws ArithmeticException with a short reason ("more than 2 decimals", "does not fit a 64-bit
   *     integer") that callers put into their own error
   */
  public static long of(BigDecimal major, int exponent) {
    BigDecimal minor = major.movePointRight(exponent).stripTrailingZeros();
    if (minor.scale() > 0) {
      throw new ArithmeticException("more than " + exponent + " decimals");
    }
    try {
      return minor.longValueExact();
    } catch (ArithmeticException e) {
      throw new ArithmeticException("does not fit a 64-bit integer");
    }
  }
}
