package dev.tributary.job.ledger;

import dev.tributary.job.attribution.AttributedPayment;

/**
 * What the warehouse's {@code payments} row says of a payment: the attribution that stands and how
 * much of the payment has been refunded so far.
 *
 * @param refundedMinor refunded and charged back, combined without double counting, never more than
 *     the amount
 * @param chargeback whether any of it came back through a chargeback (dispute)
 */
public record PaymentRow(AttributedPayment attributed, long refundedMinor, boolean chargeback) {}
