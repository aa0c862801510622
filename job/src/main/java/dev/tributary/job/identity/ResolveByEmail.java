package dev.tributary.job.identity;

import dev.tributary.job.base.StateTtl;
import dev.tributary.job.payments.LinkMethod;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.sessions.Identify;
import dev.tributary.job.state.PendingPayments;
import dev.tributary.job.state.UnresolvedPayments;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Resolution step 3, keyed by (site, email hash): a payment that still names no visitor goes to the
 * visitor the payer's email is linked to.
 *
 * <p><b>Evidence and its rank.</b> A link is <em>verified</em> when the site vouched for it: an
 * identify call its server made with the site's API key, or a payment of this email that named its
 * visitor (metadata, customer, session). The public tracker's identify calls are
 * <em>unverified</em>: anyone can send one for any email, so an affiliate could claim a list of
 * likely customers' emails for its own visitor. Hence:
 *
 * <ul>
 *   <li>verified evidence replaces unverified evidence; among verified evidence the latest by event
 *       time stands (a person who signs in on a new device);
 *   <li>unverified evidence never replaces an established link: among unverified calls the earliest
 *       by event time stands (order-independent: the same whichever arrives first);
 *   <li>an unverified link counts only for payments made after it (confidence {@code low}); a
 *       verified one for any payment (confidence {@code medium});
 *   <li>a payment booked without a link ({@code unresolved}) is re-linked by verified evidence, or
 *       by an unverified claim made (by the gateway's clock) before it was paid but delivered late:
 *       an unverified identify made after a payment never moves its credit.
 * </ul>
 *
 * <p>A payment waits until the watermark passes its record's time, so that an identify call made
 * before it but delivered later, even through another parallel channel, still counts; a late
 * payment is resolved at once with the state at hand.
 *
 * <p>State:
 *
 * <ul>
 *   <li>{@code visitor}, {@code identifiedAt} and {@code verifiedLink}: the link that stands (rules
 *       above) and whether the site vouched for it (absent in state of earlier versions: read as
 *       unverified); TTL {@code tributary.identity.retention} (400 days) from the last write, which
 *       every payment the link explains refreshes;
 *   <li>{@code pending}: paymentKey → payment waiting for the watermark ({@link PendingPayments});
 *       each removed by its timer;
 *   <li>{@code unresolved} ({@link UnresolvedPayments}): payments nothing explained yet; verified
 *       evidence for the email sends them on again, linked, and removes them; TTL the upgrade
 *       window (the attribution lookback, 30 days) from the last write.
 * </ul>
 *
 * <p>An erasure request ({@link Identify#forget}) clears {@code visitor}, {@code identifiedAt},
 * {@code verifiedLink} and {@code unresolved} for the email at once.
 *
 * <p>Timers: one event-time timer per pending payment at its record's timestamp.
 */
public final class ResolveByEmail
    extends KeyedCoProcessFunction<String, Identify, PaymentEvent, PaymentEvent> {
  public static final String UID = "resolve-by-email";

  private final Duration retention;
  private final Duration lookback;
  private transient LinkState link;
  private transient ValueState<Long> identifiedAt;
  private transient ValueState<Boolean> verifiedLink;
  private transient Counter resolved;
  private transient Counter resolvedUnverified;
  private transient Counter unverifiedIgnored;
  private transient Counter forgotten;

  /**
   * @param retention how long an email keeps pointing at its visitor
   * @param lookback how long a payment no identify call explained waits for one: the attribution
   *     lookback, since a link found later could credit none of its touches
   */
  public ResolveByEmail(Duration retention, Duration lookback) {
    this.retention = retention;
    this.lookback = lookback;
  }

  @Override
  public void open(OpenContext openContext) {
    link = new LinkState(getRuntimeContext(), retention, lookback);
    identifiedAt = StateTtl.value(getRuntimeContext(), "identifiedAt", Types.LONG, retention);
    verifiedLink = StateTtl.value(getRuntimeContext(), "verifiedLink", Types.BOOLEAN, retention);
    var metrics = getRuntimeContext().getMetricGroup();
    resolved = metrics.counter("attributedByEmail");
    resolvedUnverified = metrics.counter("attributedByUnverifiedEmail");
    unverifiedIgnored = metrics.counter("unverifiedIdentifiesOutranked");
    forgotten = metrics.counter("emailsForgotten");
  }

  @Override
  public void processElement1(Identify identify, Context ctx, Collector<PaymentEvent> out)
      throws Exception {
    if (identify.forget()) {
      // erasure: nothing of this email's link stays; payments still waiting settle without it
      link.visitor.clear();
      identifiedAt.clear();
      verifiedLink.clear();
      link.unresolved.takeAll();
      forgotten.inc();
      return;
    }
    learn(identify.visitorId(), identify.receivedAtMillis(), identify.verified());
    upgrade(out);
  }

  @Override
  public void processElement2(PaymentEvent p, Context ctx, Collector<PaymentEvent> out)
      throws Exception {
    if (p.linkedToVisitor()) {
      learn(p.visitorId(), p.occurredAtMillis(), true);
      out.collect(p);
      upgrade(out);
    } else {
      link.pending.holdOrResolve(p, ctx.timestamp(), ctx.timerService(), this::resolve, out);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PaymentEvent> out)
      throws Exception {
    link.pending.releaseDue(timestamp, this::resolve, out);
  }

  /**
   * Evidence arrived after earlier payments of the same email went unexplained: they go on again,
   * linked to the visitor the link now names, and the ledger replaces their weaker booking. A
   * verified link explains every one of them. An unverified link explains only those paid after the
   * claim was made: its time is the gateway's receive time, which no caller can set, so a claim
   * made before a payment but delivered to the job after it (a late partition, a replay) counts as
   * it would have on time, and a claim made after a payment never moves its credit.
   */
  private void upgrade(Collector<PaymentEvent> out) throws Exception {
    String linked = link.visitor.value();
    if (linked == null) {
      return;
    }
    boolean vouched = Boolean.TRUE.equals(verifiedLink.value());
    if (vouched) {
      link.linkUnresolved(linked, LinkMethod.EMAIL, resolved, out);
      return;
    }
    long claimedAt = identifiedAt.value();
    for (PaymentEvent p : link.unresolved.takeAll()) {
      if (p.occurredAtMillis() >= claimedAt) {
        resolvedUnverified.inc();
        out.collect(p.withVisitor(linked, LinkMethod.EMAIL_UNVERIFIED));
      } else {
        link.unresolved.remember(p);
      }
    }
  }

  /** Applies the rules of the class comment; the result does not depend on arrival order. */
  private void learn(String visitorId, long at, boolean verified) throws Exception {
    Long known = identifiedAt.value();
    boolean knownVerified = Boolean.TRUE.equals(verifiedLink.value());
    boolean replace;
    if (known == null) {
      replace = true;
    } else if (verified != knownVerified) {
      replace = verified;
    } else if (verified) {
      replace = at >= known;
    } else {
      replace = at < known || at == known && visitorId.compareTo(link.visitor.value()) < 0;
    }
    if (replace) {
      link.visitor.update(visitorId);
      identifiedAt.update(at);
      verifiedLink.update(verified);
    } else if (!verified) {
      unverifiedIgnored.inc();
    }
  }

  private PaymentEvent resolve(PaymentEvent p) throws Exception {
    String known = link.visitor.value();
    boolean vouched = Boolean.TRUE.equals(verifiedLink.value());
    if (known == null || !vouched && identifiedAt.value() > p.occurredAtMillis()) {
      // nothing links this email yet, or only an unverified claim made after the payment
      link.unresolved.remember(p);
      return p;
    }
    // a payment that uses the link keeps it alive (same values: the TTL restarts)
    link.visitor.update(known);
    identifiedAt.update(identifiedAt.value());
    verifiedLink.update(vouched);
    if (vouched) {
      resolved.inc();
      return p.withVisitor(known, LinkMethod.EMAIL);
    }
    resolvedUnverified.inc();
    return p.withVisitor(known, LinkMethod.EMAIL_UNVERIFIED);
  }
}
