package dev.tributary.job.payments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.job.ingest.RawRecord;
import dev.tributary.job.ingest.TimeBounds;
import dev.tributary.job.testing.Envelopes;
import dev.tributary.job.testing.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What stage 1 emits for each kind of parse outcome. */
class NormalizeWebhooksTest {
  private static final Instant RECEIVED = Instant.parse("2026-11-23T10:00:00Z");

  private OneInputStreamOperatorTestHarness<RawRecord, PaymentEvent> harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forProcessFunction(
            new NormalizeWebhooks(
                dev.tributary.job.payments.providers.PaymentProviders.parsers(),
                MetadataKeys.DEFAULT,
                new TimeBounds(Duration.ofDays(1)),
                ""));
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private void process(String provider, String deliveryId, String body) throws Exception {
    String value = Envelopes.webhook("acme", provider, deliveryId, RECEIVED, body);
    harness.processElement(
        new RawRecord("tributary.webhooks", 0, 0, "acme", value, RECEIVED.toEpochMilli()),
        RECEIVED.toEpochMilli());
  }

  private List<RefundEvent> refunds() {
    var side = harness.getSideOutput(NormalizeWebhooks.REFUNDS);
    return side == null
        ? List.of()
        : side.stream().map(StreamRecord::getValue).filter(Objects::nonNull).toList();
  }

  /** A WooCommerce order with refunds is both: the payment on the main output, the total beside. */
  @Test
  void aPaymentAndRefundOutcomeEmitsBoth() throws Exception {
    String order723 =
        new ObjectMapper()
            .readTree(Fixtures.read("woocommerce/orders.list.json"))
            .get(1)
            .toString();

    process("woocommerce", "sha256:723", order723);

    assertThat(harness.extractOutputValues())
        .extracting(PaymentEvent::paymentKey, PaymentEvent::amountMinor)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("723", 3_900L));
    assertThat(refunds())
        .extracting(RefundEvent::paymentKey, RefundEvent::amountMinor, RefundEvent::cumulative)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("723", 1_900L, true));
  }

  @Test
  void aPaymentOrARefundAloneEmitsOnlyIt() throws Exception {
    process("woocommerce", "sha256:727", Fixtures.read("woocommerce/order.processing.json"));
    String shopifyRefund =
        new ObjectMapper().readTree(Fixtures.read("shopify/refund.json")).get("refund").toString();
    process("shopify", "wh_rf_1", shopifyRefund);

    assertThat(harness.extractOutputValues())
        .extracting(PaymentEvent::paymentKey)
        .containsExactly("727");
    assertThat(refunds()).extracting(RefundEvent::refundKey).containsExactly("509562969");
  }
}
