package dev.tributary.job.payments;

import dev.tributary.job.base.StateTtl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by (site, provider, {@link PaymentEvent#linkKey}): gives events that know their money only
 * by another id the payment key they belong to.
 *
 * <p>Since Stripe API 2025-03-31 an {@code invoice.paid} event no longer names its PaymentIntent;
 * only {@code invoice_payment.paid} links the invoice to it. The invoice event carries what matters
 * for attribution (the renewal marker, the subscription's metadata), so it waits here for the link
 * and then joins its payment in {@link ConsolidatePayments}, where it merges with the PaymentIntent
 * and charge events of the same money instead of being counted a second time.
 *
 * <p>Input: events that {@link PaymentEvent#linksKeys() link} keys (only their link is used: they
 * reach consolidation on their own path) and events that {@link PaymentEvent#awaitsPaymentKey()
 * await} a key. Output: awaiting events re-keyed, each once.
 *
 * <p>State:
 *
 * <ul>
 *   <li>{@code paymentKey}: the payment key of this link key; TTL {@code
 *       tributary.payments.dedupe-retention} so late retries are still re-keyed;
 *   <li>{@code waiting}: events that arrived before their link; emptied when the link arrives, and
 *       by the same TTL for money that never gets one (an invoice paid outside Stripe moves no
 *       Stripe money and is rightly not counted). A Payment API report leaves earlier, see below.
 * </ul>
 *
 * <p>A Payment API call that names a secondary id ({@code stripe} + {@code cs_…}/{@code
 * ch_…}/{@code in_…}) waits here for the webhook that links the id to its PaymentIntent, but not
 * forever: a merchant may report through the API alone. At {@code receivedAt +
 * tributary.payments.api-link-wait} (event time, default 1 hour) it goes on under the id it named,
 * and that id becomes the link key's payment key for later reports too. A webhook linking the id
 * after that is too late to merge: name the PaymentIntent ({@code pi_…}) to be exact at any delay.
 *
 * <p>Timers: one event-time timer per waiting Payment API report, at {@code receivedAt +
 * api-link-wait}; it releases the reports due and removes them from {@code waiting}.
 */
public final class LinkPaymentKeys
    extends KeyedProcessFunction<String, PaymentEvent, PaymentEvent> {
  public static final String UID = "link-payment-keys";

  private final Duration retention;
  private final Duration apiLinkWait;
  private transient ValueState<String> paymentKey;
  private transient ListState<PaymentEvent> waiting;

  /**
   * @param retention how long a link and the events waiting for one are kept
   * @param apiLinkWait how long a Payment API report waits for its link before it goes on alone
   */
  public LinkPaymentKeys(Duration retention, Duration apiLinkWait) {
    this.retention = retention;
    this.apiLinkWait = apiLinkWait;
  }

  @Override
  public void open(OpenContext openContext) {
    paymentKey = StateTtl.value(getRuntimeContext(), "paymentKey", Types.STRING, retention);
    ListStateDescriptor<PaymentEvent> wait =
        new ListStateDescriptor<>("waiting", TypeInformation.of(PaymentEvent.class));
    wait.enableTimeToLive(StateTtl.afterLastWrite(retention));
    waiting = getRuntimeContext().getListState(wait);
  }

  @Override
  public void processElement(PaymentEvent event, Context ctx, Collector<PaymentEvent> out)
      throws Exception {
    if (event.linksKeys()) {
      if (paymentKey.value() == null) {
        paymentKey.update(event.paymentKey());
        for (PaymentEvent w : waiting.get()) {
          out.collect(w.withPaymentKey(event.paymentKey()));
        }
        waiting.clear();
      }
      return;
    }
    String key = paymentKey.value();
    if (key != null) {
      out.collect(event.withPaymentKey(key));
    } else {
      waiting.add(event);
      if (event.fromPaymentApi()) {
        ctx.timerService().registerEventTimeTimer(apiDeadline(event));
      }
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PaymentEvent> out)
      throws Exception {
    if (paymentKey.value() != null) {
      return;
    }
    List<PaymentEvent> stay = new ArrayList<>();
    List<PaymentEvent> due = new ArrayList<>();
    for (PaymentEvent w : waiting.get()) {
      (w.fromPaymentApi() && apiDeadline(w) <= timestamp ? due : stay).add(w);
    }
    if (due.isEmpty()) {
      return;
    }
    // No webhook named the money in time: the id the merchant reported is the payment's key.
    String own = due.get(0).linkKey();
    paymentKey.update(own);
    for (PaymentEvent w : due) {
      out.collect(w.withPaymentKey(own));
    }
    for (PaymentEvent w : stay) {
      out.collect(w.withPaymentKey(own));
    }
    waiting.clear();
  }

  private long apiDeadline(PaymentEvent event) {
    return event.receivedAtMillis() + apiLinkWait.toMillis();
  }
}
