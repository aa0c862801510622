package dev.tributary.job.ledger.book;

import static dev.tributary.job.testing.Payments.payment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.attribution.AttributedPayment;
import dev.tributary.job.attribution.Credits;
import dev.tributary.job.attribution.Resolution;
import dev.tributary.job.attribution.Touch;
import dev.tributary.job.payments.LinkMethod;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.payments.RefundEvent;
import dev.tributary.job.testing.Harnesses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LedgerTest {
  private static final Duration RETENTION = Duration.ofDays(400);
  private static final Duration HALF_LIFE = Duration.ofDays(7);
  private static final long AMOUNT = 1000;
  private KeyedTwoInputStreamOperatorTestHarness<String, AttributedPayment, RefundEvent, PaymentRow>
      harness;

  @BeforeEach
  void open() throws Exception {
    harness = newHarness(null, 0);
  }

  private static KeyedTwoInputStreamOperatorTestHarness<
          String, AttributedPayment, RefundEvent, PaymentRow>
      newHarness(org.apache.flink.runtime.checkpoint.OperatorSubtaskState from, long ttlNow)
          throws Exception {
    return Harnesses.keyedCo(
        new Ledger(RETENTION),
        AttributedPayment::paymentKey,
        RefundEvent::paymentConsolidationKey,
        Types.STRING,
        from,
        ttlNow);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private static final PaymentEvent UNLINKED = payment("pi_1", "e1", AMOUNT, 1_000, null, null);
  private static final Touch MAIL = new Touch("s_1", 500, "Email", "newsletter", "email", "nov");
  private static final Touch ADS = new Touch("s_2", 800, "Paid Search", "google", "cpc", "brand");
  private static final Touch SOCIAL = new Touch("s_3", 900, "Paid Social", "fb", "paid", "x");

  private static AttributedPayment unattributed() {
    return new AttributedPayment(
        UNLINKED,
        Resolution.unattributed("nothing"),
        Credits.of(UNLINKED, List.of(), HALF_LIFE),
        0);
  }

  private static AttributedPayment byEmail(Touch... touches) {
    PaymentEvent p = UNLINKED.withVisitor("v_1", LinkMethod.EMAIL);
    return new AttributedPayment(
        p,
        Resolution.linked(LinkMethod.EMAIL.code(), "test"),
        Credits.of(p, List.of(touches), HALF_LIFE),
        touches.length);
  }

  private static RefundEvent refund(String id, long amount, long at) {
    return new RefundEvent(
        "acme",
        "stripe",
        "pi_1",
        id,
        "evt_" + id,
        "refund.created",
        RefundEvent.REFUND,
        amount,
        false,
        false,
        "USD",
        2,
        at,
        at,
        true);
  }

  private static RefundEvent runningTotal(long amount, long at) {
    return new RefundEvent(
        "acme",
        "stripe",
        "pi_1",
        null,
        "evt_total_" + amount,
        "charge.refunded",
        RefundEvent.REFUND,
        amount,
        true,
        false,
        "USD",
        2,
        at,
        at,
        true);
  }

  private static RefundEvent fullRefund(long at) {
    return new RefundEvent(
        "acme",
        "gumroad",
        "pi_1",
        null,
        "evt_full",
        "refunded",
        RefundEvent.REFUND,
        0,
        false,
        true,
        null,
        2,
        at,
        at,
        true);
  }

  private static RefundEvent chargeback(String id, long amount, long at) {
    return new RefundEvent(
        "acme",
        "stripe",
        "pi_1",
        id,
        "evt_" + id,
        "charge.dispute.created",
        RefundEvent.CHARGEBACK,
        amount,
        false,
        false,
        "USD",
        2,
        at,
        at,
        true);
  }

  /** What stands per model and channel in the latest position (touches of another are absent). */
  private static Map<String, Long> netByModelAndChannel(List<PaymentRow> rows) {
    return last(rows).credits().stream()
        .collect(
            Collectors.groupingBy(
                c -> c.credit().model() + "|" + c.credit().channel(),
                TreeMap::new,
                Collectors.summingLong(PaymentRow.Credit::netMinor)));
  }

  private static Map<String, Long> netByModel(List<PaymentRow> rows) {
    return last(rows).credits().stream()
        .collect(
            Collectors.groupingBy(
                c -> c.credit().model(),
                TreeMap::new,
                Collectors.summingLong(PaymentRow.Credit::netMinor)));
  }

  private static PaymentRow last(List<PaymentRow> rows) {
    assertThat(rows).isNotEmpty();
    return rows.get(rows.size() - 1);
  }

  private List<PaymentRow> rows() {
    return harness.extractOutputValues();
  }

  private void pay(AttributedPayment a, long at) throws Exception {
    harness.processElement1(new StreamRecord<>(a, at));
  }

  private void refunded(RefundEvent r) throws Exception {
    harness.processElement2(new StreamRecord<>(r, r.occurredAtMillis()));
  }

  @Test
  void betterEvidenceRetractsTheOldCreditsAndBooksTheNewOnes() throws Exception {
    pay(unattributed(), 1_000);
    pay(byEmail(MAIL), 9_000);

    Map<String, Long> net = netByModelAndChannel(rows());
    assertThat(net).doesNotContainKey("last_touch|(unattributed)");
    assertThat(net).containsEntry("last_touch|Email", AMOUNT);
    // the correction counts from when the better evidence arrived
    assertThat(rows()).extracting(PaymentRow::creditedAtMillis).containsExactly(1_000L, 9_000L);
    assertThat(rows())
        .extracting(r -> r.attributed().resolution().method())
        .containsExactly("unattributed", "email");
  }

  private static AttributedPayment byEmailFrom(String eventId, long occurredAt) {
    PaymentEvent p =
        payment("pi_1", eventId, AMOUNT, occurredAt, null, null)
            .withVisitor("v_1", LinkMethod.EMAIL);
    return new AttributedPayment(
        p,
        Resolution.linked(LinkMethod.EMAIL.code(), "test"),
        Credits.of(p, List.of(MAIL), HALF_LIFE),
        1);
  }

  @Test
  void theSameCreditsOnAnEarlierEventOfTheMoneyEndOnThatEventInEitherOrder() throws Exception {
    // Paddle's transaction.completed settled first; transaction.paid, earlier, came a day late
    pay(byEmailFrom("evt_completed", 1_000), 1_000);
    pay(byEmailFrom("evt_paid", 950), 86_400_000);
    pay(byEmailFrom("evt_completed", 1_000), 86_500_000); // a retry of the later one
    assertThat(rows()).hasSize(2);
    assertThat(last(rows()).attributed().payment().eventId()).isEqualTo("evt_paid");
    assertThat(last(rows()).attributed().payment().occurredAtMillis()).isEqualTo(950);
    assertThat(netByModel(rows())).allSatisfy((model, net) -> assertThat(net).isEqualTo(AMOUNT));
  }

  @Test
  void theSameCreditsOnALaterEventOfTheMoneyChangeNothing() throws Exception {
    pay(byEmailFrom("evt_paid", 950), 1_000);
    pay(byEmailFrom("evt_completed", 1_000), 2_000);
    assertThat(rows()).hasSize(1);
    assertThat(last(rows()).attributed().payment().eventId()).isEqualTo("evt_paid");
  }

  @Test
  void weakerOrEqualEvidenceChangesNothingAndMoreTouchesCount() throws Exception {
    pay(byEmail(MAIL), 1_000);
    int positions = rows().size();

    pay(unattributed(), 2_000);
    pay(byEmail(MAIL), 3_000);
    assertThat(rows()).hasSize(positions);

    pay(byEmail(MAIL, ADS), 4_000);
    assertThat(netByModelAndChannel(rows()))
        .doesNotContainKey("last_touch|Email")
        .containsEntry("last_touch|Paid Search", AMOUNT)
        .containsEntry("first_touch|Email", AMOUNT);
  }

  @Test
  void partialRefundsRetractInProportionAndTheLastTakesTheRemainder() throws Exception {
    pay(byEmail(MAIL, ADS, SOCIAL), 1_000); // linear: 334 / 333 / 333
    refunded(refund("re_1", 100, 5_000));

    assertThat(last(rows()).credits())
        .filteredOn(c -> c.credit().model().equals("linear"))
        .extracting(PaymentRow.Credit::refundedMinor)
        .containsExactlyInAnyOrder(34L, 33L, 33L);
    assertThat(last(rows()).refundedAtMillis()).isEqualTo(5_000);
    assertThat(netByModel(rows()).values()).containsOnly(900L);

    refunded(refund("re_2", 250, 6_000));
    refunded(refund("re_3", 650, 7_000));
    assertThat(netByModel(rows()).values()).containsOnly(0L);
    // every touch loses exactly its credit, never more
    assertThat(netByModelAndChannel(rows()).values()).containsOnly(0L);
    assertThat(last(rows()).credits())
        .allSatisfy(c -> assertThat(c.refundedMinor()).isEqualTo(c.credit().amountMinor()));
    assertThat(rows()).extracting(PaymentRow::refundedMinor).containsExactly(0L, 100L, 350L, 1000L);
  }

  @Test
  void perRefundIdsAndRunningTotalsOfTheSameMoneyCountOnce() throws Exception {
    pay(byEmail(MAIL, ADS), 1_000);
    refunded(refund("re_1", 300, 5_000));
    refunded(runningTotal(300, 5_001)); // Stripe's charge.refunded for the same refund
    refunded(refund("re_1", 300, 5_002)); // a retry
    assertThat(netByModel(rows()).values()).containsOnly(700L);

    refunded(runningTotal(500, 8_000)); // a second refund, seen only as the new running total
    refunded(refund("re_2", 200, 8_001)); // ... and then by its id: 300 + 200 = 500 still
    assertThat(netByModel(rows()).values()).containsOnly(500L);
    assertThat(rows()).extracting(PaymentRow::refundedMinor).containsExactly(0L, 300L, 500L);
  }

  @Test
  void aRefundBeforeItsPaymentIsBookedWhenThePaymentArrives() throws Exception {
    refunded(refund("re_1", 400, 2_000));
    assertThat(rows()).isEmpty();

    pay(byEmail(MAIL), 1_000);
    assertThat(netByModel(rows()).values()).containsOnly(600L);
    assertThat(rows()).extracting(PaymentRow::refundedMinor).containsExactly(400L);
    assertThat(last(rows()).refundedAtMillis()).isEqualTo(2_000);
  }

  @Test
  void aFullRefundWithoutAmountAndOversizedClaimsNeverGoBelowZero() throws Exception {
    pay(byEmail(MAIL, ADS), 1_000);
    refunded(refund("re_1", 700, 2_000));
    refunded(runningTotal(5_000, 3_000)); // a claim above the amount is capped
    refunded(fullRefund(4_000));
    assertThat(netByModelAndChannel(rows()).values()).containsOnly(0L);
    assertThat(rows()).extracting(PaymentRow::refundedMinor).containsExactly(0L, 700L, 1000L);
  }

  @Test
  void chargebacksRetractAndFlagThePayment() throws Exception {
    pay(byEmail(MAIL), 1_000);
    refunded(chargeback("dp_1", AMOUNT, 2_000));
    assertThat(netByModel(rows()).values()).containsOnly(0L);
    assertThat(rows()).extracting(PaymentRow::chargeback).containsExactly(false, true);
  }

  @Test
  void aChargebackByIdAndARefundKnownOnlyAsARunningTotalAreBothCounted() throws Exception {
    pay(byEmail(MAIL), 1_000);
    refunded(runningTotal(300, 2_000)); // charge.refunded: refunds only, never disputes
    refunded(chargeback("dp_1", 700, 3_000));
    refunded(chargeback("dp_1", 700, 3_500)); // the same dispute again
    assertThat(netByModel(rows()).values()).containsOnly(0L);
    assertThat(rows()).extracting(PaymentRow::refundedMinor).containsExactly(0L, 300L, 1000L);
  }

  private static RefundEvent won(String id, long amount, long at) {
    RefundEvent c = chargeback(id, amount, at);
    return new RefundEvent(
        c.siteId(),
        c.provider(),
        c.paymentKey(),
        c.refundKey(),
        "evt_won_" + id,
        "charge.dispute.funds_reinstated",
        RefundEvent.REINSTATEMENT,
        amount,
        false,
        false,
        c.currency(),
        c.currencyExponent(),
        at,
        at,
        true);
  }

  @Test
  void aWonDisputeBooksTheChargebackBackAndItsRetriesChangeNothing() throws Exception {
    pay(byEmail(MAIL, ADS), 1_000);
    refunded(refund("re_1", 100, 1_500));
    refunded(chargeback("du_1", 700, 2_000));
    refunded(won("du_1", 700, 3_000));
    refunded(won("du_1", 700, 3_500));
    refunded(chargeback("du_1", 700, 4_000)); // the withdrawal retried after the win

    assertThat(netByModel(rows()).values()).containsOnly(900L);
    assertThat(rows()).extracting(PaymentRow::refundedMinor).containsExactly(0L, 100L, 800L, 100L);
  }

  @Test
  void aDisputeWonBeforeItsWithdrawalArrivesTakesNothing() throws Exception {
    pay(byEmail(MAIL), 1_000);
    refunded(won("du_1", 700, 3_000));
    refunded(chargeback("du_1", 700, 2_000));
    assertThat(netByModel(rows()).values()).containsOnly(AMOUNT);
  }

  @Test
  void aReattributionAfterARefundMovesOnlyTheNet() throws Exception {
    pay(unattributed(), 1_000);
    refunded(refund("re_1", 250, 2_000));
    pay(byEmail(MAIL), 3_000);
    refunded(refund("re_2", 50, 4_000));
    Map<String, Long> net = netByModelAndChannel(rows());
    assertThat(net).doesNotContainKey("last_touch|(unattributed)");
    assertThat(net).containsEntry("last_touch|Email", 700L);
    assertThat(rows().get(rows().size() - 1).refundedMinor()).isEqualTo(300L);
  }

  /**
   * The invariant of DESIGN.md §5 for the ledger operator: whatever order the events of one payment
   * arrive in, each touch under each model ends with its proportional share of amount − refunds.
   */
  @Test
  void theOrderOfPaymentRefundsAndBetterEvidenceDoesNotChangeTheNet() throws Exception {
    Random random = new Random(42);
    Map<String, Long> expected = null;
    for (int round = 0; round < 200; round++) {
      List<Object> events =
          new ArrayList<>(
              List.of(
                  unattributed(),
                  byEmail(MAIL, ADS, SOCIAL),
                  refund("re_1", 1 + random.nextInt(200), 2_000),
                  runningTotal(150, 2_500),
                  refund("re_2", 101, 3_000),
                  refund("re_1", 90, 3_500)));
      Collections.shuffle(events, random);
      try (var h = newHarness(null, 0)) {
        for (Object e : events) {
          if (e instanceof AttributedPayment a) {
            h.processElement1(new StreamRecord<>(a, 1_000));
          } else {
            RefundEvent r = (RefundEvent) e;
            h.processElement2(new StreamRecord<>(r, r.occurredAtMillis()));
          }
        }
        List<PaymentRow> out = h.extractOutputValues();
        // re_1's largest report + re_2 vs the running total 150: the larger claim wins
        RefundEvent re1 =
            (RefundEvent)
                events.stream()
                    .filter(e -> e instanceof RefundEvent r && "re_1".equals(r.refundKey()))
                    .max(java.util.Comparator.comparingLong(e -> ((RefundEvent) e).amountMinor()))
                    .orElseThrow();
        long refundedTotal = Math.min(AMOUNT, Math.max(150, re1.amountMinor() + 101));
        assertThat(netByModel(out).values()).containsOnly(AMOUNT - refundedTotal);
        Map<String, Long> net = netByModelAndChannel(out);
        net.entrySet().removeIf(x -> x.getValue() == 0);
        assertThat(net.keySet()).noneMatch(k -> k.endsWith("(unattributed)"));
        if (refundedTotal == 291) {
          // same total, same split whatever the order
          if (expected == null) {
            expected = net;
          } else {
            assertThat(net).isEqualTo(expected);
          }
        }
      }
    }
  }

  @Test
  void stateExpiresAfterTheRetention() throws Exception {
    refunded(refund("re_1", 100, 500));
    pay(unattributed(), 1_000);
    pay(byEmail(MAIL), 2_000);
    assertThat(harness.numKeyedStateEntries()).isEqualTo(5);
    var snapshot = Harnesses.snapshotAt(harness, RETENTION.toMillis() + 1);
    try (var restored = newHarness(snapshot, RETENTION.toMillis() + 1)) {
      assertThat(restored.numKeyedStateEntries()).isZero();
    }
  }

  private static RefundEvent yenRefund(String id, long at) {
    return new RefundEvent(
        "acme",
        "stripe",
        "pi_1",
        id,
        "evt_" + id,
        "refund.created",
        RefundEvent.REFUND,
        5000,
        false,
        false,
        "JPY",
        0,
        at,
        at,
        true);
  }

  @Test
  void aRefundInAnotherCurrencyIsRefusedAndChangesNothing() throws Exception {
    harness.processElement1(new StreamRecord<>(unattributed(), 1_000));

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> harness.processElement2(new StreamRecord<>(yenRefund("re_jpy", 2_000), 2_000)))
        .isInstanceOf(dev.tributary.job.base.MalformedPayloadException.class)
        .hasMessage("refund in JPY of a payment in USD");

    // the refund in the payment's currency still books, in full, as if the other never came
    harness.processElement2(new StreamRecord<>(refund("re_1", 400, 3_000), 3_000));
    assertThat(rows()).extracting(PaymentRow::refundedMinor).containsExactly(0L, 400L);
    assertThat(netByModel(rows()).values()).containsOnly(AMOUNT - 400);
    assertThat(harness.getSideOutput(Ledger.REFUND_ROWS))
        .extracting(r -> r.getValue().refundKey())
        .containsExactly("re_1");
  }

  @Test
  void refundsInAnotherCurrencyBeforeTheirPaymentBecomeDeadLettersWhenItComes() throws Exception {
    harness.processElement2(new StreamRecord<>(yenRefund("re_jpy", 500), 500));
    assertThat(harness.getSideOutput(Ledger.REFUND_ROWS)).isNull();

    harness.processElement1(new StreamRecord<>(unattributed(), 1_000));

    assertThat(rows()).extracting(PaymentRow::refundedMinor).containsExactly(0L);
    assertThat(netByModel(rows()).values()).containsOnly(AMOUNT);
    assertThat(harness.getSideOutput(dev.tributary.job.deadletter.DeadLetters.TAG))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getValue().stage()).isEqualTo(Ledger.UID);
              assertThat(d.getValue().reason())
                  .isEqualTo("refund in JPY reported before its payment in USD");
              assertThat(d.getValue().record()).contains("\"eventId\":\"evt_re_jpy\"");
            });
    assertThat(harness.getSideOutput(Ledger.REFUND_ROWS)).isNull();
  }

  @Test
  void aCorrectionToALowerAmountNeverLeavesMoreRefundedThanTheAmount() throws Exception {
    harness.processElement1(new StreamRecord<>(unattributed(), 1_000));
    harness.processElement2(new StreamRecord<>(refund("re_1", 800, 2_000), 2_000));
    // an earlier report of the same money, for less, now stands (PaymentEvent.mergedWith)
    PaymentEvent lower =
        dev.tributary.job.testing.Payments.payment("pi_1", "e0", 500, 900, null, null)
            .withConflicts("amount");
    harness.processElement1(
        new StreamRecord<>(
            new AttributedPayment(
                lower,
                Resolution.unattributed("nothing"),
                Credits.of(lower, List.of(), HALF_LIFE),
                0),
            3_000));

    assertThat(netByModel(rows()).values()).containsOnly(0L);
    PaymentRow last = last(rows());
    assertThat(last.attributed().payment().amountMinor()).isEqualTo(500);
    assertThat(last.refundedMinor()).isEqualTo(500);
    assertThat(last.attributed().payment().conflicts()).isEqualTo("amount");
  }

  @Test
  void theSameNumberOfTouchesFormingAnotherJourneyIsBookedAsACorrection() throws Exception {
    harness.processElement1(new StreamRecord<>(byEmail(MAIL), 1_000));
    // the touch was re-classified (its landing came late): same count, another channel
    Touch reclassified = new Touch("s_1", 400, "Paid Search", "google", "cpc", "brand");
    harness.processElement1(new StreamRecord<>(byEmail(reclassified), 2_000));
    // the same attribution again (a replay) changes nothing
    harness.processElement1(new StreamRecord<>(byEmail(reclassified), 3_000));

    assertThat(netByModelAndChannel(rows()))
        .doesNotContainKey("last_touch|Email")
        .containsEntry("last_touch|Paid Search", AMOUNT);
    // booked once, corrected once; the replay wrote nothing
    assertThat(rows()).hasSize(2);
  }

  /** The zero-amount policy: never a purchase, whatever links it. */
  @Test
  void aPaymentOfZeroIsNeverBooked() throws Exception {
    PaymentEvent zero = payment("pi_0", "e0", 0, 1_000, "v_1", null);
    pay(
        new AttributedPayment(
            zero, Resolution.metadata("trial"), Credits.of(zero, List.of(MAIL), HALF_LIFE), 1),
        1_000);
    assertThat(rows()).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isZero();
  }
}
