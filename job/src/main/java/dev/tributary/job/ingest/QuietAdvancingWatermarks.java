package dev.tributary.job.ingest;

import java.time.Clock;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness, plus one rule for quiet partitions.
 *
 * <p>Event time in Tributary is the gateway's receive time, i.e. a wall clock. A partition that has
 * seen nothing for {@code idleness} therefore lets its watermark follow the wall clock (minus the
 * out-of-orderness bound). Flink's plain {@code withIdleness} would only ignore the partition: when
 * every partition is quiet the watermark would stand still and the last payment of the day would
 * wait for tomorrow's traffic before it settles. A replay of history is never quiet, so it keeps
 * the ordinary event-time behaviour and produces the same result as the first run.
 */
public final class QuietAdvancingWatermarks<T> implements WatermarkGenerator<T> {
  private final long outOfOrdernessMillis;
  private final long idlenessMillis;
  private final Clock clock;

  private long maxTimestamp = Long.MIN_VALUE;
  private long lastEventWallClock;
  private long lastEmitted = Long.MIN_VALUE;

  public QuietAdvancingWatermarks(Duration outOfOrderness, Duration idleness, Clock clock) {
    this.outOfOrdernessMillis = outOfOrderness.toMillis();
    this.idlenessMillis = idleness.toMillis();
    this.clock = clock;
    this.lastEventWallClock = clock.millis();
  }

  @Override
  public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
    maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
    lastEventWallClock = clock.millis();
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    long now = clock.millis();
    long candidate =
        maxTimestamp == Long.MIN_VALUE ? Long.MIN_VALUE : maxTimestamp - outOfOrdernessMillis - 1;
    if (now - lastEventWallClock >= idlenessMillis) {
      candidate = Math.max(candidate, now - idlenessMillis - outOfOrdernessMillis);
    }
    if (candidate > lastEmitted) {
      lastEmitted = candidate;
      output.emitWatermark(new Watermark(candidate));
    }
  }
}
