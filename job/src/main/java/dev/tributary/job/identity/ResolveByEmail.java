package dev.tributary.job.identity;

import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.state.PendingPayments;
import dev.tributary.job.state.StateTtl;
import dev.tributary.job.state.UnresolvedPayments;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Resolution step 3 (confidence medium), keyed by (site, email hash): a payment that still names no
 * visitor goes to the visitor who identified with the payer's email, as of the payment's time.
 *
 * <p>A payment waits until the watermark passes its record's time, so that an identify call made
 * before it but delivered later, even through another parallel channel, still counts; a late
 * payment is resolved at once with the state at hand. A payment that names its visitor also teaches
 * the link, so the same buyer's later payments without metadata find them.
 *
 * <p>State:
 *
 * <ul>
 *   <li>{@code visitor} and {@code identifiedAt}: the latest identify (by event time) of this
 *       email; TTL {@code tributary.identity.retention} (400 days) from the last write, which every
 *       payment the link explains refreshes;
 *   <li>{@code pending}: paymentKey → payment waiting for the watermark ({@link PendingPayments});
 *       each removed by its timer;
 *   <li>{@code unresolved} ({@link UnresolvedPayments}): payments nothing explained yet; an
 *       identify call for the email, or a later payment with the same email that names its visitor,
 *       sends them on again, linked, and removes them; TTL the upgrade window (the attribution
 *       lookback, 30 days) from the last write.
 * </ul>
 *
 * <p>Timers: one event-time timer per pending payment at its record's timestamp.
 */
public final class ResolveByEmail
    extends KeyedCoProcessFunction<String, Identify, PaymentEvent, PaymentEvent> {
  public static final String UID = "resolve-by-email";

  private final Duration retention;
  private final Duration upgradeWindow;
  private transient ValueState<String> visitor;
  private transient ValueState<Long> identifiedAt;
  private transient PendingPayments pending;
  private transient UnresolvedPayments unresolved;
  private transient Counter resolved;

  /**
   * @param retention how long an email keeps pointing at its visitor
   * @param upgradeWindow how long a payment no identify call explained waits for one
   */
  public ResolveByEmail(Duration retention, Duration upgradeWindow) {
    this.retention = retention;
    this.upgradeWindow = upgradeWindow;
  }

  @Override
  public void open(OpenContext openContext) {
    ValueStateDescriptor<String> v = new ValueStateDescriptor<>("visitor", Types.STRING);
    v.enableTimeToLive(StateTtl.afterLastWrite(retention));
    visitor = getRuntimeContext().getState(v);
    ValueStateDescriptor<Long> at = new ValueStateDescriptor<>("identifiedAt", Types.LONG);
    at.enableTimeToLive(StateTtl.afterLastWrite(retention));
    identifiedAt = getRuntimeContext().getState(at);
    pending = new PendingPayments(getRuntimeContext(), "pending");
    unresolved = new UnresolvedPayments(getRuntimeContext(), "unresolved", upgradeWindow);
    resolved = getRuntimeContext().getMetricGroup().counter("attributedByEmail");
  }

  @Override
  public void processElement1(Identify identify, Context ctx, Collector<PaymentEvent> out)
      throws Exception {
    learn(identify.visitorId(), identify.receivedAtMillis());
    upgrade(identify.visitorId(), out);
  }

  @Override
  public void processElement2(PaymentEvent p, Context ctx, Collector<PaymentEvent> out)
      throws Exception {
    if (p.linkedToVisitor()) {
      learn(p.visitorId(), p.occurredAtMillis());
      out.collect(p);
      upgrade(p.visitorId(), out);
    } else if (!pending.waitFor(p, ctx.timestamp(), ctx.timerService())) {
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

  /**
   * The payer identifies (or pays with metadata) after an earlier payment of the same email went
   * unexplained: that payment goes on again, linked, and the ledger replaces its weaker booking.
   */
  private void upgrade(String visitorId, Collector<PaymentEvent> out) throws Exception {
    for (PaymentEvent p : unresolved.takeAll()) {
      resolved.inc();
      out.collect(p.withVisitor(visitorId, PaymentEvent.EMAIL));
    }
  }

  /** Keeps the visitor of the latest evidence by event time, so arrival order does not matter. */
  private void learn(String visitorId, long at) throws Exception {
    Long known = identifiedAt.value();
    if (known == null || at >= known) {
      visitor.update(visitorId);
      identifiedAt.update(at);
    }
  }

  private PaymentEvent resolve(PaymentEvent p) throws Exception {
    String known = visitor.value();
    if (known == null) {
      unresolved.remember(p);
      return p;
    }
    resolved.inc();
    // a payment that uses the link keeps it alive (same values: the TTL restarts)
    visitor.update(known);
    identifiedAt.update(identifiedAt.value());
    return p.withVisitor(known, PaymentEvent.EMAIL);
  }
}
