package dev.tributary.job.ingest;

import java.time.Clock;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness, plus one rule for quiet partitions that are live.
 *
 * <p>Event time in Tributary is the gateway's receive time, i.e. a wall clock. A partition that has
 * seen nothing for {@code idleness} therefore lets its watermark follow the wall clock (minus the
 * out-of-orderness bound). Flink's plain {@code withIdleness} would only ignore the partition: when
 * every partition is quiet the watermark would stand still and the last payment of the day would
 * wait for tomorrow's traffic before it settles.
 *
 * <p>The rule applies only while the partition is <em>live</em>: its last record was read within
 * {@code replayThreshold} of its event time. A partition replaying history or catching up on a
 * backlog reads records that are older than that, and its watermark follows its records alone. From
 * inside the source a replay held up by backpressure looks exactly like a quiet partition: no
 * records for a while. Without this condition such a replay leapt to the present, and everything it
 * read afterwards was late (found by the job benchmark: 25M correction entries in the ledger). A
 * partition that has never had a record follows the wall clock, so that an empty partition does not
 * hold the others back.
 */
public final class QuietAdvancingWatermarks<T> implements WatermarkGenerator<T> {
  private final long outOfOrdernessMillis;
  private final long idlenessMillis;
  private final long replayThresholdMillis;
  private final Clock clock;

  private long maxTimestamp = Long.MIN_VALUE;
  private long lastEventWallClock;
  private boolean live = true;
  private long lastEmitted = Long.MIN_VALUE;

  public QuietAdvancingWatermarks(
      Duration outOfOrderness, Duration idleness, Duration replayThreshold, Clock clock) {
    this.outOfOrdernessMillis = outOfOrderness.toMillis();
    this.idlenessMillis = idleness.toMillis();
    this.replayThresholdMillis = replayThreshold.toMillis();
    this.clock = clock;
    this.lastEventWallClock = clock.millis();
  }

  @Override
  public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
    maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
    lastEventWallClock = clock.millis();
    live = lastEventWallClock - eventTimestamp <= replayThresholdMillis;
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    long now = clock.millis();
    long candidate =
        maxTimestamp == Long.MIN_VALUE ? Long.MIN_VALUE : maxTimestamp - outOfOrdernessMillis - 1;
    if (live && now - lastEventWallClock >= idlenessMillis) {
      candidate = Math.max(candidate, now - idlenessMillis - outOfOrdernessMillis);
    }
    if (candidate > lastEmitted) {
      lastEmitted = candidate;
      output.emitWatermark(new Watermark(candidate));
    }
  }
}
