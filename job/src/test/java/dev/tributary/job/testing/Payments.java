package dev.tributary.job.testing;

import dev.tributary.job.payments.PaymentEvent;

/** Canonical payments for operator tests. */
public final class Payments {
  private Payments() {}

  public static PaymentEvent payment(
      String key, String eventId, long amount, long at, String visitorId, String sessionId) {
    return new PaymentEvent(
        "acme",
        "stripe",
        key,
        eventId,
        "payment_intent.succeeded",
        amount,
        "USD",
        2,
        at,
        at + 500,
        visitorId,
        sessionId,
        null,
        null,
        null,
        false,
        true,
        null);
  }

  /** {@code p} with other payment and link keys. */
  public static PaymentEvent keyed(PaymentEvent p, String paymentKey, String linkKey) {
    return new PaymentEvent(
        p.siteId(),
        p.provider(),
        paymentKey,
        p.eventId(),
        p.eventType(),
        p.amountMinor(),
        p.currency(),
        p.currencyExponent(),
        p.occurredAtMillis(),
        p.receivedAtMillis(),
        p.visitorId(),
        p.sessionId(),
        p.customerId(),
        p.emailHash(),
        p.subscriptionId(),
        p.renewal(),
        p.livemode(),
        linkKey);
  }
}
