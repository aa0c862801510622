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
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;

class QuietAdvancingWatermarksTest {
  private final List<Long> emitted = new ArrayList<>();
  private int idleMarks;
  private final WatermarkOutput output =
      new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
          emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
          idleMarks++;
        }

        @Override
        public void markActive() {}
      };

  /** The wall clock, and an input-activity clock that stands still while {@code paused}. */
  private static final class MutableClock extends Clock implements RelativeClock {
    long now;
    long activity;
    boolean paused;

    void advance(long millis) {
      now += millis;
      if (!paused) {
        activity += millis;
      }
    }

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

    @Override
    public long relativeTimeMillis() {
      return activity;
    }

    @Override
    public long relativeTimeNanos() {
      return activity * 1_000_000;
    }
  }

  private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(5);
  private static final Duration IDLENESS = Duration.ofSeconds(10);
  private static final Duration REPLAY_THRESHOLD = Duration.ofMinutes(5);

  private QuietAdvancingWatermarks<String> generator(MutableClock clock) {
    return new QuietAdvancingWatermarks<>(
        OUT_OF_ORDERNESS, IDLENESS, REPLAY_THRESHOLD, clock, clock);
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
    clock.advance(20_000);
    gen.onPeriodicEmit(output);
    assertThat(emitted).last().isEqualTo(1_020_000 - 10_000 - 5_000L);
  }

  @Test
  void aReplayHeldUpByBackpressureNeverMarksItselfIdle() {
    MutableClock clock = new MutableClock();
    clock.now = 9_000_000_000L;
    var gen = generator(clock);
    gen.onEvent("a", 1_000_000, output);
    clock.paused = true; // the job downstream is busy: the source is not reading
    clock.advance(600_000);
    gen.onPeriodicEmit(output);
    assertThat(idleMarks).isZero();
    assertThat(emitted).containsExactly(1_000_000 - 5_000 - 1L);
  }

  @Test
  void aLivePartitionHeldUpByBackpressureIsNotQuiet() {
    MutableClock clock = new MutableClock();
    clock.now = 1_000_000;
    var gen = generator(clock);
    gen.onEvent("a", 1_000_000, output);
    gen.onPeriodicEmit(output);

    clock.paused = true; // downstream is busy: the source cannot emit
    clock.advance(60_000);
    gen.onPeriodicEmit(output);
    assertThat(emitted).containsExactly(1_000_000 - 5_000 - 1L);

    clock.paused = false;
    clock.advance(10_000);
    gen.onPeriodicEmit(output);
    assertThat(emitted).last().isEqualTo(clock.now - 10_000 - 5_000L);
  }

  @Test
  void aReplayStaysInEventTimeUntilItCatchesUp() {
    MutableClock clock = new MutableClock();
    clock.now = 9_000_000_000L;
    var gen = generator(clock);

    // history: records a month old, then nothing for ten minutes
    gen.onEvent("a", 1_000_000, output);
    gen.onEvent("b", 1_001_000, output);
    clock.advance(5_000);
    gen.onPeriodicEmit(output);
    assertThat(idleMarks).isZero();
    clock.advance(600_000);
    gen.onPeriodicEmit(output);
    // it never leaps to the present on its own ...
    assertThat(emitted).containsExactly(1_001_000 - 5_000 - 1L);
    // ... but, read to its end and quiet, it no longer holds the other partitions back (a small
    // site's partition last read during the backlog of a redeploy held settlement for every site)
    assertThat(idleMarks).isPositive();

    // caught up: a record read within the threshold makes the partition live again
    gen.onEvent("c", clock.now - 1_000, output);
    clock.advance(10_000);
    gen.onPeriodicEmit(output);
    assertThat(emitted).last().isEqualTo(clock.now - 10_000 - 5_000L);
  }

  @Test
  void withoutRecordsAGeneratorMarksItselfIdleAndNeverFollowsTheWallClock() {
    // Flink runs such a generator on the source's main output of every Kafka source: had it
    // followed
    // the wall clock, the whole source would have jumped to the present
    MutableClock clock = new MutableClock();
    clock.now = 5_000_000;
    var gen = generator(clock);
    gen.onPeriodicEmit(output);
    assertThat(idleMarks).isZero();

    clock.advance(10_000);
    gen.onPeriodicEmit(output);
    clock.advance(3_600_000);
    gen.onPeriodicEmit(output);
    assertThat(emitted).isEmpty();
    assertThat(idleMarks).isPositive();
  }
}
