package dev.tributary.job.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.testing.Harnesses;
import dev.tributary.job.testing.Payments;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResolveByCustomerTest {
  private static final Duration RETENTION = Duration.ofDays(400);
  private static final Duration UPGRADE_WINDOW = Duration.ofDays(30);
  private KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, PaymentEvent> harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new ResolveByCustomer(RETENTION, UPGRADE_WINDOW),
            PaymentEvent::customerKey,
            Types.STRING);
    harness.setStateTtlProcessingTime(0);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  /** A payment of customer cus_1. */
  static PaymentEvent of(String key, long at, String visitor) {
    return Payments.withCustomer(
        Payments.payment(key, "evt_" + key, 1000, at, visitor, null), "cus_1");
  }

  @Test
  void aRenewalWithoutMetadataGoesToTheVisitorOfTheCustomersFirstPayment() throws Exception {
    long month = Duration.ofDays(30).toMillis();
    // the renewal arrives first through another channel, but happened later
    harness.processElement(of("pi_renewal", month, null), month);
    harness.processElement(of("pi_first", 1_000, "v_1"), 1_000);
    harness.processWatermark(new Watermark(month));

    assertThat(harness.extractOutputValues())
        .extracting(p -> p.paymentKey() + "|" + p.visitorId() + "|" + p.linkMethod())
        .containsExactly("pi_first|v_1|metadata", "pi_renewal|v_1|customer");
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void aFirstPaymentDeliveredAfterItsRenewalWasResolvedLinksTheRenewalAfterAll() throws Exception {
    long month = Duration.ofDays(30).toMillis();
    harness.processElement(of("pi_renewal", month, null), month);
    harness.processWatermark(new Watermark(month + 1));
    harness.processElement(of("pi_first", 1_000, "v_1"), 1_000); // late: a webhook retried

    assertThat(harness.extractOutputValues())
        .extracting(p -> p.paymentKey() + "|" + p.visitorId() + "|" + p.linkMethod())
        .containsExactly(
            "pi_renewal|null|null", "pi_first|v_1|metadata", "pi_renewal|v_1|customer");
    // sent on once: a second linked payment finds nothing left to upgrade
    harness.processElement(of("pi_third", 2_000, "v_1"), 2_000);
    assertThat(harness.extractOutputValues()).hasSize(4);
  }

  @Test
  void anUnresolvedPaymentIsForgottenAfterTheUpgradeWindow() throws Exception {
    harness.processElement(of("pi_x", 1_000, null), 1_000);
    harness.processWatermark(new Watermark(2_000));
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    var snapshot = Harnesses.snapshotAt(harness, UPGRADE_WINDOW.toMillis() + 1);
    try (var restored =
        Harnesses.keyed(
            new ResolveByCustomer(RETENTION, UPGRADE_WINDOW),
            PaymentEvent::customerKey,
            Types.STRING,
            snapshot,
            UPGRADE_WINDOW.toMillis() + 1)) {
      assertThat(restored.numKeyedStateEntries()).isZero();
    }
  }

  @Test
  void anUnknownCustomerStaysUnlinkedAndTheLinkExpiresAfterTheRetention() throws Exception {
    harness.processElement(of("pi_x", 1_000, null), 1_000);
    harness.processWatermark(new Watermark(2_000));
    assertThat(harness.extractOutputValues())
        .extracting(PaymentEvent::visitorId)
        .containsOnlyNulls();

    harness.processElement(of("pi_y", 3_000, "v_2"), 3_000);
    var snapshot = Harnesses.snapshotAt(harness, RETENTION.toMillis() + 1);
    try (var restored =
        Harnesses.keyed(
            new ResolveByCustomer(RETENTION, UPGRADE_WINDOW),
            PaymentEvent::customerKey,
            Types.STRING,
            snapshot,
            RETENTION.toMillis() + 1)) {
      assertThat(restored.numKeyedStateEntries()).isZero();
      assertThat(restored.numEventTimeTimers()).isZero();
    }
  }
}
