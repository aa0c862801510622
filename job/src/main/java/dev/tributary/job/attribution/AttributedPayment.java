package dev.tributary.job.attribution;

import dev.tributary.job.payments.PaymentEvent;

/** A consolidated payment with the way it was linked: one row of the {@code payments} table. */
public record AttributedPayment(PaymentEvent payment, Resolution resolution) {}
