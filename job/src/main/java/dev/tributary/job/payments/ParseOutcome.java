package dev.tributary.job.payments;

/** What a provider parser made of one verified webhook. */
public sealed interface ParseOutcome {

  /**
   * The event reports money received.
   *
   * @param aliases other ids of the same money that the event reveals (a Stripe Checkout Session or
   *     charge id beside its PaymentIntent), so that a Payment API call naming one of them finds
   *     the payment; see {@link PaymentParser#paymentRef}
   */
  record Payment(PaymentEvent event, java.util.List<String> aliases) implements ParseOutcome {
    public Payment {
      aliases = java.util.List.copyOf(aliases);
    }

    public Payment(PaymentEvent event) {
      this(event, java.util.List.of());
    }
  }

  /** The event reports money going back: a refund or a chargeback. */
  record Refund(RefundEvent event) implements ParseOutcome {}

  /**
   * The event reports both: a provider whose every event carries the order's whole state
   * (WooCommerce: the paid order with its refunds so far) tells of the money received and of what
   * went back in one body, and either may be the first the job hears of that money. Both are
   * emitted; the payment merges with any earlier report of it by its key, and the refund is a
   * running total, so repeating the body counts nothing twice.
   */
  record PaymentAndRefund(Payment payment, Refund refund) implements ParseOutcome {}

  /**
   * A well-formed event the job does not use (e.g. {@code customer.created}). Counted, not
   * dead-lettered: the gateway already acknowledged it so the provider does not retry forever.
   */
  record Ignored(String eventType) implements ParseOutcome {}
}
