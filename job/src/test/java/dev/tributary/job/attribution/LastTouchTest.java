package dev.tributary.job.attribution;

import static dev.tributary.job.testing.Payments.payment;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LastTouchTest {
  private static final Duration LOOKBACK = Duration.ofDays(30);
  private static final long DAY = Duration.ofDays(1).toMillis();

  private static Touch touch(String id, long start) {
    return new Touch(id, start, "ch-" + id, "s", "m", "c");
  }

  @Test
  void latestSessionBeforeThePaymentWins() {
    var touches = List.of(touch("a", 1 * DAY), touch("b", 5 * DAY), touch("after", 11 * DAY));
    assertThat(LastTouch.choose(payment("pi", "e", 1, 10 * DAY, "v", null), touches, LOOKBACK))
        .map(Touch::sessionId)
        .contains("b");
  }

  @Test
  void sessionNamedInTheMetadataWinsAndTheLookbackBounds() {
    var touches = List.of(touch("a", 1 * DAY), touch("b", 5 * DAY));
    assertThat(LastTouch.choose(payment("pi", "e", 1, 10 * DAY, "v", "a"), touches, LOOKBACK))
        .map(Touch::sessionId)
        .contains("a");
    assertThat(LastTouch.choose(payment("pi", "e", 1, 40 * DAY, "v", null), touches, LOOKBACK))
        .isEmpty();
  }

  @Test
  void creditIdsAreDeterministicAndCarryTheWholeAmount() {
    var p = payment("pi", "e", 1234, 10 * DAY, "v", null);
    var a = LastTouch.credit(p, touch("a", DAY));
    var b = LastTouch.credit(p, touch("a", DAY));
    assertThat(a).isEqualTo(b);
    assertThat(a.amountMinor()).isEqualTo(1234);
    assertThat(a.entryId()).hasSize(32).isNotEqualTo(LastTouch.credit(p, null).entryId());
  }
}
