package dev.tributary.job.ledger;

/**
 * One signed row of {@code revenue_ledger}: the credit of one payment (or a retraction) to one
 * touch under one model. {@code entryId} is derived from its content, so a replay writes the same
 * id and the warehouse keeps one row.
 *
 * @param entryType payment | refund | correction
 * @param paymentAtMillis when the money moved (reporting by payment date)
 * @param bookedAtMillis when this entry happened (reporting by booking date)
 */
public record LedgerEntry(
    String entryId,
    String siteId,
    String provider,
    String paymentKey,
    String model,
    String entryType,
    String visitorId,
    String sessionId,
    String channel,
    String source,
    String medium,
    String campaign,
    long amountMinor,
    String currency,
    int currencyExponent,
    long paymentAtMillis,
    long bookedAtMillis,
    boolean livemode) {

  /** This entry as credited by an attribution made at {@code at}. */
  public LedgerEntry bookedAt(long at) {
    return new LedgerEntry(
        entryId,
        siteId,
        provider,
        paymentKey,
        model,
        entryType,
        visitorId,
        sessionId,
        channel,
        source,
        medium,
        campaign,
        amountMinor,
        currency,
        currencyExponent,
        paymentAtMillis,
        at,
        livemode);
  }
}
