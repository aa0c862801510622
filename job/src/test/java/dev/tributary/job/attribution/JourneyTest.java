package dev.tributary.job.attribution;

import static dev.tributary.job.testing.Payments.payment;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class JourneyTest {
  private static final Duration LOOKBACK = Duration.ofDays(30);
  private static final long DAY = Duration.ofDays(1).toMillis();

  private static Touch touch(String id, long start) {
    return new Touch(id, start, "ch-" + id, "s", "m", "c");
  }

  @Test
  void touchesInsideTheWindowOldestFirstNothingAfterThePayment() {
    var touches =
        List.of(
            touch("b", 5 * DAY), touch("old", 1), touch("a", 2 * DAY), touch("after", 32 * DAY));
    assertThat(Journey.of(payment("pi", "e", 1, 31 * DAY, "v", null), touches, LOOKBACK))
        .extracting(Touch::sessionId)
        .containsExactly("a", "b");
  }

  @Test
  void theSessionTheMetadataNamesEndsTheJourney() {
    var touches = List.of(touch("a", 1 * DAY), touch("b", 5 * DAY), touch("c", 6 * DAY));
    assertThat(Journey.of(payment("pi", "e", 1, 10 * DAY, "v", "b"), touches, LOOKBACK))
        .extracting(Touch::sessionId)
        .containsExactly("a", "b");
    assertThat(Journey.of(payment("pi", "e", 1, 40 * DAY, "v", null), touches, LOOKBACK)).isEmpty();
  }
}
