package dev.tributary.job.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.sessions.Session;
import dev.tributary.job.testing.Harnesses;
import dev.tributary.job.testing.Payments;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResolveByTimeTest {
  private static final Duration WINDOW = Duration.ofMinutes(30);
  private static final long MIN = 60_000;
  private KeyedTwoInputStreamOperatorTestHarness<
          String, BucketedActivity, PaymentEvent, PaymentEvent>
      harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new ResolveByTime(WINDOW, 5),
            BucketedActivity::bucketKey,
            p -> ResolveByTime.bucketOf(p, WINDOW),
            Types.STRING);
    harness.setStateTtlProcessingTime(0);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private void session(String visitor, long at) throws Exception {
    Session s =
        new Session(
            "acme",
            visitor,
            "s_" + visitor,
            at,
            at,
            1,
            "Referral",
            "blog.example",
            "referral",
            null,
            null,
            null,
            null,
            null,
            "https://acme.com/");
    // only the bucket the payment looks in matters to this harness
    for (BucketedActivity b : ResolveByTime.bucketsOf(s, WINDOW)) {
      harness.processElement1(new StreamRecord<>(b, at));
    }
  }

  private void pay(String key, long at, long amount) throws Exception {
    harness.processElement2(
        new StreamRecord<>(Payments.payment(key, "evt_" + key, amount, at, null, null), at));
  }

  @Test
  void oneVisitorActiveJustBeforeIsALowLink() throws Exception {
    session("v_1", 100 * MIN);
    session("v_old", 40 * MIN); // an hour before: outside the window
    pay("pi_1", 110 * MIN, 500);
    harness.processBothWatermarks(new Watermark(110 * MIN));

    assertThat(harness.extractOutputValues())
        .extracting(p -> p.visitorId() + "|" + p.linkMethod())
        .containsExactly("v_1|timestamp");
  }

  @Test
  void severalVisitorsSplitTheCreditEvenlyAndNoneLeavesItUnlinked() throws Exception {
    session("v_a", 200 * MIN);
    session("v_b", 205 * MIN);
    pay("pi_amb", 210 * MIN, 1001);
    pay("pi_none", 400 * MIN, 50);
    harness.processBothWatermarks(new Watermark(400 * MIN));

    assertThat(harness.extractOutputValues())
        .extracting(p -> p.paymentKey() + "|" + p.visitorId())
        .containsExactly("pi_none|null");
    var ambiguous = harness.getSideOutput(ResolveByTime.AMBIGUOUS);
    assertThat(ambiguous.stream().flatMap(r -> r.getValue().credits().stream()))
        .filteredOn(e -> e.model().equals("last_touch"))
        .extracting(e -> e.visitorId() + "=" + e.amountMinor())
        .containsExactly("v_a=501", "v_b=500");
    assertThat(ambiguous)
        .singleElement()
        .satisfies(r -> assertThat(r.getValue().resolution().confidence()).isEqualTo("ambiguous"));
  }

  @Test
  void moreCandidatesThanTheBoundLeaveThePaymentUnattributedWithTheReason() throws Exception {
    for (int i = 0; i < 6; i++) {
      session("v_" + i, 300 * MIN + i * MIN);
    }
    pay("pi_crowd", 310 * MIN, 1000);
    harness.processBothWatermarks(new Watermark(310 * MIN));

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(harness.getSideOutput(ResolveByTime.AMBIGUOUS))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getValue().resolution().method()).isEqualTo("unattributed");
              assertThat(r.getValue().resolution().reason())
                  .isEqualTo(
                      "6 visitors were active in the 30 min before the payment, more than the 5"
                          + " the timestamp fallback splits over");
              // one credit per model, on no visitor: not a row per visitor
              assertThat(r.getValue().credits()).hasSize(6);
              assertThat(r.getValue().credits())
                  .allSatisfy(e -> assertThat(e.visitorId()).isNull());
            });
  }

  @Test
  void activityExpiresAfterFourWindowsAndPendingByTimer() throws Exception {
    session("v_1", 100 * MIN);
    pay("pi_1", 110 * MIN, 500);
    harness.processBothWatermarks(new Watermark(110 * MIN));
    // the payment's timer has fired; left: the horizons of the session's two buckets
    assertThat(harness.numEventTimeTimers()).isEqualTo(2);

    var snapshot = Harnesses.snapshotAt(harness, WINDOW.multipliedBy(4).toMillis() + 1);
    try (var restored =
        Harnesses.keyedCo(
            new ResolveByTime(WINDOW, 5),
            BucketedActivity::bucketKey,
            (PaymentEvent p) -> ResolveByTime.bucketOf(p, WINDOW),
            Types.STRING,
            snapshot,
            WINDOW.multipliedBy(4).toMillis() + 1)) {
      assertThat(restored.numKeyedStateEntries()).isZero();
    }
  }

  @Test
  void aBucketIsForgottenWhenTheWatermarkPassesItsHorizonWhateverTheClock() throws Exception {
    // a replay: months of event time while the processing-time clock stands still
    session("v_1", 100 * MIN); // buckets 3 and 4 (of 30 minutes)
    pay("pi_1", 110 * MIN, 500);
    harness.processBothWatermarks(new Watermark(7 * 30 * MIN - 1));
    assertThat(harness.numKeyedStateEntries())
        .as("bucket 3 kept until 4 windows after it opened")
        .isEqualTo(2);

    harness.processBothWatermarks(new Watermark(8 * 30 * MIN));
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
    assertThat(harness.extractOutputValues())
        .extracting(p -> p.visitorId() + "|" + p.linkMethod())
        .containsExactly("v_1|timestamp");
  }
}
