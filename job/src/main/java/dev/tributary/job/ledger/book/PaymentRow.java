package dev.tributary.job.ledger.book;

import dev.tributary.job.attribution.AttributedPayment;
import dev.tributary.job.ledger.LedgerEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * A payment's whole position, as its {@code payments} row holds it: the attribution that stands,
 * how much of the payment has been refunded, and per model and touch the credit and the part of it
 * refunds took back. Written as one upsert; the warehouse derives the journal from successive
 * positions (see {@link Ledger}).
 *
 * @param refundedMinor refunded and charged back, combined without double counting, never more than
 *     the amount
 * @param chargeback whether any of it came back through a chargeback (dispute)
 * @param refundedAtMillis when the refunded total last grew (0 while nothing is refunded): the
 *     booking time of the journal's refund entries
 */
public record PaymentRow(
    AttributedPayment attributed, long refundedMinor, boolean chargeback, long refundedAtMillis) {

  /**
   * One touch's standing credit under one model.
   *
   * @param credit the credit itself, the touch's facts and the time the attribution was made
   * @param refundedMinor how much of it refunds took back: the model's share of the refunded total
   */
  public record Credit(LedgerEntry credit, long refundedMinor) {
    public long netMinor() {
      return credit.amountMinor() - refundedMinor;
    }
  }

  /** The standing credits, each with its share of the refunded total (largest remainder). */
  public List<Credit> credits() {
    List<LedgerEntry> credits = attributed.credits();
    long[] retracted = Ledger.retractions(credits, refundedMinor);
    List<Credit> out = new ArrayList<>(credits.size());
    for (int i = 0; i < credits.size(); i++) {
      out.add(new Credit(credits.get(i), retracted[i]));
    }
    return out;
  }

  /** When the standing attribution was made: the payment's time, or its latest correction's. */
  public long creditedAtMillis() {
    List<LedgerEntry> credits = attributed.credits();
    return credits.isEmpty()
        ? attributed.payment().occurredAtMillis()
        : credits.get(0).bookedAtMillis();
  }
}
