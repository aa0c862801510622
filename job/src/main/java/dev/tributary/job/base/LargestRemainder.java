package dev.tributary.job.base;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Splits an amount of minor units by integer weights so that the parts sum to the amount exactly:
 * every part gets the floor of its exact share, and the units left over go one each to the parts
 * with the largest remainders (ties to the lower index). Deterministic for the same inputs, so a
 * replay books the same cents to the same touches.
 */
public final class LargestRemainder {
  private LargestRemainder() {}

  /**
   * @param amount minor units, any sign (a retraction splits like a credit)
   * @param weights non-negative, at least one positive
   * @return one part per weight, summing to {@code amount}
   */
  public static long[] split(long amount, long[] weights) {
    BigInteger total = BigInteger.ZERO;
    for (long w : weights) {
      if (w < 0) {
        throw new IllegalArgumentException("weights must not be negative");
      }
      total = total.add(BigInteger.valueOf(w));
    }
    if (total.signum() == 0) {
      throw new IllegalArgumentException("at least one weight must be positive");
    }
    long sign = amount < 0 ? -1 : 1;
    BigInteger abs = BigInteger.valueOf(amount).abs();
    long[] parts = new long[weights.length];
    BigInteger[] remainders = new BigInteger[weights.length];
    long assigned = 0;
    for (int i = 0; i < weights.length; i++) {
      BigInteger[] qr = abs.multiply(BigInteger.valueOf(weights[i])).divideAndRemainder(total);
      parts[i] = qr[0].longValueExact();
      remainders[i] = qr[1];
      assigned += parts[i];
    }
    long left = abs.longValueExact() - assigned;
    Integer[] order = new Integer[weights.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order,
        (a, b) -> {
          int byRemainder = remainders[b].compareTo(remainders[a]);
          return byRemainder != 0 ? byRemainder : Integer.compare(a, b);
        });
    for (int k = 0; k < left; k++) {
      parts[order[k]]++;
    }
    for (int i = 0; i < parts.length; i++) {
      parts[i] *= sign;
    }
    return parts;
  }
}
