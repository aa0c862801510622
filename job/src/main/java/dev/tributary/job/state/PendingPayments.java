package dev.tributary.job.state;

import dev.tributary.job.base.PendingGauge;
import dev.tributary.job.payments.PaymentEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.util.Collector;

/**
 * Payments that wait in keyed state until the watermark passes a given time, so that everything
 * that happened before them (sessions, identify calls, earlier payments of the customer) has
 * arrived. One event-time timer per payment clears its entry; a payment already behind the
 * watermark is not buffered at all: late money is processed at once, never dropped.
 */
public final class PendingPayments {

  /** A waiting payment and the event time it waits for. */
  public record Pending(PaymentEvent payment, long dueAtMillis) {}

  private final MapState<String, Pending> pending;
  private final PendingGauge gauge;

  /**
   * Registers the keyed map state {@code name} (paymentKey → pending payment) and the operator's
   * {@link PendingGauge}.
   */
  public PendingPayments(RuntimeContext ctx, String name) {
    this.pending =
        ctx.getMapState(
            new MapStateDescriptor<>(name, Types.STRING, TypeInformation.of(Pending.class)));
    this.gauge = new PendingGauge(ctx.getMetricGroup());
  }

  /**
   * Buffers {@code p} until the watermark reaches {@code dueAtMillis}; returns false (and buffers
   * nothing) when it already has, so the caller handles the payment now.
   */
  public boolean waitFor(PaymentEvent p, long dueAtMillis, TimerService timers) throws Exception {
    if (dueAtMillis <= timers.currentWatermark()) {
      return false;
    }
    Pending waiting = pending.get(p.paymentKey());
    if (waiting != null && waiting.payment().linkStrength() > p.linkStrength()) {
      // a weaker version of a waiting payment (a retry without the link a resolver found) must
      // not overwrite the stronger one; it waits for the later of the two times
      p = waiting.payment();
      dueAtMillis = Math.max(dueAtMillis, waiting.dueAtMillis());
    }
    pending.put(p.paymentKey(), new Pending(p, dueAtMillis));
    timers.registerEventTimeTimer(dueAtMillis);
    gauge.started(p.consolidationKey(), timers.currentProcessingTime());
    return true;
  }

  /** How a resolver settles one payment once everything before it has arrived. */
  @FunctionalInterface
  public interface Resolve {
    PaymentEvent apply(PaymentEvent p) throws Exception;
  }

  /**
   * {@code p} waits for the watermark ({@link #waitFor}); a payment already behind it is resolved
   * and emitted now.
   */
  public void holdOrResolve(
      PaymentEvent p,
      long dueAtMillis,
      TimerService timers,
      Resolve resolve,
      Collector<PaymentEvent> out)
      throws Exception {
    if (!waitFor(p, dueAtMillis, timers)) {
      out.collect(resolve.apply(p));
    }
  }

  /** Resolves and emits the payments due at {@code timestamp}, oldest first (a timer fired). */
  public void releaseDue(long timestamp, Resolve resolve, Collector<PaymentEvent> out)
      throws Exception {
    for (PaymentEvent p : takeDue(timestamp)) {
      out.collect(resolve.apply(p));
    }
  }

  /** Removes and returns the payments due at {@code timestamp}, oldest first. */
  public List<PaymentEvent> takeDue(long timestamp) throws Exception {
    List<Pending> due = new ArrayList<>();
    for (Map.Entry<String, Pending> e : pending.entries()) {
      if (e.getValue().dueAtMillis() <= timestamp) {
        due.add(e.getValue());
      }
    }
    due.sort(
        Comparator.comparingLong(Pending::dueAtMillis)
            .thenComparing(d -> d.payment().paymentKey()));
    List<PaymentEvent> out = new ArrayList<>(due.size());
    for (Pending d : due) {
      pending.remove(d.payment().paymentKey());
      gauge.ended(d.payment().consolidationKey());
      out.add(d.payment());
    }
    return out;
  }
}
