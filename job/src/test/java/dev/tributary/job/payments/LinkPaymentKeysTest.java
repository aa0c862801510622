package dev.tributary.job.payments;

import static dev.tributary.job.testing.Payments.payment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.testing.Harnesses;
import dev.tributary.job.testing.Payments;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LinkPaymentKeysTest {
  private static final Duration RETENTION = Duration.ofDays(35);
  private static final Duration API_WAIT = Duration.ofHours(1);
  private KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, PaymentEvent> harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new LinkPaymentKeys(RETENTION, API_WAIT), PaymentEvent::linkStateKey, Types.STRING);
    harness.setStateTtlProcessingTime(0);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  /** An invoice event that knows its money only by the invoice id. */
  private static PaymentEvent invoice(String eventId) {
    PaymentEvent p = payment("unused", eventId, 1500, 1_000, "v_1", null);
    return new PaymentEvent(
        p.siteId(),
        p.provider(),
        null,
        eventId,
        "invoice.paid",
        1500,
        "USD",
        2,
        1_000,
        1_500,
        "v_1",
        null,
        "cus_1",
        null,
        "sub_1",
        true,
        true,
        "in_1",
        LinkMethod.METADATA.code(),
        null);
  }

  private static PaymentEvent link() {
    return Payments.keyed(payment("pi_1", "evt_link", 1500, 1_000, null, null), "pi_1", "in_1");
  }

  @Test
  void invoiceBeforeItsLinkWaitsThenGoesOnUnderThePaymentIntent() throws Exception {
    harness.processElement(invoice("evt_inv"), 1_000);
    assertThat(harness.extractOutputValues()).isEmpty();

    harness.processElement(link(), 1_100);

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.paymentKey()).isEqualTo("pi_1");
              assertThat(e.renewal()).isTrue();
              assertThat(e.visitorId()).isEqualTo("v_1");
            });
  }

  @Test
  void invoiceAfterItsLinkGoesOnAtOnceAndStateExpiresAfterTheRetention() throws Exception {
    harness.processElement(link(), 1_000);
    harness.processElement(invoice("evt_inv"), 1_100);
    harness.processElement(invoice("evt_inv_retry"), 1_200);
    assertThat(harness.extractOutputValues())
        .extracting(PaymentEvent::paymentKey)
        .containsExactly("pi_1", "pi_1");
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

    var snapshot = Harnesses.snapshotAt(harness, RETENTION.toMillis() + 1);
    try (var restored =
        Harnesses.keyed(
            new LinkPaymentKeys(RETENTION, API_WAIT),
            PaymentEvent::linkStateKey,
            Types.STRING,
            snapshot,
            RETENTION.toMillis() + 1)) {
      assertThat(restored.numKeyedStateEntries()).isZero();
    }
  }

  @Test
  void anInvoiceNeverLinkedIsForgottenAfterTheRetention() throws Exception {
    harness.processElement(invoice("evt_out_of_band"), 1_000);
    var snapshot = Harnesses.snapshotAt(harness, RETENTION.toMillis() + 1);
    try (var restored =
        Harnesses.keyed(
            new LinkPaymentKeys(RETENTION, API_WAIT),
            PaymentEvent::linkStateKey,
            Types.STRING,
            snapshot,
            RETENTION.toMillis() + 1)) {
      assertThat(restored.numKeyedStateEntries()).isZero();
    }
  }

  /** A Payment API report of Stripe money named by its Checkout Session id. */
  private static PaymentEvent apiBySession(String eventId, long receivedAt) {
    PaymentEvent p = payment("unused", eventId, 1500, receivedAt, null, null);
    return new PaymentEvent(
        p.siteId(),
        "stripe",
        null,
        eventId,
        "api.payment",
        1500,
        "USD",
        2,
        receivedAt,
        receivedAt,
        null,
        null,
        null,
        null,
        null,
        false,
        true,
        "cs_1",
        null,
        null);
  }

  @Test
  void aPaymentApiReportJoinsThePaymentTheWebhookLinksItsIdTo() throws Exception {
    harness.processElement(apiBySession("dlv_1", 1_000), 1_000);
    assertThat(harness.extractOutputValues()).isEmpty();
    // checkout.session.completed names the session's PaymentIntent (NormalizeWebhooks' alias)
    harness.processElement(
        Payments.keyed(payment("pi_1", "evt_cs", 1500, 900, null, null), "pi_1", "cs_1"), 1_200);
    harness.processWatermark(1_000 + API_WAIT.toMillis() + 1);
    assertThat(harness.extractOutputValues())
        .extracting(PaymentEvent::paymentKey, PaymentEvent::eventId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("pi_1", "dlv_1"));
  }

  @Test
  void aPaymentApiReportNoWebhookLinksGoesOnUnderItsOwnIdAfterTheWait() throws Exception {
    harness.processElement(apiBySession("dlv_1", 1_000), 1_000);
    harness.processWatermark(1_000 + API_WAIT.toMillis() - 1);
    assertThat(harness.extractOutputValues()).isEmpty();
    harness.processWatermark(1_000 + API_WAIT.toMillis());
    assertThat(harness.extractOutputValues())
        .extracting(PaymentEvent::paymentKey)
        .containsExactly("cs_1");
    // a retry of the report follows at once, under the same key
    harness.processElement(apiBySession("dlv_2", 2_000), 2_000);
    assertThat(harness.extractOutputValues())
        .extracting(PaymentEvent::paymentKey)
        .containsExactly("cs_1", "cs_1");
    assertThat(harness.numEventTimeTimers()).isZero();
  }
}
