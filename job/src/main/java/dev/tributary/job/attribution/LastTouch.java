package dev.tributary.job.attribution;

import dev.tributary.job.ledger.EntryIds;
import dev.tributary.job.ledger.LedgerEntry;
import dev.tributary.job.payments.PaymentEvent;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * The last-touch model (the first of the six models; the others arrive with issue 4): all of the
 * payment goes to the visitor's latest session that started no later than the payment and inside
 * the lookback window. A session the checkout metadata names wins, since the visitor demonstrably
 * paid from it.
 */
public final class LastTouch {
  public static final String MODEL = "last_touch";

  /** Channel of a credit to a known visitor none of whose sessions is in the lookback window. */
  public static final String NO_TOUCH = "(no touch)";

  /** Channel of money that no evidence links to a visitor. */
  public static final String UNATTRIBUTED = "(unattributed)";

  private LastTouch() {}

  public static Optional<Touch> choose(
      PaymentEvent payment, Collection<Touch> touches, Duration lookback) {
    long from = payment.occurredAtMillis() - lookback.toMillis();
    if (payment.sessionId() != null) {
      for (Touch t : touches) {
        if (t.sessionId().equals(payment.sessionId()) && t.startedAtMillis() >= from) {
          return Optional.of(t);
        }
      }
    }
    return touches.stream()
        .filter(t -> t.startedAtMillis() <= payment.occurredAtMillis())
        .filter(t -> t.startedAtMillis() >= from)
        .max(Comparator.comparingLong(Touch::startedAtMillis).thenComparing(Touch::sessionId));
  }

  /** The one ledger entry that books the whole amount to {@code touch} (or to no touch). */
  public static LedgerEntry credit(PaymentEvent p, Touch touch) {
    String sessionId = touch == null ? null : touch.sessionId();
    return new LedgerEntry(
        EntryIds.of(p.siteId(), p.provider(), p.paymentKey(), MODEL, "payment", sessionId),
        p.siteId(),
        p.provider(),
        p.paymentKey(),
        MODEL,
        "payment",
        p.visitorId(),
        sessionId,
        touch != null ? touch.channel() : p.linkedToVisitor() ? NO_TOUCH : UNATTRIBUTED,
        touch == null ? null : touch.source(),
        touch == null ? null : touch.medium(),
        touch == null ? null : touch.campaign(),
        p.amountMinor(),
        p.currency(),
        p.currencyExponent(),
        p.occurredAtMillis(),
        p.occurredAtMillis(),
        p.livemode());
  }
}
