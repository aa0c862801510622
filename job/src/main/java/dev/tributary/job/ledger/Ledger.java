package dev.tributary.job.ledger;

import dev.tributary.job.attribution.AttributedPayment;
import dev.tributary.job.state.StateTtl;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Stage 6, keyed by (site, provider, paymentKey): the credits booked for each payment.
 *
 * <p>The first attribution of a payment is booked as it is. A later one replaces it only when it
 * rests on better evidence ({@link #better}): a stronger link method, or the same method with more
 * touches (a pageview that arrived after the payment). The replacement is booked as signed
 * corrections: every earlier credit retracted, then the new credits, so the ledger stays
 * append-only and every model still sums to the payment. A weaker or equal attribution (a replay, a
 * retry) changes nothing, so the output after a restore is the same as before.
 *
 * <p>Entry ids are derived from the payment, the revision and the entry's facts: a replay rewrites
 * the same ids.
 *
 * <p>State:
 *
 * <ul>
 *   <li>{@code booked}: the attribution whose credits currently stand;
 *   <li>{@code revision}: how many times the payment was re-attributed.
 * </ul>
 *
 * Both have TTL {@code tributary.ledger.retention} (default 400 days) from the last write. Timers:
 * none.
 *
 * <p>Outputs: ledger entries (main) and the payment's row ({@link #PAYMENT_ROWS}) whenever what
 * stands changes.
 */
public final class Ledger extends KeyedProcessFunction<String, AttributedPayment, LedgerEntry> {
  public static final String UID = "ledger";
  public static final OutputTag<AttributedPayment> PAYMENT_ROWS =
      new OutputTag<>("payment-rows") {};

  /** How strong each link method is; a re-attribution must not go down this list. */
  private static final Map<String, Integer> RANK =
      Map.of(
          "unattributed/none", 0,
          "timestamp/ambiguous", 1,
          "timestamp/low", 2,
          "email/medium", 3,
          "customer/high", 4,
          "metadata/high", 5);

  private final Duration retention;
  private transient ValueState<AttributedPayment> booked;
  private transient ValueState<Integer> revision;
  private transient Counter reattributed;

  public Ledger(Duration retention) {
    this.retention = retention;
  }

  @Override
  public void open(OpenContext openContext) {
    ValueStateDescriptor<AttributedPayment> b =
        new ValueStateDescriptor<>("booked", TypeInformation.of(AttributedPayment.class));
    b.enableTimeToLive(StateTtl.afterLastWrite(retention));
    booked = getRuntimeContext().getState(b);
    ValueStateDescriptor<Integer> r = new ValueStateDescriptor<>("revision", Types.INT);
    r.enableTimeToLive(StateTtl.afterLastWrite(retention));
    revision = getRuntimeContext().getState(r);
    reattributed = getRuntimeContext().getMetricGroup().counter("reattributed");
  }

  /** True when {@code next} rests on better evidence than {@code current}. */
  static boolean better(AttributedPayment next, AttributedPayment current) {
    int byMethod = Integer.compare(rank(next), rank(current));
    return byMethod > 0 || (byMethod == 0 && next.touches() > current.touches());
  }

  private static int rank(AttributedPayment a) {
    return RANK.getOrDefault(a.resolution().method() + "/" + a.resolution().confidence(), 0);
  }

  @Override
  public void processElement(AttributedPayment next, Context ctx, Collector<LedgerEntry> out)
      throws Exception {
    AttributedPayment current = booked.value();
    if (current == null) {
      next.credits().forEach(out::collect);
      booked.update(next);
      ctx.output(PAYMENT_ROWS, next);
      return;
    }
    if (!better(next, current)) {
      return;
    }
    int rev = revision.value() == null ? 1 : revision.value() + 1;
    // corrections are booked when the better evidence arrived: the record's event time
    long at = ctx.timestamp() == null ? next.payment().occurredAtMillis() : ctx.timestamp();
    for (LedgerEntry e : current.credits()) {
      out.collect(correction(e, rev, "retracted-by", -e.amountMinor(), at));
    }
    List<LedgerEntry> rebooked =
        next.credits().stream()
            .map(e -> correction(e, rev, "revision", e.amountMinor(), at))
            .toList();
    rebooked.forEach(out::collect);
    AttributedPayment standing =
        new AttributedPayment(next.payment(), next.resolution(), rebooked, next.touches());
    booked.update(standing);
    revision.update(rev);
    reattributed.inc();
    ctx.output(PAYMENT_ROWS, standing);
  }

  /**
   * A correction of revision {@code rev}: {@code e}'s facts with {@code amount}, booked at {@code
   * at}.
   */
  static LedgerEntry correction(LedgerEntry e, int rev, String why, long amount, long at) {
    return new LedgerEntry(
        EntryIds.of(e.entryId(), why, Integer.toString(rev)),
        e.siteId(),
        e.provider(),
        e.paymentKey(),
        e.model(),
        "correction",
        e.visitorId(),
        e.sessionId(),
        e.channel(),
        e.source(),
        e.medium(),
        e.campaign(),
        amount,
        e.currency(),
        e.currencyExponent(),
        e.paymentAtMillis(),
        at,
        e.livemode());
  }
}
