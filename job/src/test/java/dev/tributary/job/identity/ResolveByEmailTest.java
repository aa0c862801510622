package dev.tributary.job.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.base.EmailHash;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.sessions.Identify;
import dev.tributary.job.testing.Harnesses;
import dev.tributary.job.testing.Payments;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResolveByEmailTest {
  private static final Duration RETENTION = Duration.ofDays(400);
  private static final String HASH = EmailHash.of("ada@example.com");
  private KeyedTwoInputStreamOperatorTestHarness<String, Identify, PaymentEvent, PaymentEvent>
      harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new ResolveByEmail(RETENTION, Duration.ofDays(30)),
            Identify::emailKey,
            PaymentEvent::emailKey,
            Types.STRING);
    harness.setStateTtlProcessingTime(0);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  static PaymentEvent paidBy(String key, long at, String visitor) {
    return Payments.withEmailHash(
        Payments.payment(key, "evt_" + key, 1000, at, visitor, null), HASH);
  }

  /** A verified identify: the merchant's server, with the site's API key. */
  static Identify identify(String visitor, long at) {
    return new Identify("acme", visitor, null, HASH, at, true);
  }

  /** The public tracker's identify: anyone can send one, for any email. */
  static Identify tracker(String visitor, long at) {
    return new Identify("acme", visitor, null, HASH, at, false);
  }

  private java.util.List<String> linked() {
    return harness.extractOutputValues().stream()
        .map(p -> p.paymentKey() + "|" + p.visitorId() + "|" + p.linkMethod())
        .toList();
  }

  @Test
  void anIdentifyMadeBeforeThePaymentCountsEvenWhenItArrivesAfter() throws Exception {
    harness.processElement2(paidBy("pi_1", 10_000, null), 10_000);
    harness.processElement1(identify("v_ada", 5_000), 5_000);
    assertThat(harness.extractOutputValues()).isEmpty();

    harness.processBothWatermarks(new Watermark(10_000));

    assertThat(harness.extractOutputValues())
        .extracting(p -> p.visitorId() + "|" + p.linkMethod())
        .containsExactly("v_ada|email");
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void theLatestEvidenceWinsAndLatePaymentsResolveAtOnce() throws Exception {
    harness.processElement1(identify("v_old", 1_000), 1_000);
    harness.processElement2(paidBy("pi_linked", 3_000, "v_new"), 3_000);
    harness.processElement1(identify("v_older", 500), 500);
    harness.processBothWatermarks(new Watermark(100_000));

    harness.processElement2(paidBy("pi_late", 4_000, null), 4_000);

    assertThat(harness.extractOutputValues())
        .extracting(p -> p.paymentKey() + "|" + p.visitorId() + "|" + p.linkMethod())
        .containsExactly("pi_linked|v_new|metadata", "pi_late|v_new|email");
  }

  @Test
  void stateEmptiesByTimerAndRetention() throws Exception {
    harness.processElement1(identify("v_ada", 1_000), 1_000);
    harness.processElement2(paidBy("pi_1", 2_000, null), 2_000);
    harness.processBothWatermarks(new Watermark(2_000));
    assertThat(harness.numEventTimeTimers()).isZero();

    var snapshot = Harnesses.snapshotAt(harness, RETENTION.toMillis() + 1);
    try (var restored =
        Harnesses.keyedCo(
            new ResolveByEmail(RETENTION, Duration.ofDays(30)),
            Identify::emailKey,
            PaymentEvent::emailKey,
            Types.STRING,
            snapshot,
            RETENTION.toMillis() + 1)) {
      assertThat(restored.numKeyedStateEntries()).isZero();
    }
  }

  @Test
  void anIdentifyAfterThePaymentSendsItOnAgainLinked() throws Exception {
    harness.processElement2(paidBy("pi_9", 1_000, null), 1_000);
    harness.processBothWatermarks(new Watermark(1_000));
    harness.processElement1(identify("v_late", 50_000), 50_000);
    harness.processElement1(identify("v_later", 60_000), 60_000);

    assertThat(harness.extractOutputValues())
        .extracting(p -> p.paymentKey() + "|" + p.visitorId() + "|" + p.linkMethod())
        .containsExactly("pi_9|null|null", "pi_9|v_late|email");
    assertThat(harness.numKeyedStateEntries())
        .as("visitor, identifiedAt and verifiedLink only")
        .isEqualTo(3);
  }

  @Test
  void aLaterPaymentThatNamesItsVisitorLinksTheEarlierOneWithTheSameEmail() throws Exception {
    harness.processElement2(paidBy("pi_a", 1_000, null), 1_000);
    harness.processBothWatermarks(new Watermark(1_000));
    harness.processElement2(paidBy("pi_b", 9_000, "v_ada"), 9_000);

    assertThat(harness.extractOutputValues())
        .extracting(p -> p.paymentKey() + "|" + p.visitorId() + "|" + p.linkMethod())
        .containsExactly("pi_a|null|null", "pi_b|v_ada|metadata", "pi_a|v_ada|email");
  }

  @Test
  void aPublicTrackerClaimMadeBeforeThePaymentLinksWithLowConfidence() throws Exception {
    harness.processElement1(tracker("v_ada", 1_000), 1_000);
    harness.processElement2(paidBy("pi_1", 5_000, null), 5_000);
    harness.processBothWatermarks(new Watermark(5_000));
    assertThat(linked()).containsExactly("pi_1|v_ada|email-unverified");
  }

  /** The credit hijack of issue #13: an affiliate claims a customer's email for its own visitor. */
  @Test
  void aPublicTrackerClaimNeitherOverridesAnEstablishedLinkNorMovesABookedPayment()
      throws Exception {
    harness.processElement1(identify("v_real", 1_000), 1_000);
    harness.processElement1(tracker("v_affiliate", 2_000), 2_000);
    harness.processElement1(tracker("v_affiliate", 500), 500);
    harness.processElement2(paidBy("pi_1", 5_000, null), 5_000);
    harness.processBothWatermarks(new Watermark(5_000));
    assertThat(linked()).containsExactly("pi_1|v_real|email");

    // another email: a payment booked without a link, then claimed through the public tracker
    try (var other =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new ResolveByEmail(RETENTION, Duration.ofDays(30)),
            Identify::emailKey,
            PaymentEvent::emailKey,
            Types.STRING)) {
      other.processElement2(paidBy("pi_2", 1_000, null), 1_000);
      other.processBothWatermarks(new Watermark(1_000));
      other.processElement1(tracker("v_affiliate", 2_000), 2_000);
      other.processElement2(paidBy("pi_3", 3_000, null), 3_000);
      other.processBothWatermarks(new Watermark(3_000));
      assertThat(other.extractOutputValues())
          .extracting(p -> p.paymentKey() + "|" + p.visitorId() + "|" + p.linkMethod())
          .as("pi_2 stays unlinked; pi_3, made after the claim, is linked with low confidence")
          .containsExactly("pi_2|null|null", "pi_3|v_affiliate|email-unverified");
      // the payer then signs in through the merchant's server: verified evidence wins and
      // re-links what no evidence had explained
      other.processElement1(identify("v_payer", 4_000), 4_000);
      other.processElement2(paidBy("pi_4", 5_000, null), 5_000);
      other.processBothWatermarks(new Watermark(5_000));
      assertThat(other.extractOutputValues())
          .extracting(p -> p.paymentKey() + "|" + p.visitorId() + "|" + p.linkMethod())
          .endsWith("pi_2|v_payer|email", "pi_4|v_payer|email");
    }
  }

  @Test
  void amongPublicTrackerClaimsTheEarliestStandsWhicheverArrivesFirst() throws Exception {
    for (boolean laterFirst : new boolean[] {true, false}) {
      try (var h =
          ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
              new ResolveByEmail(RETENTION, Duration.ofDays(30)),
              Identify::emailKey,
              PaymentEvent::emailKey,
              Types.STRING)) {
        if (laterFirst) {
          h.processElement1(tracker("v_late", 2_000), 2_000);
          h.processElement1(tracker("v_early", 1_000), 1_000);
        } else {
          h.processElement1(tracker("v_early", 1_000), 1_000);
          h.processElement1(tracker("v_late", 2_000), 2_000);
        }
        h.processElement2(paidBy("pi_1", 5_000, null), 5_000);
        h.processBothWatermarks(new Watermark(5_000));
        assertThat(h.extractOutputValues())
            .extracting(PaymentEvent::visitorId)
            .containsExactly("v_early");
      }
    }
  }

  @Test
  void anErasureRequestDropsEverythingTheEmailLinkedAtOnce() throws Exception {
    harness.processElement1(identify("v_ada", 1_000), 1_000);
    harness.processElement2(paidBy("pi_unexplained", 500, null), 500);
    harness.processBothWatermarks(new Watermark(1_000));
    assertThat(harness.numKeyedStateEntries()).isPositive();

    harness.processElement1(Identify.forget("acme", HASH, 2_000), 2_000);
    assertThat(harness.numKeyedStateEntries()).isZero();

    harness.processElement2(paidBy("pi_after", 3_000, null), 3_000);
    harness.processBothWatermarks(new Watermark(3_000));
    assertThat(linked()).endsWith("pi_after|null|null");
  }

  /**
   * A public tracker claim made before the payment but delivered to the job after the payment
   * settled (a late partition, a replay) counts as it would have on time; found by the chaos run.
   */
  @Test
  void aPublicClaimMadeBeforeThePaymentButDeliveredLateStillLinksIt() throws Exception {
    harness.processElement2(paidBy("pi_1", 5_000, null), 5_000);
    harness.processBothWatermarks(new Watermark(6_000));
    harness.processElement1(tracker("v_ada", 1_000), 1_000);
    assertThat(linked()).containsExactly("pi_1|null|null", "pi_1|v_ada|email-unverified");
  }
}
