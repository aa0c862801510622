package dev.tributary.job.payments;

/**
 * Where a provider's webhooks book the money that a Payment API call names by the provider's own
 * id: under {@code paymentKey} directly, or, for an id that is another name of the money (a Stripe
 * Checkout Session or charge), under whatever payment key {@code linkKey} turns out to belong to
 * ({@link LinkPaymentKeys}). Exactly one of the two is set.
 */
public record PaymentRef(String paymentKey, String linkKey) {

  public PaymentRef {
    if ((paymentKey == null) == (linkKey == null)) {
      throw new IllegalArgumentException("exactly one of paymentKey and linkKey");
    }
  }

  public static PaymentRef key(String paymentKey) {
    return new PaymentRef(paymentKey, null);
  }

  public static PaymentRef linkedBy(String linkKey) {
    return new PaymentRef(null, linkKey);
  }
}
