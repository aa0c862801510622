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

  @Test
  void boundedOutOfOrdernessWhileBusyWallClockWhenQuiet() {
    MutableClock clock = new MutableClock();
    clock.now = 1_000_000;
    var gen =
        new QuietAdvancingWatermarks<String>(Duration.ofSeconds(5), Duration.ofSeconds(10), clock);

    gen.onEvent("a", 1_000_000, output);
    gen.onPeriodicEmit(output);
    assertThat(emitted).containsExactly(1_000_000 - 5_000 - 1L);

    // a replay from history: wall clock far ahead but records keep coming → event time rules
    clock.now = 9_000_000;
    gen.onEvent("b", 1_001_000, output);
    gen.onPeriodicEmit(output);
    assertThat(emitted).last().isEqualTo(1_001_000 - 5_000 - 1L);

    // quiet for longer than the idleness: follow the wall clock
    clock.now = 9_020_000;
    gen.onPeriodicEmit(output);
    assertThat(emitted).last().isEqualTo(9_020_000 - 10_000 - 5_000L);
  }
}
