package dev.tributary.job.attribution;

import dev.tributary.job.payments.PaymentEvent;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The touches that may earn credit for a payment: the visitor's sessions that started inside the
 * lookback window and no later than the payment, oldest first. When the checkout metadata names the
 * session the visitor paid from, the journey ends there: that session is the converting touch even
 * if another one started between it and the payment.
 */
public final class Journey {
  private static final Comparator<Touch> ORDER =
      Comparator.comparingLong(Touch::startedAtMillis).thenComparing(Touch::sessionId);

  private Journey() {}

  public static List<Touch> of(PaymentEvent payment, Collection<Touch> touches, Duration lookback) {
    long from = payment.occurredAtMillis() - lookback.toMillis();
    Touch named =
        payment.sessionId() == null
            ? null
            : touches.stream()
                .filter(t -> t.sessionId().equals(payment.sessionId()))
                .filter(t -> t.startedAtMillis() >= from)
                .findFirst()
                .orElse(null);
    long until = named != null ? named.startedAtMillis() : payment.occurredAtMillis();
    return touches.stream()
        .filter(t -> t.startedAtMillis() >= from && t.startedAtMillis() <= until)
        .filter(t -> named == null || t == named || ORDER.compare(t, named) < 0)
        .sorted(ORDER)
        .toList();
  }
}
