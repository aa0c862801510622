package dev.tributary.job.attribution;

import dev.tributary.job.ledger.LedgerEntry;
import dev.tributary.job.payments.PaymentEvent;
import java.util.List;

/**
 * One attribution of a payment: how it was linked and its complete set of credits under every
 * model. The ledger books it, or, when a payment is attributed again with better evidence, retracts
 * the earlier credits and books these.
 *
 * @param touches how many distinct touches the credits go to (0 for no touch / unattributed)
 */
public record AttributedPayment(
    PaymentEvent payment, Resolution resolution, List<LedgerEntry> credits, int touches) {

  public String paymentKey() {
    return payment.consolidationKey();
  }
}
