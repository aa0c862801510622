package dev.tributary.job.identity;

import dev.tributary.job.payments.LinkMethod;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.state.PendingPayments;
import dev.tributary.job.state.UnresolvedPayments;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Resolution step 2 (confidence high), keyed by (site, provider, customer id — else subscription
 * id): a payment that names no visitor goes to the visitor of an earlier linked payment of the same
 * customer. This is how a renewal, which carries no checkout metadata, keeps the channel that won
 * the subscription.
 *
 * <p>Every payment passes through; one that already names its visitor teaches the link. A payment
 * waits until the watermark passes its record's time, so that the customer's first payment counts
 * even when it is delivered a little later; a late one is resolved at once with the state at hand.
 * When the first payment comes later still (delivery order is not event order), the renewals it
 * explains go on again, linked, and the ledger corrects their booking.
 *
 * <p>State:
 *
 * <ul>
 *   <li>{@code visitor}: the visitor of the customer's latest linked payment; TTL {@code
 *       tributary.identity.retention} (default 400 days, longer than a yearly renewal cycle) from
 *       the last write, which every payment the link explains refreshes;
 *   <li>{@code pending}: paymentKey → payment waiting for the watermark ({@link PendingPayments});
 *       each removed by its timer;
 *   <li>{@code unresolved} ({@link UnresolvedPayments}): payments of this customer no linked
 *       payment explained yet; removed when one does; TTL the upgrade window (the attribution
 *       lookback, 30 days) from the last write.
 * </ul>
 *
 * <p>Timers: one event-time timer per pending payment at its record's timestamp.
 */
public final class ResolveByCustomer
    extends KeyedProcessFunction<String, PaymentEvent, PaymentEvent> {
  public static final String UID = "resolve-by-customer";

  private final Duration retention;
  private final Duration lookback;
  private transient LinkState link;
  private transient Counter resolved;

  /**
   * @param retention how long a customer keeps pointing at its visitor
   * @param lookback how long a payment no linked payment explained waits for one: the attribution
   *     lookback, since a link found later could credit none of its touches
   */
  public ResolveByCustomer(Duration retention, Duration lookback) {
    this.retention = retention;
    this.lookback = lookback;
  }

  @Override
  public void open(OpenContext openContext) {
    link = new LinkState(getRuntimeContext(), retention, lookback);
    resolved = getRuntimeContext().getMetricGroup().counter("attributedByCustomer");
  }

  @Override
  public void processElement(PaymentEvent p, Context ctx, Collector<PaymentEvent> out)
      throws Exception {
    if (p.linkedToVisitor()) {
      link.visitor.update(p.visitorId());
      out.collect(p);
      link.linkUnresolved(p.visitorId(), LinkMethod.CUSTOMER, resolved, out);
      return;
    }
    link.pending.holdOrResolve(p, ctx.timestamp(), ctx.timerService(), this::resolve, out);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PaymentEvent> out)
      throws Exception {
    link.pending.releaseDue(timestamp, this::resolve, out);
  }

  private PaymentEvent resolve(PaymentEvent p) throws Exception {
    String known = link.visitor.value();
    if (known != null) {
      // every renewal that uses the link keeps it alive: a subscription renewing for years keeps
      // its channel although the link was written once
      link.visitor.update(known);
    }
    return link.unresolved.linkOrRemember(p, known, LinkMethod.CUSTOMER, resolved);
  }
}
