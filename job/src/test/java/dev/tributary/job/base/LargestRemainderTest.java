package dev.tributary.job.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LargestRemainderTest {

  @Test
  void leftoverUnitsGoToTheLargestRemaindersThenTheLowerIndex() {
    assertThat(LargestRemainder.split(100, new long[] {1, 1, 1})).containsExactly(34, 33, 33);
    assertThat(LargestRemainder.split(5, new long[] {2, 1, 2})).containsExactly(2, 1, 2);
    assertThat(LargestRemainder.split(7, new long[] {2, 1, 2})).containsExactly(3, 1, 3);
    assertThat(LargestRemainder.split(1, new long[] {1, 1})).containsExactly(1, 0);
    assertThat(LargestRemainder.split(-100, new long[] {1, 1, 1})).containsExactly(-34, -33, -33);
    assertThat(LargestRemainder.split(0, new long[] {3, 4})).containsExactly(0, 0);
  }

  @Test
  void hugeAmountsAndWeightsDoNotOverflow() {
    long[] parts =
        LargestRemainder.split(
            Long.MAX_VALUE / 2, new long[] {Long.MAX_VALUE / 3, 7, 1_000_000_000L});
    assertThat(Arrays.stream(parts).sum()).isEqualTo(Long.MAX_VALUE / 2);
  }

  @Test
  void invalidWeightsAreRefused() {
    assertThatThrownBy(() -> LargestRemainder.split(10, new long[] {0, 0}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LargestRemainder.split(10, new long[] {1, -1}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Property: for random amounts and weights the parts sum exactly, never differ from the exact
   * share by a unit or more, and repeat.
   */
  @Test
  void partsSumExactlyAndStayWithinOneUnitOfTheExactShare() {
    Random random = new Random(20261123);
    for (int run = 0; run < 20_000; run++) {
      long amount =
          random.nextInt(3) == 0 ? random.nextLong() / 4 : random.nextInt(1_000_000) - 1_000;
      int n = 1 + random.nextInt(12);
      long[] weights = new long[n];
      long total = 0;
      for (int i = 0; i < n; i++) {
        weights[i] = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(1_000_000_000);
        total += weights[i];
      }
      if (total == 0) {
        weights[0] = 1;
        total = 1;
      }
      long[] parts = LargestRemainder.split(amount, weights);
      assertThat(Arrays.stream(parts).sum()).isEqualTo(amount);
      for (int i = 0; i < n; i++) {
        double exact = (double) amount * weights[i] / total;
        assertThat(Math.abs(parts[i] - exact)).isLessThan(1.0 + Math.abs(exact) * 1e-12);
        if (weights[i] == 0) {
          assertThat(parts[i]).isZero();
        }
      }
      assertThat(LargestRemainder.split(amount, weights)).containsExactly(parts);
    }
  }
}
