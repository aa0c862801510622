package dev.tributary.job.identity;

import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.state.PendingPayments;
import dev.tributary.job.state.StateTtl;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Resolution step 2 (confidence high), keyed by (site, provider, customer id — else subscription
 * id): a payment that names no visitor goes to the visitor of an earlier linked payment of the same
 * customer. This is how a renewal, which carries no checkout metadata, keeps the channel that won
 * the subscription.
 *
 * <p>Every payment passes through; one that already names its visitor teaches the link.
 *
 * <p>State: {@code visitor}: the visitor of the customer's latest linked payment; TTL {@code
 * tributary.identity.retention} (default 400 days, longer than a yearly renewal cycle) from the
 * last write. Timers: none.
 */
public final class ResolveByCustomer
    extends KeyedProcessFunction<String, PaymentEvent, PaymentEvent> {
  public static final String UID = "resolve-by-customer";

  private final Duration retention;
  private transient ValueState<String> visitor;
  private transient PendingPayments pending;
  private transient Counter resolved;

  public ResolveByCustomer(Duration retention) {
    this.retention = retention;
  }

  @Override
  public void open(OpenContext openContext) {
    ValueStateDescriptor<String> d = new ValueStateDescriptor<>("visitor", Types.STRING);
    d.enableTimeToLive(StateTtl.afterLastWrite(retention));
    visitor = getRuntimeContext().getState(d);
    pending = new PendingPayments(getRuntimeContext(), "pending");
    resolved = getRuntimeContext().getMetricGroup().counter("attributedByCustomer");
  }

  @Override
  public void processElement(PaymentEvent p, Context ctx, Collector<PaymentEvent> out)
      throws Exception {
    if (p.linkedToVisitor()) {
      visitor.update(p.visitorId());
      out.collect(p);
      return;
    }
    if (!pending.waitFor(p, ctx.timestamp(), ctx.timerService())) {
      out.collect(resolve(p));
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PaymentEvent> out)
      throws Exception {
    for (PaymentEvent p : pending.takeDue(timestamp)) {
      out.collect(resolve(p));
    }
  }

  private PaymentEvent resolve(PaymentEvent p) throws Exception {
    String known = visitor.value();
    if (known == null) {
      return p;
    }
    resolved.inc();
    return p.withVisitor(known, PaymentEvent.CUSTOMER);
  }
}
