package dev.tributary.job.ledger;

import dev.tributary.job.payments.RefundEvent;

/**
 * What the providers have said so far about money going back on one payment, in the three shapes of
 * {@link RefundEvent}. Refunds reported per id and as a running total describe the same money, so
 * they are combined by taking the larger, never by adding: Stripe sends {@code refund.created} (per
 * refund id) and {@code charge.refunded} (the running total) for one refund. A chargeback is other
 * money (Stripe's running total does not include disputes), so chargebacks by id are added to that.
 *
 * @param byIdMinor the sum over distinct refund ids (each id counted once, at its largest amount);
 *     chargebacks are in {@code chargebacksByIdMinor} (in state written before that field existed,
 *     here too)
 * @param cumulativeMinor the largest running total reported
 * @param full whether a refund of the whole payment was reported without an amount
 * @param chargeback whether any of it is a chargeback
 * @param lastAtMillis the time of the latest report that raised the total (its entries' booking
 *     time)
 * @param chargebacksByIdMinor the sum over distinct chargeback ids, each at its largest amount
 * @param currency the currency the refunds were reported in (null while none named one); a refund
 *     in another currency than its payment is refused, never applied by minor units alone
 */
public record RefundFacts(
    long byIdMinor,
    long cumulativeMinor,
    boolean full,
    boolean chargeback,
    long lastAtMillis,
    String currency,
    long chargebacksByIdMinor) {

  public static final RefundFacts NONE = new RefundFacts(0, 0, false, false, 0, null, 0);

  /** How much of a payment of {@code amountMinor} these facts refund. */
  public long refundedOf(long amountMinor) {
    long claimed = full ? amountMinor : Math.max(byIdMinor, cumulativeMinor) + chargebacksByIdMinor;
    return Math.min(amountMinor, claimed);
  }

  /**
   * These facts after {@code r}; {@code previousForId} is what the same refund id reported before
   * (0 when new), so a retried or updated refund replaces its own amount instead of adding to it.
   */
  public RefundFacts with(RefundEvent r, long previousForId) {
    long byId = byIdMinor;
    long chargebacks = chargebacksByIdMinor;
    long cumulative = cumulativeMinor;
    if (r.full()) {
      // full refund: amount is unknown and irrelevant
    } else if (r.cumulative()) {
      cumulative = Math.max(cumulative, r.amountMinor());
    } else if (RefundEvent.CHARGEBACK.equals(r.kind())) {
      chargebacks += Math.max(0, r.amountMinor() - previousForId);
    } else {
      byId += Math.max(0, r.amountMinor() - previousForId);
    }
    boolean raised =
        r.full() && !full
            || byId > byIdMinor
            || chargebacks > chargebacksByIdMinor
            || cumulative > cumulativeMinor
            || lastAtMillis == 0;
    return new RefundFacts(
        byId,
        cumulative,
        full || r.full(),
        chargeback || RefundEvent.CHARGEBACK.equals(r.kind()),
        raised ? Math.max(lastAtMillis, r.occurredAtMillis()) : lastAtMillis,
        currency != null ? currency : r.currency(),
        chargebacks);
  }

  /** These facts without a chargeback of {@code amountMinor} that the merchant won back. */
  public RefundFacts withoutChargeback(long amountMinor) {
    return new RefundFacts(
        byIdMinor,
        cumulativeMinor,
        full,
        chargeback,
        lastAtMillis,
        currency,
        Math.max(0, chargebacksByIdMinor - amountMinor));
  }
}
