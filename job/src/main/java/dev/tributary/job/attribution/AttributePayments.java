package dev.tributary.job.attribution;

import dev.tributary.job.base.StateTtl;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.sessions.Session;
import dev.tributary.job.state.PendingPayments;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stages 4–5 for payments linked to a visitor (by metadata, customer or email), keyed by (site,
 * visitor): an event-time join of the payment with the visitor's touches up to the payment time,
 * credited under every {@link Model}.
 *
 * <p>A payment waits until the watermark passes its time, so that the sessions before it are in. A
 * payment that is already behind the watermark (a webhook retried days later, a replay) is
 * processed at once with the touches at hand: late money is never dropped.
 *
 * <p>State:
 *
 * <ul>
 *   <li>{@code touches}: MapState sessionId → {@link Touch}; TTL {@code
 *       tributary.attribution.lookback} (default 30 days) from the last write, so a visitor's
 *       history is bounded by the window in which it can still earn credit.
 *   <li>{@code pending}: MapState paymentKey → {@link PaymentEvent} waiting for the watermark; each
 *       entry is removed by its event-time timer.
 *   <li>{@code attributed}: MapState paymentKey → {@link PaymentEvent} already attributed, its
 *       strongest version (by link method) when several resolvers linked it to this visitor; a
 *       session that starts before one of them (or that its checkout named) but arrives after it
 *       re-attributes it (the ledger books the difference as a correction); TTL the lookback from
 *       the last write.
 * </ul>
 *
 * <p>Timers: one event-time timer per pending payment at its {@code occurredAt}; on firing, every
 * pending payment at or before that time is attributed and removed.
 *
 * <p>Output: one {@link AttributedPayment} (the link and the credits under every model) per
 * attribution; the {@code Ledger} books it.
 */
public final class AttributePayments
    extends KeyedCoProcessFunction<String, Session, PaymentEvent, AttributedPayment> {
  public static final String UID = "attribute-linked-payments";
  private static final Logger LOG = LoggerFactory.getLogger(AttributePayments.class);

  private final Duration lookback;
  private final Duration halfLife;
  private transient MapState<String, Touch> touches;
  private transient PendingPayments pending;
  private transient MapState<String, PaymentEvent> attributedPayments;
  private transient Counter attributed;
  private transient Counter latePayments;

  public AttributePayments(Duration lookback, Duration halfLife) {
    this.lookback = lookback;
    this.halfLife = halfLife;
  }

  @Override
  public void open(OpenContext openContext) {
    touches =
        StateTtl.map(
            getRuntimeContext(),
            "touches",
            Types.STRING,
            TypeInformation.of(Touch.class),
            lookback);
    pending = new PendingPayments(getRuntimeContext(), "pending");
    attributedPayments =
        StateTtl.map(
            getRuntimeContext(),
            "attributed",
            Types.STRING,
            TypeInformation.of(PaymentEvent.class),
            lookback);
    var metrics = getRuntimeContext().getMetricGroup();
    attributed = metrics.counter("attributedToVisitor");
    latePayments = metrics.counter("latePayments");
  }

  @Override
  public void processElement1(Session session, Context ctx, Collector<AttributedPayment> out)
      throws Exception {
    Touch before = touches.get(session.sessionId());
    Touch touch = Touch.of(session);
    touches.put(session.sessionId(), touch);
    if (touch.equals(before)) {
      return;
    }
    LOG.debug(
        "touch {} of {} at {}", touch.sessionId(), ctx.getCurrentKey(), touch.startedAtMillis());
    // A session that started before a payment but arrived after it was attributed (a pageview
    // before its payment webhook, delivered late), or one whose start and channel changed (its
    // landing pageview, with a click id, came late): attribute that payment again; the ledger
    // keeps the new credits only if the journey grew or changed.
    List<PaymentEvent> affected = new ArrayList<>();
    for (PaymentEvent p : attributedPayments.values()) {
      long from = p.occurredAtMillis() - lookback.toMillis();
      // the session the checkout named ends the journey wherever it starts (Journey.of)
      boolean named = session.sessionId().equals(p.sessionId());
      if (named
          || touch.startedAtMillis() <= p.occurredAtMillis() && touch.startedAtMillis() >= from) {
        affected.add(p);
      }
    }
    affected.sort(java.util.Comparator.comparing(PaymentEvent::paymentKey));
    for (PaymentEvent p : affected) {
      attribute(p, ctx, out);
    }
  }

  @Override
  public void processElement2(PaymentEvent payment, Context ctx, Collector<AttributedPayment> out)
      throws Exception {
    if (!pending.waitFor(payment, payment.occurredAtMillis(), ctx.timerService())) {
      latePayments.inc();
      attribute(payment, ctx, out);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<AttributedPayment> out)
      throws Exception {
    for (PaymentEvent p : pending.takeDue(timestamp)) {
      attribute(p, ctx, out);
    }
  }

  private void attribute(PaymentEvent p, Context ctx, Collector<AttributedPayment> out)
      throws Exception {
    // One payment reaches this visitor once per resolver that links it (metadata, customer,
    // email): keep the strongest, the one the ledger books, so that a session arriving later
    // re-attributes that one and not a weaker version the ledger would refuse
    PaymentEvent kept = attributedPayments.get(p.paymentKey());
    if (kept == null || p.linkStrength() >= kept.linkStrength()) {
      attributedPayments.put(p.paymentKey(), p);
    }
    List<Touch> history = new ArrayList<>();
    touches.values().forEach(history::add);
    List<Touch> journey = Journey.of(p, history, lookback);
    String detail =
        journey.isEmpty()
            ? "no session of theirs in the lookback window"
            : journey.size() + " touch(es) in the window";
    attributed.inc();
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "attributed {} to {} by {}: {} of {} touches ({})",
          p.consolidationKey(),
          p.visitorId(),
          p.linkMethod(),
          journey.size(),
          history.size(),
          journey.stream().map(t -> t.sessionId() + "@" + t.startedAtMillis()).toList());
    }
    out.collect(
        new AttributedPayment(
            p,
            Resolution.linked(p.linkMethod(), detail),
            Credits.of(p, journey, halfLife),
            journey.size()));
  }
}
