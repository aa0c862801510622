package dev.tributary.job.ledger.book;

import dev.tributary.job.attribution.AttributedPayment;
import dev.tributary.job.base.LabeledCounters;
import dev.tributary.job.base.LargestRemainder;
import dev.tributary.job.base.MalformedPayloadException;
import dev.tributary.job.base.StateTtl;
import dev.tributary.job.deadletter.DeadLetters;
import dev.tributary.job.deadletter.Isolated;
import dev.tributary.job.ledger.LedgerEntry;
import dev.tributary.job.ledger.RefundFacts;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.payments.RefundEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 6, keyed by (site, provider, paymentKey): the credits that stand for each payment, and what
 * refunds and better evidence later take back from them.
 *
 * <p><b>One unit per payment.</b> The ledger emits the payment's whole standing position as one
 * {@link PaymentRow} whenever anything of it changes: the attribution, and per model and touch the
 * credit and how much of it refunds took back. The warehouse upserts that row in one statement, and
 * a trigger on {@code payments} derives the signed journal ({@code revenue_ledger}) from the
 * difference between the row it replaces and the new one. The journal therefore always sums to the
 * position that stands, whatever path a replay after a restore takes (topics read in another order,
 * timers at other moments, an older position written over a newer one): writing a position again
 * changes nothing, writing another one books exactly the difference, and a dashboard never sees
 * half of a correction, because the position and its journal entries commit in the same statement.
 *
 * <p><b>Payments.</b> A version that moves no money (amount 0: a trial, a mandate registration, a
 * fully credited invoice) is never booked: zero-amount events carry identity upstream (customer →
 * visitor) and are never purchases or conversions. The first attribution of a payment stands as it
 * is. A later one replaces it only when it rests on better evidence ({@link #better}): a stronger
 * link method, the same method with more touches (a pageview that arrived after the payment), or
 * the same touches forming another journey. A weaker or equal attribution (a replay, a retry)
 * changes nothing.
 *
 * <p><b>Refunds.</b> Full, partial, several partials, chargebacks, running totals and refunds that
 * arrive before their payment are first combined into {@link RefundFacts} (per-id refunds and
 * running totals of the same money counted once, chargebacks added), giving the total refunded
 * {@code T} ≤ the amount. Under every model, {@code T} is split over that model's credits in
 * proportion to them by the largest-remainder rule ({@link #retractions}), so each touch's
 * retraction is a pure function of {@code T}: never more than its credit, the whole credit once
 * {@code T} is the amount, and the same whatever order the refunds came in.
 *
 * <p>State, all with TTL {@code tributary.ledger.retention} (default 400 days) from the last write;
 * timers: none.
 *
 * <ul>
 *   <li>{@code booked}: the attribution whose credits currently stand (full amounts; each credit's
 *       booking time is when that attribution was made);
 *   <li>{@code revision}: how many times the payment was re-attributed;
 *   <li>{@code refunded}: the refunded total {@code T} that stands;
 *   <li>{@code refundFacts}: the combined refund reports ({@link RefundFacts}), kept also while the
 *       payment itself has not arrived;
 *   <li>{@code earlyRefunds} (map: event id → refund): refunds that came before their payment,
 *       until it comes (their rows are written then, or they are dead-lettered if in another
 *       currency);
 *   <li>{@code reinstatedDisputes} (map: dispute id → true): chargebacks the merchant won, so a
 *       withdrawal delivered after (or again) counts nothing;
 *   <li>{@code refundsById} (map: refund id → minor units): each refund id's largest amount, so a
 *       retried or updated refund is not counted twice.
 * </ul>
 *
 * <p>Outputs: the payment's position (main) whenever its attribution, refunded total or recorded
 * conflicts change; the refunds it accepted ({@link #REFUND_ROWS}).
 */
public final class Ledger
    extends KeyedCoProcessFunction<String, AttributedPayment, RefundEvent, PaymentRow> {
  public static final String UID = "ledger";
  private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);

  /**
   * The refunds the ledger accepted, for the {@code refunds} table: one in another currency than
   * its payment is a dead letter instead, and one that came before its payment waits for it here.
   */
  public static final OutputTag<RefundEvent> REFUND_ROWS = new OutputTag<>("refund-rows") {};

  private final Duration retention;
  private transient ValueState<AttributedPayment> booked;
  private transient ValueState<Integer> revision;
  private transient ValueState<Long> refunded;
  private transient ValueState<RefundFacts> refundFacts;
  private transient MapState<String, Long> refundsById;
  private transient MapState<String, RefundEvent> earlyRefunds;
  private transient MapState<String, Boolean> reinstated;
  private transient Counter reattributed;
  private transient Counter refundsBooked;
  private transient Counter refundsBeforePayment;
  private transient Counter zeroAmountNotBooked;
  private transient LabeledCounters paymentsByMethod;
  private transient LabeledCounters revenueByCurrency;
  private transient LabeledCounters refundedByCurrency;

  public Ledger(Duration retention) {
    this.retention = retention;
  }

  @Override
  public void open(OpenContext openContext) {
    booked =
        StateTtl.value(
            getRuntimeContext(), "booked", TypeInformation.of(AttributedPayment.class), retention);
    revision = StateTtl.value(getRuntimeContext(), "revision", Types.INT, retention);
    refunded = StateTtl.value(getRuntimeContext(), "refunded", Types.LONG, retention);
    refundFacts =
        StateTtl.value(
            getRuntimeContext(), "refundFacts", TypeInformation.of(RefundFacts.class), retention);
    refundsById =
        StateTtl.map(getRuntimeContext(), "refundsById", Types.STRING, Types.LONG, retention);
    earlyRefunds =
        StateTtl.map(
            getRuntimeContext(),
            "earlyRefunds",
            Types.STRING,
            TypeInformation.of(RefundEvent.class),
            retention);
    reinstated =
        StateTtl.map(
            getRuntimeContext(), "reinstatedDisputes", Types.STRING, Types.BOOLEAN, retention);
    var metrics = getRuntimeContext().getMetricGroup();
    reattributed = metrics.counter("reattributed");
    refundsBooked = metrics.counter("refundsBooked");
    refundsBeforePayment = metrics.counter("refundsBeforePayment");
    zeroAmountNotBooked = metrics.counter("zeroAmountNotBooked");
    paymentsByMethod = new LabeledCounters(metrics, "method", "paymentsBooked");
    revenueByCurrency = new LabeledCounters(metrics, "currency", "revenueBookedMinor");
    refundedByCurrency = new LabeledCounters(metrics, "currency", "refundedMinor");
  }

  /**
   * True when {@code next} rests on better evidence than {@code current}: the provider's own
   * webhook where only a Payment API report stood, another standing amount, a stronger link method,
   * or the same method with more touches or the same number of touches forming another journey, or
   * the same credits resting on an event that stands before the booked one.
   */
  static boolean better(AttributedPayment next, AttributedPayment current) {
    PaymentEvent was = current.payment();
    PaymentEvent is = next.payment();
    if (is.amountMinor() != was.amountMinor() || !is.currency().equals(was.currency())) {
      // the money that stands changed (consolidation's rule: the signed webhook, else the earliest
      // report); re-book it whatever the link, which consolidation merged from every report
      return true;
    }
    if (current.payment().fromPaymentApi() && !next.payment().fromPaymentApi()) {
      // the provider's signed webhook replaces a Payment API report of the same money: its amount,
      // currency and mode stand (the evidence of both is merged upstream, so no link is lost)
      return true;
    }
    int byMethod = Integer.compare(rank(next), rank(current));
    if (byMethod != 0) {
      return byMethod > 0;
    }
    if (next.touches() != current.touches()) {
      return next.touches() > current.touches();
    }
    if (!journey(next).equals(journey(current))) {
      return true;
    }
    // the same credits, but an earlier event of the same money now stands (its time and id are
    // the row's): taken only in the order of PaymentEvent.mergedWith, so any arrival order ends on
    // the same event
    return !is.eventId().equals(was.eventId()) && PaymentEvent.standsBefore(is, was);
  }

  /**
   * What a booking credits, whatever its entries are called: per model, the touch, its channel and
   * campaign and the amount. The same number of touches can still be another journey (a landing
   * pageview with a click id arriving after the payment re-classifies its session; a late session
   * the metadata named ends the journey elsewhere): then the newer attribution, which saw more, is
   * booked.
   */
  private static List<String> journey(AttributedPayment a) {
    return a.credits().stream()
        .map(
            e ->
                String.join(
                    "|",
                    e.model(),
                    String.valueOf(e.visitorId()),
                    String.valueOf(e.sessionId()),
                    String.valueOf(e.channel()),
                    String.valueOf(e.source()),
                    String.valueOf(e.medium()),
                    String.valueOf(e.campaign()),
                    Long.toString(e.amountMinor())))
        .sorted()
        .toList();
  }

  private static int rank(AttributedPayment a) {
    return a.resolution().rank();
  }

  @Override
  public void processElement1(AttributedPayment next, Context ctx, Collector<PaymentRow> out)
      throws Exception {
    if (next.payment().amountMinor() == 0) {
      // The zero-amount policy: an event that moves no money (a trial, a mandate registration, a
      // fully credited invoice) is never a purchase or a conversion. It has done its work upstream
      // already: its customer and subscription taught resolve-by-customer who the visitor is, so
      // the renewals that do move money keep their channel.
      zeroAmountNotBooked.inc();
      return;
    }
    AttributedPayment current = booked.value();
    if (current == null) {
      settleEarlyRefunds(next.payment(), ctx);
      booked.update(next);
      paymentsByMethod.inc(next.resolution().method(), 1);
      revenueByCurrency.inc(next.payment().currency(), next.payment().amountMinor());
      // refunds that arrived before their payment stand from the start
      applyRefunds(next, facts());
      emitRow(out);
      return;
    }
    boolean replaces = better(next, current);
    LOG.debug(
        "{}: {} with {} touch(es) {} the booked {} with {}",
        next.paymentKey(),
        next.resolution().method(),
        next.touches(),
        replaces ? "replaces" : "does not replace",
        current.resolution().method(),
        current.touches());
    if (!replaces) {
      if (!Objects.equals(next.payment().conflicts(), current.payment().conflicts())) {
        // nothing to re-book, but the row says what the reports of this money disagreed on
        booked.update(
            new AttributedPayment(
                current.payment().withConflicts(next.payment().conflicts()),
                current.resolution(),
                current.credits(),
                current.touches()));
        emitRow(out);
      }
      return;
    }
    int rev = revision.value() == null ? 1 : revision.value() + 1;
    // a correction counts from when the better evidence arrived: the record's event time
    long at = ctx.timestamp() == null ? next.payment().occurredAtMillis() : ctx.timestamp();
    // the refunded total never exceeds the amount that stands, even when a correction lowers it
    long tNext = facts().refundedOf(next.payment().amountMinor());
    if (tNext != refundedSoFar()) {
      refunded.update(tNext);
    }
    List<LedgerEntry> standing = next.credits().stream().map(e -> e.bookedAt(at)).toList();
    booked.update(
        new AttributedPayment(next.payment(), next.resolution(), standing, next.touches()));
    revision.update(rev);
    reattributed.inc();
    emitRow(out);
  }

  @Override
  public void processElement2(RefundEvent r, Context ctx, Collector<PaymentRow> out)
      throws Exception {
    AttributedPayment standing = booked.value();
    RefundFacts known = facts();
    String paymentCurrency = standing != null ? standing.payment().currency() : known.currency();
    if (r.currency() != null && paymentCurrency != null && !r.currency().equals(paymentCurrency)) {
      // refused before any state changes: the dead letter (Isolated) is the whole effect
      throw new MalformedPayloadException(
          "refund in " + r.currency() + " of a payment in " + paymentCurrency);
    }
    if (RefundEvent.REINSTATEMENT.equals(r.kind())) {
      reinstate(r, out);
      return;
    }
    if (RefundEvent.CHARGEBACK.equals(r.kind()) && reinstated.contains(r.refundKey())) {
      // the dispute was won before its withdrawal reached us (or this is a retry): no money left
      return;
    }
    long previousForId = 0;
    if (!r.full() && !r.cumulative()) {
      Long seen = refundsById.get(r.refundKey());
      previousForId = seen == null ? 0 : seen;
      if (r.amountMinor() > previousForId) {
        refundsById.put(r.refundKey(), r.amountMinor());
      }
    }
    RefundFacts before = facts();
    RefundFacts after = before.with(r, previousForId);
    if (!after.equals(before)) {
      refundFacts.update(after);
    }
    AttributedPayment current = booked.value();
    if (current == null) {
      refundsBeforePayment.inc();
      earlyRefunds.put(r.eventId(), r);
      return;
    }
    ctx.output(REFUND_ROWS, r);
    if (applyRefunds(current, after) || after.chargeback() != before.chargeback()) {
      emitRow(out);
    }
  }

  /**
   * A won dispute: its chargeback no longer counts, whichever of the two events came first, and the
   * credits it had retracted stand again (the journal books them back as positive {@code refund}
   * entries).
   */
  private void reinstate(RefundEvent r, Collector<PaymentRow> out) throws Exception {
    if (reinstated.contains(r.refundKey())) {
      return;
    }
    reinstated.put(r.refundKey(), true);
    Long withdrawn = refundsById.get(r.refundKey());
    if (withdrawn != null && withdrawn > 0) {
      refundsById.put(r.refundKey(), 0L);
      refundFacts.update(facts().withoutChargeback(withdrawn));
    }
    AttributedPayment current = booked.value();
    if (current != null && applyRefunds(current, facts())) {
      emitRow(out);
    }
  }

  /**
   * Takes the refunded total that stands to the one {@code f} gives for {@code current}'s amount
   * (down again when a won dispute lowered it).
   *
   * @return whether it changed
   */
  private boolean applyRefunds(AttributedPayment current, RefundFacts f) throws Exception {
    long done = refundedSoFar();
    long target = f.refundedOf(current.payment().amountMinor());
    if (target == done) {
      return false;
    }
    refunded.update(target);
    refundsBooked.inc();
    refundedByCurrency.inc(current.payment().currency(), target - done);
    return true;
  }

  /**
   * Per credit, how much of it a refunded total of {@code total} takes back: under each model,
   * {@code total} split over that model's credits in proportion to them (largest remainder).
   */
  static long[] retractions(List<LedgerEntry> credits, long total) {
    long[] out = new long[credits.size()];
    if (total == 0) {
      return out;
    }
    Map<String, List<Integer>> byModel = new LinkedHashMap<>();
    for (int i = 0; i < credits.size(); i++) {
      byModel.computeIfAbsent(credits.get(i).model(), m -> new ArrayList<>()).add(i);
    }
    for (List<Integer> idx : byModel.values()) {
      long[] weights = idx.stream().mapToLong(i -> credits.get(i).amountMinor()).toArray();
      long sum = java.util.Arrays.stream(weights).sum();
      if (sum <= 0) {
        continue;
      }
      long[] parts = LargestRemainder.split(Math.min(total, sum), weights);
      for (int k = 0; k < idx.size(); k++) {
        out[idx.get(k)] = parts[k];
      }
    }
    return out;
  }

  /**
   * The refunds that arrived before their payment, now that it is here: their rows go to the {@code
   * refunds} table; if they are in another currency than the payment they cannot be applied by
   * minor units alone, so each goes to the dead letters instead and the facts they made up are
   * forgotten.
   */
  private void settleEarlyRefunds(PaymentEvent p, Context ctx) throws Exception {
    List<RefundEvent> early = new ArrayList<>();
    earlyRefunds.values().forEach(early::add);
    if (early.isEmpty()) {
      return;
    }
    early.sort(java.util.Comparator.comparing(RefundEvent::eventId));
    earlyRefunds.clear();
    RefundFacts f = facts();
    if (f.currency() == null || f.currency().equals(p.currency())) {
      early.forEach(r -> ctx.output(REFUND_ROWS, r));
      return;
    }
    for (RefundEvent r : early) {
      ctx.output(
          DeadLetters.TAG,
          Isolated.deadLetter(
              UID,
              ctx.getCurrentKey(),
              r,
              new MalformedPayloadException(
                  "refund in " + r.currency() + " reported before its payment in " + p.currency()),
              ctx.timerService().currentProcessingTime()));
    }
    refundFacts.clear();
    refundsById.clear();
  }

  private RefundFacts facts() throws Exception {
    RefundFacts f = refundFacts.value();
    return f == null ? RefundFacts.NONE : f;
  }

  private long refundedSoFar() throws Exception {
    Long t = refunded.value();
    return t == null ? 0 : t;
  }

  private void emitRow(Collector<PaymentRow> out) throws Exception {
    AttributedPayment a = booked.value();
    RefundFacts f = facts();
    long t = refundedSoFar();
    long refundedAt = t == 0 ? 0 : Math.max(f.lastAtMillis(), a.payment().occurredAtMillis());
    out.collect(new PaymentRow(a, t, f.chargeback(), refundedAt));
  }
}
