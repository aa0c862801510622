package dev.tributary.job.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimeBoundsTest {
  private final TimeBounds bounds = new TimeBounds(Duration.ofHours(1));

  @Test
  void aTimeUpToTheSkewAheadStandsAndOneBeyondIsTheRecordsTime() {
    long received = 1_000_000_000L;
    assertThat(bounds.clamp(received - 86_400_000L, received)).isEqualTo(received - 86_400_000L);
    assertThat(bounds.clamp(received + 3_600_000L, received)).isEqualTo(received + 3_600_000L);
    assertThat(bounds.clamp(received + 3_600_001L, received)).isEqualTo(received);
    assertThat(bounds.clamp(Long.MAX_VALUE, received)).isEqualTo(received);
  }

  @Test
  void aRecordWithoutATimeBoundsNothing() {
    assertThat(bounds.clamp(5_000, -1)).isEqualTo(5_000);
    assertThat(bounds.clamp(Long.MAX_VALUE, 0)).isEqualTo(Long.MAX_VALUE);
  }
}
