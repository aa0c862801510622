package dev.tributary.job.testing;

import dev.tributary.job.payments.LinkMethod;
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
        null,
        visitorId != null ? LinkMethod.METADATA.code() : null,
        null);
  }

  /** {@code p} as reported in another currency, for another amount. */
  public static PaymentEvent inCurrency(PaymentEvent p, long amount, String currency) {
    return new PaymentEvent(
        p.siteId(),
        p.provider(),
        p.paymentKey(),
        p.eventId(),
        p.eventType(),
        amount,
        currency,
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
        p.linkKey(),
        p.linkMethod(),
        p.conflicts());
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
        linkKey,
        p.linkMethod(),
        null);
  }

  /** {@code p} paid by provider customer {@code customerId}. */
  public static PaymentEvent withCustomer(PaymentEvent p, String customerId) {
    return new PaymentEvent(
        p.siteId(),
        p.provider(),
        p.paymentKey(),
        p.eventId(),
        p.eventType(),
        p.amountMinor(),
        p.currency(),
        p.currencyExponent(),
        p.occurredAtMillis(),
        p.receivedAtMillis(),
        p.visitorId(),
        p.sessionId(),
        customerId,
        p.emailHash(),
        p.subscriptionId(),
        p.renewal(),
        p.livemode(),
        p.linkKey(),
        p.linkMethod(),
        null);
  }

  /** {@code p} paid with the email whose hash is {@code emailHash}. */
  public static PaymentEvent withEmailHash(PaymentEvent p, String emailHash) {
    return new PaymentEvent(
        p.siteId(),
        p.provider(),
        p.paymentKey(),
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
        emailHash,
        p.subscriptionId(),
        p.renewal(),
        p.livemode(),
        p.linkKey(),
        p.linkMethod(),
        null);
  }

  /** {@code p} with a promotion code and the landing page and referrer its order recorded. */
  public static PaymentEvent withEvidence(
      PaymentEvent p, String promoCode, String landingUrl, String referrerUrl) {
    return new PaymentEvent(
        p.siteId(),
        p.provider(),
        p.paymentKey(),
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
        p.linkKey(),
        p.linkMethod(),
        p.conflicts(),
        promoCode,
        landingUrl,
        referrerUrl);
  }

  /**
   * A payment of 49.90 USD at {@code at} that names no visitor, with the landing page and referrer
   * its order recorded (either may be null).
   */
  public static PaymentEvent order(String key, long at, String landingUrl, String referrerUrl) {
    return withEvidence(
        payment(key, "wh_" + key, 4_990, at, null, null), null, landingUrl, referrerUrl);
  }
}
