package dev.tributary.job.identity;

import dev.tributary.job.payments.LinkMethod;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.sessions.Session;
import dev.tributary.job.state.PendingPayments;
import dev.tributary.job.state.UnresolvedPayments;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Resolution step 1b (method {@code metadata}, confidence high), keyed by (site, session id): a
 * payment whose checkout metadata names the tracker's session but not its visitor goes to the
 * visitor of that session. Naming either id is the first linking method merchants are told to use,
 * so a session alone links as firmly as a visitor id; the journey then ends at that session ({@link
 * dev.tributary.job.attribution.Journey}).
 *
 * <p>Input 1 is every new session (Sessionize's touches); the first visitor seen for a session id
 * stands, so a tracker call reusing a session id cannot move a payment to another visitor. Input 2
 * is the payments that {@link #applies} to. A payment waits until the watermark passes its record's
 * time, so that its session, read from the other topic, is in; a late one is resolved at once with
 * the state at hand. A payment whose session is still unknown goes on unlinked (the customer, email
 * and timestamp steps may still link it) and is remembered: when the session arrives later it goes
 * on again, linked by metadata, and the ledger replaces the weaker booking.
 *
 * <p>State:
 *
 * <ul>
 *   <li>{@code visitor}: the visitor of this session; TTL {@code tributary.attribution.lookback}
 *       (default 30 days) from the last write, the window in which the session can earn credit;
 *   <li>{@code pending}: paymentKey → payment waiting for the watermark ({@link PendingPayments});
 *       each removed by its timer;
 *   <li>{@code unresolved} ({@link UnresolvedPayments}): payments that went on before their session
 *       was known; removed when it arrives; TTL the lookback from the last write.
 * </ul>
 *
 * <p>Timers: one event-time timer per pending payment at its record's timestamp.
 */
public final class ResolveBySession
    extends KeyedCoProcessFunction<String, Session, PaymentEvent, PaymentEvent> {
  public static final String UID = "resolve-by-session";

  private final Duration lookback;
  private transient LinkState link;
  private transient Counter resolved;

  /**
   * @param lookback how long a session can earn credit, and so how long it is remembered
   */
  public ResolveBySession(Duration lookback) {
    this.lookback = lookback;
  }

  /** True for a payment this step resolves: it names a session but no visitor. */
  public static boolean applies(PaymentEvent p) {
    return !p.linkedToVisitor() && p.sessionId() != null;
  }

  @Override
  public void open(OpenContext openContext) {
    link = new LinkState(getRuntimeContext(), lookback, lookback);
    resolved = getRuntimeContext().getMetricGroup().counter("attributedBySession");
  }

  @Override
  public void processElement1(Session session, Context ctx, Collector<PaymentEvent> out)
      throws Exception {
    if (link.visitor.value() != null) {
      return;
    }
    link.visitor.update(session.visitorId());
    link.linkUnresolved(session.visitorId(), LinkMethod.METADATA, resolved, out);
  }

  @Override
  public void processElement2(PaymentEvent p, Context ctx, Collector<PaymentEvent> out)
      throws Exception {
    if (link.visitor.value() != null) {
      out.collect(resolve(p));
    } else {
      link.pending.holdOrResolve(p, ctx.timestamp(), ctx.timerService(), this::resolve, out);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PaymentEvent> out)
      throws Exception {
    link.pending.releaseDue(timestamp, this::resolve, out);
  }

  private PaymentEvent resolve(PaymentEvent p) throws Exception {
    return link.unresolved.linkOrRemember(p, link.visitor.value(), LinkMethod.METADATA, resolved);
  }
}
