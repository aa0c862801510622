package dev.tributary.job.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class QuietAdvancingWatermarksTest {
  private final List<Long> emitted = new ArrayList<>();
  private final WatermarkOutput output =
      new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
          emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
      };

  private static final class MutableClock extends Clock {
    long now;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now);
    }
  }

  private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(5);
  private static final Duration IDLENESS = Duration.ofSeconds(10);
  private static final Duration REPLAY_THRESHOLD = Duration.ofMinutes(5);

  private QuietAdvancingWatermarks<String> generator(MutableClock clock) {
    return new QuietAdvancingWatermarks<>(OUT_OF_ORDERNESS, IDLENESS, REPLAY_THRESHOLD, clock);
  }

  @Test
  void boundedOutOfOrdernessWhileBusyWallClockWhenQuiet() {
    MutableClock clock = new MutableClock();
    clock.now = 1_000_000;
    var gen = generator(clock);

    gen.onEvent("a", 1_000_000 - 200, output); // live: read 200 ms after the gateway took it
    gen.onPeriodicEmit(output);
    assertThat(emitted).containsExactly(1_000_000 - 200 - 5_000 - 1L);

    // quiet for longer than the idleness: follow the wall clock
    clock.now = 1_020_000;
    gen.onPeriodicEmit(output);
    assertThat(emitted).last().isEqualTo(1_020_000 - 10_000 - 5_000L);
  }

  @Test
  void aReplayHeldUpByBackpressureStaysInEventTime() {
    MutableClock clock = new MutableClock();
    clock.now = 9_000_000_000L;
    var gen = generator(clock);

    // history: records a month old, then nothing for a minute (the job downstream is busy)
    gen.onEvent("a", 1_000_000, output);
    gen.onEvent("b", 1_001_000, output);
    clock.now += 60_000;
    gen.onPeriodicEmit(output);
    clock.now += 600_000;
    gen.onPeriodicEmit(output);
    assertThat(emitted).containsExactly(1_001_000 - 5_000 - 1L);

    // caught up: a record read within the threshold makes the partition live again
    gen.onEvent("c", clock.now - 1_000, output);
    clock.now += 10_000;
    gen.onPeriodicEmit(output);
    assertThat(emitted).last().isEqualTo(clock.now - 10_000 - 5_000L);
  }

  @Test
  void aPartitionWithoutRecordsFollowsTheWallClock() {
    MutableClock clock = new MutableClock();
    clock.now = 5_000_000;
    var gen = generator(clock);
    gen.onPeriodicEmit(output);
    assertThat(emitted).isEmpty();

    clock.now += 10_000;
    gen.onPeriodicEmit(output);
    assertThat(emitted).containsExactly(clock.now - 10_000 - 5_000L);
  }
}
