package dev.tributary.job.payments;

/** What a provider parser made of one verified webhook. */
public sealed interface ParseOutcome {

  /** The event reports money received. */
  record Payment(PaymentEvent event) implements ParseOutcome {}

  /** The event reports money going back: a refund or a chargeback. */
  record Refund(RefundEvent event) implements ParseOutcome {}

  /**
   * A well-formed event the job does not use (e.g. {@code customer.created}). Counted, not
   * dead-lettered: the gateway already acknowledged it so the provider does not retry forever.
   */
  record Ignored(String eventType) implements ParseOutcome {}
}
