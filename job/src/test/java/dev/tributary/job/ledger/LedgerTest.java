package dev.tributary.job.ledger;

import static dev.tributary.job.testing.Payments.payment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.attribution.AttributedPayment;
import dev.tributary.job.attribution.Credits;
import dev.tributary.job.attribution.Resolution;
import dev.tributary.job.attribution.Touch;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.testing.Harnesses;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LedgerTest {
  private static final Duration RETENTION = Duration.ofDays(400);
  private static final Duration HALF_LIFE = Duration.ofDays(7);
  private KeyedOneInputStreamOperatorTestHarness<String, AttributedPayment, LedgerEntry> harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new Ledger(RETENTION), AttributedPayment::paymentKey, Types.STRING);
    harness.setStateTtlProcessingTime(0);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private static final PaymentEvent UNLINKED = payment("pi_1", "e1", 1000, 1_000, null, null);

  private static AttributedPayment unattributed() {
    return new AttributedPayment(
        UNLINKED,
        Resolution.unattributed("nothing"),
        Credits.of(UNLINKED, List.of(), HALF_LIFE),
        0);
  }

  private static AttributedPayment byEmail(Touch... touches) {
    PaymentEvent p = UNLINKED.withVisitor("v_1", PaymentEvent.EMAIL);
    return new AttributedPayment(
        p,
        Resolution.linked(PaymentEvent.EMAIL, "test"),
        Credits.of(p, List.of(touches), HALF_LIFE),
        touches.length);
  }

  private static Map<String, Long> netByModelAndChannel(List<LedgerEntry> entries) {
    return entries.stream()
        .collect(
            Collectors.groupingBy(
                e -> e.model() + "|" + e.channel(),
                java.util.TreeMap::new,
                Collectors.summingLong(LedgerEntry::amountMinor)));
  }

  @Test
  void betterEvidenceRetractsTheOldCreditsAndBooksTheNewOnes() throws Exception {
    harness.processElement(new StreamRecord<>(unattributed(), 1_000));
    Touch mail = new Touch("s_1", 500, "Email", "newsletter", "email", "nov");
    harness.processElement(new StreamRecord<>(byEmail(mail), 9_000));

    List<LedgerEntry> out = harness.extractOutputValues();
    Map<String, Long> net = netByModelAndChannel(out);
    assertThat(net).containsEntry("last_touch|(unattributed)", 0L);
    assertThat(net).containsEntry("last_touch|Email", 1000L);
    assertThat(out.stream().filter(e -> e.entryType().equals("correction")))
        .allSatisfy(e -> assertThat(e.bookedAtMillis()).isEqualTo(9_000));
    assertThat(out.stream().map(LedgerEntry::entryId).distinct().count()).isEqualTo(out.size());
    assertThat(harness.getSideOutput(Ledger.PAYMENT_ROWS))
        .extracting(r -> r.getValue().resolution().method())
        .containsExactly("unattributed", "email");
  }

  @Test
  void weakerOrEqualEvidenceChangesNothingAndMoreTouchesCount() throws Exception {
    Touch first = new Touch("s_1", 500, "Email", "newsletter", "email", "nov");
    Touch second = new Touch("s_2", 800, "Paid Search", "google", "cpc", "brand");
    harness.processElement(new StreamRecord<>(byEmail(first), 1_000));
    int booked = harness.extractOutputValues().size();

    harness.processElement(new StreamRecord<>(unattributed(), 2_000));
    harness.processElement(new StreamRecord<>(byEmail(first), 3_000));
    assertThat(harness.extractOutputValues()).hasSize(booked);

    harness.processElement(new StreamRecord<>(byEmail(first, second), 4_000));
    assertThat(netByModelAndChannel(harness.extractOutputValues()))
        .containsEntry("last_touch|Email", 0L)
        .containsEntry("last_touch|Paid Search", 1000L)
        .containsEntry("first_touch|Email", 1000L);
  }

  @Test
  void stateExpiresAfterTheRetention() throws Exception {
    harness.processElement(new StreamRecord<>(unattributed(), 1_000));
    harness.processElement(
        new StreamRecord<>(byEmail(new Touch("s_1", 500, "Email", "n", "email", "c")), 2_000));
    assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
    var snapshot = Harnesses.snapshotAt(harness, RETENTION.toMillis() + 1);
    try (var restored =
        Harnesses.keyed(
            new Ledger(RETENTION),
            AttributedPayment::paymentKey,
            Types.STRING,
            snapshot,
            RETENTION.toMillis() + 1)) {
      assertThat(restored.numKeyedStateEntries()).isZero();
    }
  }
}
