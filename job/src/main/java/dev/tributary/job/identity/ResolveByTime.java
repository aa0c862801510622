package dev.tributary.job.identity;

import dev.tributary.job.attribution.AttributedPayment;
import dev.tributary.job.attribution.Credits;
import dev.tributary.job.attribution.Resolution;
import dev.tributary.job.base.StateTtl;
import dev.tributary.job.payments.LinkMethod;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.sessions.Session;
import dev.tributary.job.state.PendingPayments;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Resolution step 4, the fallback, keyed by (site, time bucket of {@code window}): a payment that
 * nothing else links goes to the visitors whose sessions were active on the same site within {@code
 * window} before it. One candidate → that visitor, confidence {@code low}, attributed over their
 * journey like any linked payment. Several, up to {@code
 * tributary.attribution.timestamp-max-candidates} (default 5) → the credit is split evenly across
 * their sessions under every model, confidence {@code ambiguous}. More → unattributed with that
 * reason (a crowd is no evidence, and a split over it wrote a ledger row per visitor). None → it
 * stays unlinked.
 *
 * <p>Sessions are indexed by bucket so that no single key holds a site's whole history: each
 * session update is stored in the bucket of its last activity and the next one ({@link
 * #bucketsOf}), which together cover every payment that could see it. A payment waits until the
 * watermark passes its record's time, so the sessions before it are in.
 *
 * <p>State:
 *
 * <ul>
 *   <li>{@code activity}: visitor|session → {@link Activity}. Cleared when the watermark passes
 *       {@link #HORIZON_WINDOWS} windows after the bucket opens (a bucket is asked about by
 *       payments of its own window, and by late ones); TTL as many windows from the last write as a
 *       backstop. The event-time clearing is what bounds a replay, whose processing time hardly
 *       moves while months of event time go by.
 *   <li>{@code pending}: payments waiting for the watermark ({@link PendingPayments}).
 * </ul>
 *
 * <p>Timers: one event-time timer per pending payment at its record's timestamp, and one per bucket
 * at its horizon, which clears {@code activity}.
 *
 * <p>Outputs: payments (linked with {@code low}, or still unlinked) on the main output; ambiguous
 * payments, attributed, on {@link #AMBIGUOUS}.
 */
public final class ResolveByTime
    extends KeyedCoProcessFunction<String, BucketedActivity, PaymentEvent, PaymentEvent> {
  public static final String UID = "resolve-by-time";
  public static final OutputTag<AttributedPayment> AMBIGUOUS = new OutputTag<>("ambiguous") {};

  /** How many windows a bucket's sessions are kept, counted from the bucket's start. */
  static final int HORIZON_WINDOWS = 4;

  private final Duration window;
  private final int maxCandidates;
  private transient MapState<String, Activity> activity;
  private transient PendingPayments pending;
  private transient Counter low;
  private transient Counter ambiguous;
  private transient Counter tooMany;

  /**
   * @param window how long before a payment a session counts as active
   * @param maxCandidates the most visitors a payment is split over; more leave it unattributed
   */
  public ResolveByTime(Duration window, int maxCandidates) {
    this.window = window;
    this.maxCandidates = maxCandidates;
  }

  /** A session update under each bucket key it is stored in. */
  public static List<BucketedActivity> bucketsOf(Session s, Duration window) {
    long b = s.lastSeenAtMillis() / window.toMillis();
    Activity a = Activity.of(s);
    return List.of(
        new BucketedActivity(s.siteId() + '|' + b, b, a),
        new BucketedActivity(s.siteId() + '|' + (b + 1), b + 1, a));
  }

  /** The bucket key a payment looks in. */
  public static String bucketOf(PaymentEvent p, Duration window) {
    return p.siteId() + '|' + (p.occurredAtMillis() / window.toMillis());
  }

  @Override
  public void open(OpenContext openContext) {
    activity =
        StateTtl.map(
            getRuntimeContext(),
            "activity",
            Types.STRING,
            TypeInformation.of(Activity.class),
            window.multipliedBy(HORIZON_WINDOWS));
    pending = new PendingPayments(getRuntimeContext(), "pending");
    low = getRuntimeContext().getMetricGroup().counter("attributedByTimestamp");
    ambiguous = getRuntimeContext().getMetricGroup().counter("attributedAmbiguous");
    tooMany = getRuntimeContext().getMetricGroup().counter("tooManyCandidates");
  }

  @Override
  public void processElement1(BucketedActivity bucketed, Context ctx, Collector<PaymentEvent> out)
      throws Exception {
    Activity next = bucketed.activity();
    String key = next.visitorId() + '|' + next.sessionId();
    Activity known = activity.get(key);
    if (known == null) {
      // one timer per bucket: Flink keeps a single timer per key and timestamp
      ctx.timerService().registerEventTimeTimer(horizon(bucketed.bucket()));
    } else {
      next =
          new Activity(
              next.visitorId(),
              next.sessionId(),
              Math.min(known.firstAtMillis(), next.firstAtMillis()),
              Math.max(known.lastAtMillis(), next.lastAtMillis()),
              next.channel(),
              next.source(),
              next.medium(),
              next.campaign());
    }
    activity.put(key, next);
  }

  @Override
  public void processElement2(PaymentEvent p, Context ctx, Collector<PaymentEvent> out)
      throws Exception {
    if (!pending.waitFor(p, ctx.timestamp(), ctx.timerService())) {
      resolve(p, ctx, out);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PaymentEvent> out)
      throws Exception {
    for (PaymentEvent p : pending.takeDue(timestamp)) {
      resolve(p, ctx, out);
    }
    String key = ctx.getCurrentKey();
    if (timestamp >= horizon(Long.parseLong(key.substring(key.lastIndexOf('|') + 1)))) {
      activity.clear();
    }
  }

  /** When bucket {@code b}'s sessions are forgotten: {@link #HORIZON_WINDOWS} after it opens. */
  private long horizon(long b) {
    return (b + HORIZON_WINDOWS) * window.toMillis();
  }

  private void resolve(PaymentEvent p, Context ctx, Collector<PaymentEvent> out) throws Exception {
    long to = p.occurredAtMillis();
    long from = to - window.toMillis();
    // the latest active session of each candidate visitor, in a stable order
    Map<String, Activity> byVisitor = new LinkedHashMap<>();
    for (Activity a : activity.values()) {
      if (a.activeWithin(from, to)) {
        byVisitor.merge(a.visitorId(), a, (x, y) -> x.lastAtMillis() >= y.lastAtMillis() ? x : y);
      }
    }
    if (byVisitor.isEmpty()) {
      out.collect(p);
    } else if (byVisitor.size() > maxCandidates) {
      // a crowd is no evidence: splitting over it writes rows, not knowledge
      tooMany.inc();
      ctx.output(
          AMBIGUOUS,
          new AttributedPayment(
              p,
              Resolution.unattributed(
                  byVisitor.size()
                      + " visitors were active in the "
                      + window.toMinutes()
                      + " min before the payment, more than the "
                      + maxCandidates
                      + " the timestamp fallback splits over"),
              Credits.of(p, List.of(), Duration.ZERO),
              0));
    } else if (byVisitor.size() == 1) {
      low.inc();
      out.collect(p.withVisitor(byVisitor.keySet().iterator().next(), LinkMethod.TIMESTAMP));
    } else {
      ambiguous.inc();
      List<Activity> candidates =
          byVisitor.values().stream()
              .sorted(Comparator.comparing(Activity::visitorId).thenComparing(Activity::sessionId))
              .toList();
      ctx.output(
          AMBIGUOUS,
          new AttributedPayment(
              p,
              Resolution.ambiguous(candidates.size(), window),
              Credits.evenly(
                  p,
                  candidates.stream().map(Activity::touch).toList(),
                  candidates.stream().map(Activity::visitorId).toList()),
              candidates.size()));
    }
  }
}
