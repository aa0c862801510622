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
        true);
  }
}
