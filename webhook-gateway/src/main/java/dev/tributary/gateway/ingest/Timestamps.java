package dev.tributary.gateway.ingest;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** The one timestamp format of the records: UTC, always three fraction digits. */
final class Timestamps {

  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

  private Timestamps() {}

  /** Kafka timestamps have millisecond precision; records carry the same instant. */
  static Instant toMillis(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MILLIS);
  }

  static String format(Instant instant) {
    return ISO_MILLIS.format(instant);
  }
}
