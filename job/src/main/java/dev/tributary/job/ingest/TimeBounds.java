package dev.tributary.job.ingest;

import java.io.Serializable;
import java.time.Duration;

/**
 * How far ahead of its record an event's own time may lie. Every event-time timer is set from an
 * event's time (a payment settles at {@code occurredAt + settle}, waits for the watermark to pass
 * it), so a merchant sending local time labelled {@code Z}, or a year typed wrong, would park a
 * payment for hours or forever. A time more than {@code maxSkew} after its record's time (an
 * envelope's receive time against the Kafka timestamp, a payment's time against the receive time)
 * is taken to be the record's time instead, and counted: money is never held back by a clock we
 * cannot believe, and nothing is dropped for it.
 */
public record TimeBounds(Duration maxSkew) implements Serializable {

  /**
   * The time to use for an event claiming {@code eventMillis} in a record of {@code recordMillis};
   * a record without a time of its own (Kafka's -1 for none) bounds nothing.
   */
  public long clamp(long eventMillis, long recordMillis) {
    if (recordMillis <= 0) {
      return eventMillis;
    }
    return eventMillis - recordMillis > maxSkew.toMillis() ? recordMillis : eventMillis;
  }
}
