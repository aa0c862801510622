package dev.tributary.job.deadletter;

import dev.tributary.job.ingest.RawRecord;
import org.apache.flink.util.OutputTag;

/** The side output every parsing stage writes its rejects to. */
public final class DeadLetters {
  private DeadLetters() {}

  public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters") {};

  /**
   * The reason a dead letter gives for {@code e}: the message of malformed input as it is, any
   * other failure with its type, so that a parser's bug is told apart from bad data.
   */
  public static String reason(RuntimeException e) {
    if (e instanceof dev.tributary.job.base.MalformedPayloadException) {
      return e.getMessage();
    }
    String message = e.getMessage();
    return "unexpected " + e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  public static DeadLetter of(RawRecord record, String stage, String reason, long nowMillis) {
    return new DeadLetter(reason, stage, record.topic(), record.key(), nowMillis, record.value());
  }
}
