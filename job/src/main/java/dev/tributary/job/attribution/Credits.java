package dev.tributary.job.attribution;

import dev.tributary.job.base.EntryIds;
import dev.tributary.job.base.LargestRemainder;
import dev.tributary.job.ledger.LedgerEntry;
import dev.tributary.job.payments.LinkMethod;
import dev.tributary.job.payments.PaymentEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A payment's ledger entries: for every {@link Model}, the amount split over the journey's touches
 * in exact minor units. Each model's entries sum to the payment's amount. A payment with no journey
 * is booked whole, per model, to {@link #NO_TOUCH} (a known visitor without a session in the
 * window) or {@link #UNATTRIBUTED} (no visitor at all), so totals always reconcile.
 */
public final class Credits {
  /** Channel of a credit to a known visitor none of whose sessions is in the lookback window. */
  public static final String NO_TOUCH = "(no touch)";

  /** Channel of money that no evidence links to a visitor. */
  public static final String UNATTRIBUTED = "(unattributed)";

  private Credits() {}

  public static List<LedgerEntry> of(PaymentEvent p, List<Touch> journey, Duration halfLife) {
    List<LedgerEntry> out = new ArrayList<>();
    for (Model model : Model.values()) {
      if (journey.isEmpty()) {
        out.add(entry(p, model, null, p.amountMinor()));
        continue;
      }
      long[] parts =
          LargestRemainder.split(
              p.amountMinor(), model.weights(journey, p.occurredAtMillis(), halfLife));
      for (int i = 0; i < parts.length; i++) {
        if (parts[i] != 0) {
          out.add(entry(p, model, journey.get(i), parts[i]));
        }
      }
    }
    return out;
  }

  /**
   * An ambiguous payment: under every model the amount is split evenly over the candidates'
   * sessions ({@code touches[i]} belongs to {@code visitors[i]}).
   */
  public static List<LedgerEntry> evenly(
      PaymentEvent p, List<Touch> touches, List<String> visitors) {
    long[] weights = new long[touches.size()];
    java.util.Arrays.fill(weights, 1);
    long[] parts = LargestRemainder.split(p.amountMinor(), weights);
    List<LedgerEntry> out = new ArrayList<>();
    for (Model model : Model.values()) {
      for (int i = 0; i < parts.length; i++) {
        if (parts[i] != 0) {
          out.add(
              entry(
                  p.withVisitor(visitors.get(i), LinkMethod.TIMESTAMP),
                  model,
                  touches.get(i),
                  parts[i]));
        }
      }
    }
    return out;
  }

  private static LedgerEntry entry(PaymentEvent p, Model model, Touch touch, long amount) {
    String sessionId = touch == null ? null : touch.sessionId();
    return new LedgerEntry(
        EntryIds.of(p.siteId(), p.provider(), p.paymentKey(), model.id(), "payment", sessionId),
        p.siteId(),
        p.provider(),
        p.paymentKey(),
        model.id(),
        "payment",
        p.visitorId(),
        sessionId,
        touch != null ? touch.channel() : p.linkedToVisitor() ? NO_TOUCH : UNATTRIBUTED,
        touch == null ? null : touch.source(),
        touch == null ? null : touch.medium(),
        touch == null ? null : touch.campaign(),
        amount,
        p.currency(),
        p.currencyExponent(),
        p.occurredAtMillis(),
        p.occurredAtMillis(),
        p.livemode());
  }
}
