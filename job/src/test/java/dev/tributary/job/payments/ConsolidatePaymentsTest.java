package dev.tributary.job.payments;

import static dev.tributary.job.testing.Payments.payment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.testing.Harnesses;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConsolidatePaymentsTest {
  private static final Duration SETTLE = Duration.ofSeconds(30);
  private static final Duration RETENTION = Duration.ofDays(35);
  private KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, PaymentEvent> harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new ConsolidatePayments(SETTLE, RETENTION),
            PaymentEvent::consolidationKey,
            Types.STRING);
    harness.setStateTtlProcessingTime(0);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private List<PaymentEvent> output() {
    return harness.extractOutputValues();
  }

  @Test
  void eventsOfOnePaymentMergeAndGoOnOnceAfterTheSettleTime() throws Exception {
    // Checkout session (with the visitor) and PaymentIntent (without) describe the same money.
    harness.processElement(payment("pi_1", "evt_pi", 1000, 10_000, null, null), 10_500);
    harness.processElement(payment("pi_1", "evt_cs", 1000, 9_000, "v_1", "s_1"), 10_600);
    harness.processWatermark(new Watermark(10_000 + SETTLE.toMillis() - 1));
    assertThat(output()).isEmpty();

    harness.processWatermark(new Watermark(10_000 + SETTLE.toMillis()));

    assertThat(output()).hasSize(1);
    PaymentEvent merged = output().get(0);
    assertThat(merged.visitorId()).isEqualTo("v_1");
    assertThat(merged.sessionId()).isEqualTo("s_1");
    assertThat(merged.occurredAtMillis()).isEqualTo(9_000);
    assertThat(merged.amountMinor()).isEqualTo(1000);
  }

  @Test
  void retriesAfterEmissionAreSwallowed() throws Exception {
    PaymentEvent p = payment("pi_2", "evt_1", 500, 1_000, "v_1", null);
    harness.processElement(p, 1_000);
    harness.processWatermark(new Watermark(1_000 + SETTLE.toMillis()));
    harness.processElement(p, 2_000_000);
    harness.processElement(p, 3_000_000);
    harness.processWatermark(new Watermark(10_000_000));

    assertThat(output()).containsExactly(p);
  }

  @Test
  void metadataArrivingAfterTheSettleTimeSendsThePaymentOnAgainLinked() throws Exception {
    harness.processElement(payment("pi_4", "evt_pi", 800, 1_000, null, null), 1_000);
    harness.processWatermark(new Watermark(1_000 + SETTLE.toMillis()));
    harness.processElement(payment("pi_4", "evt_cs_late", 800, 1_000, "v_7", "s_7"), 90_000);
    harness.processElement(payment("pi_4", "evt_cs_late", 800, 1_000, "v_7", "s_7"), 95_000);

    assertThat(output())
        .extracting(p -> p.paymentKey() + "|" + p.visitorId())
        .containsExactly("pi_4|null", "pi_4|v_7");
  }

  @Test
  void aLateEventWithTheEmailOrCustomerTheSentPaymentLackedSendsItOnAgain() throws Exception {
    harness.processElement(payment("pi_5", "evt_pi", 800, 1_000, null, null), 1_000);
    harness.processWatermark(new Watermark(1_000 + SETTLE.toMillis()));
    assertThat(output()).hasSize(1);

    // checkout.session.completed, delivered 40 s late: it alone knows the payer's email
    PaymentEvent late =
        dev.tributary.job.testing.Payments.withEmailHash(
            payment("pi_5", "evt_cs", 800, 900, null, null), "h".repeat(64));
    harness.processElement(late, 41_000);
    // the same event retried adds nothing more
    harness.processElement(late, 42_000);

    assertThat(output()).hasSize(2);
    assertThat(output().get(1).emailHash()).isEqualTo("h".repeat(64));
    assertThat(output().get(1).occurredAtMillis()).isEqualTo(900);
  }

  @Test
  void aLateEarlierEventOfTheSameMoneySendsThePaymentOnAgainWithItsTime() throws Exception {
    // transaction.completed settles alone; transaction.paid, a second earlier, comes a day late
    harness.processElement(payment("txn_1", "evt_completed", 800, 2_000, "v_1", null), 2_000);
    harness.processWatermark(new Watermark(2_000 + SETTLE.toMillis()));
    harness.processElement(payment("txn_1", "evt_paid", 800, 1_000, "v_1", null), 86_400_000);
    harness.processElement(payment("txn_1", "evt_paid", 800, 1_000, "v_1", null), 86_500_000);
    harness.processElement(payment("txn_1", "evt_completed", 800, 2_000, "v_1", null), 86_600_000);

    // on time, the merge would have stood on evt_paid: the late arrival ends on the same event
    assertThat(output())
        .extracting(p -> p.eventId() + "@" + p.occurredAtMillis())
        .containsExactly("evt_completed@2000", "evt_paid@1000");
  }

  @Test
  void stateEmptiesTimerAtSettleAndTtlAfterRetention() throws Exception {
    harness.processElement(payment("pi_3", "evt_1", 500, 1_000, null, null), 1_000);
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

    harness.processWatermark(new Watermark(1_000 + SETTLE.toMillis()));
    assertThat(harness.numEventTimeTimers()).isZero();
    // pending is cleared, emitted remains for deduplication
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

    var snapshot = Harnesses.snapshotAt(harness, RETENTION.toMillis() + 1);
    try (var restored =
        Harnesses.keyed(
            new ConsolidatePayments(SETTLE, RETENTION),
            PaymentEvent::consolidationKey,
            Types.STRING,
            snapshot,
            RETENTION.toMillis() + 1)) {
      assertThat(restored.numKeyedStateEntries()).as("dedupe marker expired").isZero();
      assertThat(restored.numEventTimeTimers()).isZero();
    }
  }
}
