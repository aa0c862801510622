package dev.tributary.job.ingest;

import java.io.Serializable;
import java.time.Duration;

/**
 * How far ahead of its record an event's own time may lie. Every event-time timer is set from an
 * event's time (a payment settles at {@code occurredAt + settle}, waits for the watermark to pass
 * it), so a merchant sending local time labelled {@code Z}, or a year typed wrong, would park a
 * payment for hours or forever. A time more than {@code maxSkew} after the record's time (the
 * gateway's receive time, or the Kafka record's if that is earlier) is taken to be the record's
 * time instead, and counted: money is never held back by a clock we cannot believe, and nothing is
 * dropped for it.
 */
public record TimeBounds(Duration maxSkew) implements Serializable {

  /**
   * The time to use for an event claiming {@code eventMillis} in a record of {@code recordMillis}.
   */
  public long clamp(long eventMillis, long recordMillis) {
    return eventMillis - recordMillis > maxSkew.toMillis() ? recordMillis : eventMillis;
  }

  /** The record's time: the earlier of the envelope's receive time and the Kafka timestamp. */
  public static long recordTime(long receivedAtMillis, long kafkaMillis) {
    return kafkaMillis > 0 ? Math.min(receivedAtMillis, kafkaMillis) : receivedAtMillis;
  }
}
