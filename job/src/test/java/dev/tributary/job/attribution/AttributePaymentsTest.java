package dev.tributary.job.attribution;

import static dev.tributary.job.testing.Payments.payment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.ledger.LedgerEntry;
import dev.tributary.job.payments.LinkMethod;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.sessions.Session;
import dev.tributary.job.testing.Harnesses;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AttributePaymentsTest {
  private static final Duration LOOKBACK = Duration.ofDays(30);
  private KeyedTwoInputStreamOperatorTestHarness<String, Session, PaymentEvent, AttributedPayment>
      harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new AttributePayments(LOOKBACK, Duration.ofDays(7)),
            Session::visitorKey,
            PaymentEvent::visitorKey,
            Types.STRING);
    harness.setStateTtlProcessingTime(0);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  static Session session(String visitor, String id, long start, String channel) {
    return new Session(
        "acme",
        visitor,
        id,
        start,
        start,
        1,
        channel,
        "src",
        "med",
        "camp",
        null,
        null,
        null,
        null,
        "https://acme.com/");
  }

  private List<LedgerEntry> ledger() {
    return harness.extractOutputValues().stream().flatMap(a -> a.credits().stream()).toList();
  }

  @Test
  void paymentWaitsForTheWatermarkSoThatItsSessionIsIn() throws Exception {
    harness.processElement2(payment("pi_1", "e1", 2_500, 10_000, "v1", null), 10_000);
    assertThat(ledger()).isEmpty();
    // the session arrives after the payment but happened before it
    harness.processElement1(session("v1", "s_email", 5_000, "Email"), 5_000);
    harness.processBothWatermarks(new Watermark(10_000));

    assertThat(ledger()).as("one entry per model").hasSize(Model.values().length);
    LedgerEntry e =
        ledger().stream().filter(l -> l.model().equals("last_touch")).findFirst().orElseThrow();
    assertThat(e.channel()).isEqualTo("Email");
    assertThat(e.amountMinor()).isEqualTo(2_500);
    assertThat(e.model()).isEqualTo("last_touch");
    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(a -> assertThat(a.resolution().confidence()).isEqualTo("high"));
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void latePaymentIsAttributedAtOnceWithTheStateAtHand() throws Exception {
    harness.processElement1(session("v1", "s1", 1_000, "Paid Search"), 1_000);
    harness.processBothWatermarks(new Watermark(1_000_000));

    harness.processElement2(payment("pi_late", "e1", 700, 5_000, "v1", null), 5_000);

    assertThat(ledger())
        .hasSize(Model.values().length)
        .extracting(LedgerEntry::channel)
        .containsOnly("Paid Search");
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void paymentWithoutAnySessionIsStillBookedToTheVisitor() throws Exception {
    harness.processElement2(payment("pi_2", "e1", 100, 10_000, "v_new", null), 10_000);
    harness.processBothWatermarks(new Watermark(20_000));

    assertThat(ledger())
        .hasSize(Model.values().length)
        .extracting(LedgerEntry::channel)
        .containsOnly(Credits.NO_TOUCH);
    assertThat(ledger().get(0).visitorId()).isEqualTo("v_new");
  }

  @Test
  void pendingIsClearedByItsTimerAndTouchesByTheLookbackTtl() throws Exception {
    harness.processElement1(session("v1", "s1", 1_000, "Direct"), 1_000);
    harness.processElement2(payment("pi_3", "e1", 100, 10_000, "v1", null), 10_000);
    assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);

    harness.processBothWatermarks(new Watermark(10_000));
    assertThat(harness.numKeyedStateEntries())
        .as("pending payment gone; the touch and the attributed payment remembered")
        .isEqualTo(2);
    assertThat(harness.numEventTimeTimers()).isZero();

    var snapshot = Harnesses.snapshotAt(harness, LOOKBACK.toMillis() + 1);
    try (var restored =
        Harnesses.keyedCo(
            new AttributePayments(LOOKBACK, Duration.ofDays(7)),
            Session::visitorKey,
            PaymentEvent::visitorKey,
            Types.STRING,
            snapshot,
            LOOKBACK.toMillis() + 1)) {
      assertThat(restored.numKeyedStateEntries()).as("touch expired after the lookback").isZero();
      assertThat(restored.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void aSessionArrivingAfterItsPaymentAttributesThePaymentAgain() throws Exception {
    harness.processElement2(payment("pi_early", "e1", 900, 10_000, "v1", null), 10_000);
    harness.processBothWatermarks(new Watermark(20_000));
    // started before the payment, delivered after it was attributed
    harness.processElement1(session("v1", "s_late", 8_000, "Organic Social"), 8_000);
    // a session after the payment changes nothing
    harness.processElement1(session("v1", "s_after", 30_000, "Direct"), 30_000);

    assertThat(harness.extractOutputValues())
        .extracting(
            a ->
                a.touches()
                    + "|"
                    + a.credits().stream()
                        .filter(e -> e.model().equals("last_touch"))
                        .findFirst()
                        .orElseThrow()
                        .channel())
        .containsExactly("0|" + Credits.NO_TOUCH, "1|Organic Social");
  }

  @Test
  void theNamedSessionArrivingLateEndsTheJourneyEvenWhenItsClockIsAfterThePayment()
      throws Exception {
    harness.processElement1(session("v1", "s_1", 1_000, "Organic Social"), 1_000);
    // the checkout names s_2; the tracker's clock put its first pageview after the provider's
    harness.processElement2(payment("pi_1", "e1", 1_000, 10_000, "v1", "s_2"), 10_000);
    harness.processBothWatermarks(new Watermark(20_000));
    harness.processElement1(session("v1", "s_2", 10_400, "Paid Search"), 30_000);

    // on time, s_2 would have been in: the late arrival ends on the same journey
    assertThat(harness.extractOutputValues())
        .extracting(
            a ->
                a.credits().stream()
                    .filter(e -> e.model().equals("last_touch"))
                    .findFirst()
                    .orElseThrow()
                    .sessionId())
        .containsExactly("s_1", "s_2");
  }

  @Test
  void aLateSessionReattributesTheStrongestVersionOfAPaymentSeveralResolversLinked()
      throws Exception {
    // found by the chaos run: the checkout named the visitor, and resolve-by-customer and
    // resolve-by-email linked the same payment to them too; the weaker versions came last
    PaymentEvent byMetadata = payment("pi_1", "e1", 1_000, 10_000, "v1", null);
    harness.processBothWatermarks(new Watermark(20_000));
    harness.processElement2(byMetadata, 10_000);
    harness.processElement2(byMetadata.withVisitor("v1", LinkMethod.CUSTOMER), 10_000);
    harness.processElement2(byMetadata.withVisitor("v1", LinkMethod.EMAIL), 10_000);
    harness.processElement1(session("v1", "s_1", 5_000, "Paid Search"), 30_000);

    AttributedPayment last =
        harness.extractOutputValues().get(harness.extractOutputValues().size() - 1);
    assertThat(last.payment().linkMethod()).isEqualTo(LinkMethod.METADATA.code());
    assertThat(last.touches()).isEqualTo(1);
  }

  @Test
  void aSessionWhoseLandingArrivesLateIsReclassifiedAndThePaymentAttributedAgain()
      throws Exception {
    harness.processElement1(session("v1", "s_1", 5_000, "Direct"), 5_000);
    harness.processBothWatermarks(new Watermark(10_000));
    harness.processElement2(payment("pi_1", "e1", 1_000, 10_000, "v1", null), 10_000);
    // the landing pageview with its gclid comes late: same session, earlier start, Paid Search
    harness.processElement1(session("v1", "s_1", 4_000, "Paid Search"), 11_000);

    assertThat(harness.extractOutputValues())
        .extracting(a -> a.credits().get(0).channel())
        .containsExactly("Direct", "Paid Search");
  }

  @Test
  void aWeakerVersionOfAWaitingPaymentDoesNotReplaceTheStrongerOne() throws Exception {
    harness.processElement2(payment("pi_1", "e1", 1_000, 10_000, "v1", null), 10_000);
    harness.processElement2(
        payment("pi_1", "e1", 1_000, 10_000, "v1", null).withVisitor("v1", LinkMethod.TIMESTAMP),
        10_000);
    harness.processBothWatermarks(new Watermark(10_000));

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(a -> assertThat(a.payment().linkMethod()).isEqualTo(LinkMethod.METADATA.code()));
  }
}
