package dev.tributary.job.deadletter;

import dev.tributary.job.ingest.RawRecord;
import org.apache.flink.util.OutputTag;

/** The side output every parsing stage writes its rejects to. */
public final class DeadLetters {
  private DeadLetters() {}

  public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters") {};

  public static DeadLetter of(RawRecord record, String stage, String reason, long nowMillis) {
    return new DeadLetter(reason, stage, record.topic(), record.key(), nowMillis, record.value());
  }
}
