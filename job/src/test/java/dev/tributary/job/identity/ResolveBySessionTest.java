package dev.tributary.job.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.sessions.Session;
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

class ResolveBySessionTest {
  private static final Duration LOOKBACK = Duration.ofDays(30);
  private KeyedTwoInputStreamOperatorTestHarness<String, Session, PaymentEvent, PaymentEvent>
      harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new ResolveBySession(LOOKBACK),
            Session::sessionKey,
            PaymentEvent::sessionKey,
            Types.STRING);
    harness.setStateTtlProcessingTime(0);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  static Session session(String visitor, String sessionId, long at) {
    return new Session(
        "acme",
        visitor,
        sessionId,
        at,
        at,
        1,
        "Email",
        "newsletter",
        "email",
        "nov",
        null,
        null,
        null,
        null,
        "https://acme.test/");
  }

  static PaymentEvent paidFromSession(String key, long at) {
    return Payments.payment(key, "evt_" + key, 1000, at, null, "s_only");
  }

  private String links() {
    return harness.extractOutputValues().stream()
        .map(p -> p.paymentKey() + ":" + p.visitorId() + "|" + p.linkMethod())
        .toList()
        .toString();
  }

  @Test
  void aSessionSeenBeforeThePaymentLinksItsVisitorByMetadataAtOnce() throws Exception {
    harness.processElement1(session("v_1", "s_only", 1_000), 1_000);
    harness.processElement2(paidFromSession("pi_1", 5_000), 5_000);

    assertThat(links()).isEqualTo("[pi_1:v_1|metadata]");
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void aPaymentWaitsForTheWatermarkSoItsSessionFromTheOtherTopicCounts() throws Exception {
    harness.processElement2(paidFromSession("pi_1", 5_000), 5_000);
    harness.processElement1(session("v_1", "s_only", 1_000), 1_000);
    assertThat(harness.extractOutputValues()).isEmpty();

    harness.processBothWatermarks(new Watermark(5_000));

    assertThat(links()).isEqualTo("[pi_1:v_1|metadata]");
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void aSessionArrivingAfterThePaymentWentOnSendsItAgainLinked() throws Exception {
    harness.processBothWatermarks(new Watermark(10_000));
    harness.processElement2(paidFromSession("pi_1", 5_000), 10_000);
    assertThat(links()).isEqualTo("[pi_1:null|null]");

    harness.processElement1(session("v_1", "s_only", 1_000), 11_000);

    assertThat(links()).isEqualTo("[pi_1:null|null, pi_1:v_1|metadata]");
  }

  @Test
  void theFirstVisitorOfASessionStandsAgainstALaterClaim() throws Exception {
    harness.processElement1(session("v_1", "s_only", 1_000), 1_000);
    harness.processElement1(session("v_forged", "s_only", 2_000), 2_000);
    harness.processElement2(paidFromSession("pi_1", 5_000), 5_000);

    assertThat(links()).isEqualTo("[pi_1:v_1|metadata]");
  }

  @Test
  void everyStateEmptiesAfterTheLookback() throws Exception {
    harness.processElement1(session("v_1", "s_only", 1_000), 1_000);
    harness.processBothWatermarks(new Watermark(10_000));
    harness.processElement2(
        Payments.payment("pi_2", "evt_2", 1000, 9_000, null, "s_other"), 10_000);
    assertThat(harness.numKeyedStateEntries()).isEqualTo(2);

    var snapshot = Harnesses.snapshotAt(harness, LOOKBACK.toMillis() + 1);
    try (var restored =
        Harnesses.keyedCo(
            new ResolveBySession(LOOKBACK),
            Session::sessionKey,
            PaymentEvent::sessionKey,
            Types.STRING,
            snapshot,
            LOOKBACK.toMillis() + 1)) {
      assertThat(restored.numKeyedStateEntries()).isZero();
    }
  }
}
