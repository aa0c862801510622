package dev.tributary.job.payments;

/**
 * The canonical form of one provider event about money coming in, whatever the provider.
 *
 * <p>Amounts are exact integers in the currency's minor unit as the provider counts it ({@code
 * currencyExponent} digits: Stripe's JPY is 0, USD 2, KWD 3). Several events describe the same
 * payment; {@link #paymentKey} is the one id they share (Stripe: the PaymentIntent id) and {@link
 * ConsolidatePayments} merges them.
 *
 * @param eventId the provider's event id (or the gateway's delivery id); unique per event
 * @param occurredAtMillis when the money moved, per the provider
 * @param receivedAtMillis when the gateway received the webhook
 * @param emailHash SHA-256 of the normalized payer email, never the email itself
 */
public record PaymentEvent(
    String siteId,
    String provider,
    String paymentKey,
    String eventId,
    String eventType,
    long amountMinor,
    String currency,
    int currencyExponent,
    long occurredAtMillis,
    long receivedAtMillis,
    String visitorId,
    String sessionId,
    String customerId,
    String emailHash,
    boolean livemode) {

  /** Key of the consolidation stage: the same money reported by several events. */
  public String consolidationKey() {
    return siteId + '|' + provider + '|' + paymentKey;
  }

  /** Key of the attribution stage: the visitor who paid. */
  public String visitorKey() {
    return siteId + '|' + visitorId;
  }

  public boolean linkedToVisitor() {
    return visitorId != null;
  }

  /**
   * Folds a later event about the same payment into this one: the earliest time wins, and fields
   * this event lacks (links, email, customer) are taken from the other. Order-independent for the
   * fields a payment event can only add, so retries and reordering merge to the same result.
   */
  public PaymentEvent mergedWith(PaymentEvent other) {
    PaymentEvent first = occurredAtMillis <= other.occurredAtMillis ? this : other;
    PaymentEvent second = first == this ? other : this;
    return new PaymentEvent(
        siteId,
        provider,
        paymentKey,
        first.eventId,
        first.eventType,
        first.amountMinor != 0 ? first.amountMinor : second.amountMinor,
        first.currency,
        first.currencyExponent,
        first.occurredAtMillis,
        Math.min(receivedAtMillis, other.receivedAtMillis),
        coalesce(first.visitorId, second.visitorId),
        coalesce(first.sessionId, second.sessionId),
        coalesce(first.customerId, second.customerId),
        coalesce(first.emailHash, second.emailHash),
        first.livemode && second.livemode);
  }

  /** True when {@code merged} knows something about who paid that this one did not. */
  public boolean linksImprovedBy(PaymentEvent merged) {
    return (visitorId == null && merged.visitorId != null)
        || (sessionId == null && merged.sessionId != null)
        || (emailHash == null && merged.emailHash != null)
        || (customerId == null && merged.customerId != null);
  }

  private static String coalesce(String a, String b) {
    return a != null ? a : b;
  }
}
