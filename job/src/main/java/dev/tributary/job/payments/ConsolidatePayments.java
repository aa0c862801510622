package dev.tributary.job.payments;

import dev.tributary.job.base.PendingGauge;
import dev.tributary.job.base.StateTtl;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Stage 2, keyed by (site, provider, paymentKey): the several events and retries that describe one
 * payment become one. The first event opens a settle window of {@code
 * tributary.payments.settle-time} (event time); events inside it merge ({@link
 * PaymentEvent#mergedWith}); when the watermark passes the window the payment goes on, once.
 *
 * <p>An event for a payment already sent on (a retry days later) is a duplicate and is counted and
 * swallowed, unless it names the visitor, email, customer, session or subscription the sent payment
 * lacked (its evidence counts as if it had come on time), it is the provider's signed webhook for
 * money so far known only from a Payment API report, or it changes the event that stands for the
 * money (an earlier event of the same payment, another amount): then the payment goes on again and
 * the ledger re-books it, so the result is the on-time one whatever the arrival order.
 *
 * <p>State:
 *
 * <ul>
 *   <li>{@code pending}: the merged payment inside its settle window; cleared by the settle timer.
 *   <li>{@code emitted}: the payment as sent on; TTL {@code tributary.payments.dedupe-retention}
 *       (default 35 days, longer than any provider retries a webhook) from the last write.
 * </ul>
 *
 * <p>Timers: one event-time timer per payment at {@code occurredAt + settle}.
 */
public final class ConsolidatePayments
    extends KeyedProcessFunction<String, PaymentEvent, PaymentEvent> {
  public static final String UID = "consolidate-payments";

  private final Duration settle;
  private final Duration dedupeRetention;
  private transient ValueState<PaymentEvent> pending;
  private transient ValueState<PaymentEvent> emitted;
  private transient Counter duplicates;
  private transient PendingGauge waiting;

  public ConsolidatePayments(Duration settle, Duration dedupeRetention) {
    this.settle = settle;
    this.dedupeRetention = dedupeRetention;
  }

  @Override
  public void open(OpenContext openContext) {
    TypeInformation<PaymentEvent> type = TypeInformation.of(PaymentEvent.class);
    pending = getRuntimeContext().getState(new ValueStateDescriptor<>("pending", type));
    emitted = StateTtl.value(getRuntimeContext(), "emitted", type, dedupeRetention);
    duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
    waiting = new PendingGauge(getRuntimeContext().getMetricGroup());
  }

  @Override
  public void processElement(PaymentEvent event, Context ctx, Collector<PaymentEvent> out)
      throws Exception {
    PaymentEvent sent = emitted.value();
    if (sent != null) {
      PaymentEvent merged = sent.mergedWith(event);
      boolean linksNow = sent.visitorId() == null && merged.visitorId() != null;
      // a late event that names what the sent payment lacked (the email or customer that only
      // checkout.session.completed carries, the session, the subscription) is evidence the
      // resolvers must see: a webhook delivered late is attributed as if it came on time
      boolean addsEvidence =
          sent.emailHash() == null && merged.emailHash() != null
              || sent.customerId() == null && merged.customerId() != null
              || sent.sessionId() == null && merged.sessionId() != null
              || sent.subscriptionId() == null && merged.subscriptionId() != null;
      // a Payment API report settled first; the provider's signed webhook now stands for the money
      boolean signedNow = sent.fromPaymentApi() && !merged.fromPaymentApi();
      // an earlier report, or one that disagrees: the rule of mergedWith decides what stands, and
      // the row says what was reported differently, whatever order the reports came in
      // An earlier event of the same money (transaction.paid after .completed) now stands: its
      // time is the payment's, which time-decay credits and the row's occurred_at depend on
      boolean changed =
          merged.amountMinor() != sent.amountMinor()
              || !merged.currency().equals(sent.currency())
              || !merged.eventId().equals(sent.eventId())
              || merged.occurredAtMillis() != sent.occurredAtMillis()
              || merged.livemode() != sent.livemode()
              || !java.util.Objects.equals(merged.conflicts(), sent.conflicts());
      if (linksNow || addsEvidence || signedNow || changed) {
        // Evidence that arrives after the payment settled: send it on again; the ledger replaces
        // the weaker booking.
        emitted.update(merged);
        out.collect(merged);
      } else {
        duplicates.inc();
      }
      return;
    }
    PaymentEvent current = pending.value();
    if (current == null) {
      pending.update(event);
      ctx.timerService().registerEventTimeTimer(event.occurredAtMillis() + settle.toMillis());
      waiting.started(ctx.getCurrentKey(), ctx.timerService().currentProcessingTime());
    } else {
      duplicates.inc();
      pending.update(current.mergedWith(event));
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PaymentEvent> out)
      throws Exception {
    PaymentEvent payment = pending.value();
    if (payment == null) {
      return;
    }
    pending.clear();
    waiting.ended(ctx.getCurrentKey());
    emitted.update(payment);
    out.collect(payment);
  }
}
