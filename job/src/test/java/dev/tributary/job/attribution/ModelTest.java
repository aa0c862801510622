package dev.tributary.job.attribution;

import static dev.tributary.job.testing.Payments.payment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.ledger.LedgerEntry;
import dev.tributary.job.payments.PaymentEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ModelTest {
  private static final long DAY = Duration.ofDays(1).toMillis();
  private static final Duration HALF_LIFE = Duration.ofDays(7);

  private static Touch touch(String id, long start, String channel) {
    return new Touch(id, start, channel, "src", "med", "camp");
  }

  private static final List<Touch> JOURNEY =
      List.of(
          touch("s1", 0, "Organic Search"),
          touch("s2", 7 * DAY, "Email"),
          touch("s3", 12 * DAY, "Paid Social"),
          touch("s4", 14 * DAY, "Direct"));

  private static Map<String, Long> split(Model model, long amount) {
    PaymentEvent p = payment("pi", "e", amount, 14 * DAY, "v", null);
    return Credits.of(p, JOURNEY, HALF_LIFE).stream()
        .filter(e -> e.model().equals(model.id()))
        .collect(Collectors.toMap(LedgerEntry::sessionId, LedgerEntry::amountMinor));
  }

  @Test
  void eachModelSplitsAsItsDefinitionSays() {
    assertThat(split(Model.FIRST_TOUCH, 10_000)).containsExactly(Map.entry("s1", 10_000L));
    assertThat(split(Model.LAST_TOUCH, 10_000)).containsExactly(Map.entry("s4", 10_000L));
    assertThat(split(Model.LAST_NON_DIRECT, 10_000)).containsExactly(Map.entry("s3", 10_000L));
    assertThat(split(Model.LINEAR, 10_000))
        .containsOnly(
            Map.entry("s1", 2_500L),
            Map.entry("s2", 2_500L),
            Map.entry("s3", 2_500L),
            Map.entry("s4", 2_500L));
    assertThat(split(Model.POSITION_BASED, 10_000))
        .containsOnly(
            Map.entry("s1", 4_000L),
            Map.entry("s2", 1_000L),
            Map.entry("s3", 1_000L),
            Map.entry("s4", 4_000L));
    // ages 14, 7, 2, 0 days with a 7-day half-life: weights 1/4, 1/2, 2^(-2/7), 1
    Map<String, Long> decay = split(Model.TIME_DECAY, 1_000_000);
    double total = 0.25 + 0.5 + Math.pow(0.5, 2.0 / 7) + 1;
    assertThat(decay.get("s1")).isCloseTo(Math.round(1_000_000 * 0.25 / total), within(1));
    assertThat(decay.get("s4")).isCloseTo(Math.round(1_000_000 / total), within(1));
  }

  private static org.assertj.core.data.Offset<Long> within(long units) {
    return org.assertj.core.data.Offset.offset(units);
  }

  @Test
  void positionBasedWithTwoTouchesIsHalfAndHalfAndOneTouchTakesAll() {
    List<Touch> two = JOURNEY.subList(2, 4);
    PaymentEvent p = payment("pi", "e", 101, 14 * DAY, "v", null);
    assertThat(
            Credits.of(p, two, HALF_LIFE).stream()
                .filter(e -> e.model().equals("position_based"))
                .map(LedgerEntry::amountMinor))
        .containsExactly(51L, 50L);
    assertThat(Model.POSITION_BASED.weights(JOURNEY.subList(0, 1), 0, HALF_LIFE))
        .containsExactly(1);
  }

  @Test
  void lastNonDirectFallsBackToDirectWhenThereIsNothingElse() {
    List<Touch> direct = List.of(touch("d1", 0, "Direct"), touch("d2", DAY, "Direct"));
    assertThat(Model.LAST_NON_DIRECT.weights(direct, 2 * DAY, HALF_LIFE)).containsExactly(0, 1);
  }

  /** Property: for random journeys and amounts every model's credits sum to the amount. */
  @Test
  void everyModelsCreditsSumToTheAmountForRandomJourneys() {
    Random random = new Random(42);
    String[] channels = {"Direct", "Email", "Organic Search", "Paid Search", "Referral"};
    for (int run = 0; run < 5_000; run++) {
      int n = random.nextInt(9);
      long paidAt = 40 * DAY;
      List<Touch> journey = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        journey.add(
            touch(
                "s" + i,
                paidAt - random.nextInt(30) * DAY - random.nextInt(1000),
                channels[random.nextInt(5)]));
      }
      journey.sort(java.util.Comparator.comparingLong(Touch::startedAtMillis));
      long amount = 1 + random.nextInt(10_000_000);
      PaymentEvent p = payment("pi", "e", amount, paidAt, "v", null);
      List<LedgerEntry> credits = Credits.of(p, journey, HALF_LIFE);
      Map<String, Long> perModel =
          credits.stream()
              .collect(
                  Collectors.groupingBy(
                      LedgerEntry::model, Collectors.summingLong(LedgerEntry::amountMinor)));
      assertThat(perModel).hasSize(Model.values().length);
      assertThat(perModel.values()).containsOnly(amount);
      assertThat(credits).allSatisfy(c -> assertThat(c.amountMinor()).isPositive());
      assertThat(credits.stream().map(LedgerEntry::entryId).distinct().count())
          .as("entry ids are unique")
          .isEqualTo(credits.size());
      assertThat(Credits.of(p, journey, HALF_LIFE)).as("deterministic").isEqualTo(credits);
    }
    assertThat(Arrays.stream(Model.values()).map(Model::id))
        .containsExactly(
            "first_touch",
            "last_touch",
            "last_non_direct",
            "linear",
            "position_based",
            "time_decay");
  }
}
