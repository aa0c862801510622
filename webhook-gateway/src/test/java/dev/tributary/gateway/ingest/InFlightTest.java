package dev.tributary.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightTest {

  @Test
  void givesOutAtMostItsPlacesAndTakesThemBack() {
    InFlight lane = new InFlight("tracking", 2);
    assertThat(lane.tryAcquire()).isTrue();
    assertThat(lane.full()).isFalse();
    assertThat(lane.tryAcquire()).isTrue();
    assertThat(lane.full()).isTrue();
    assertThat(lane.tryAcquire()).isFalse();
    assertThat(lane.used()).isEqualTo(2);
    lane.release();
    assertThat(lane.tryAcquire()).isTrue();
    assertThat(lane.lane()).isEqualTo("tracking");
  }

  @Test
  void neverGivesOutMoreUnderContention() throws Exception {
    InFlight lane = new InFlight("webhooks", 10);
    AtomicInteger held = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int t = 0; t < 8; t++) {
      pool.execute(
          () -> {
            for (int i = 0; i < 20_000; i++) {
              if (lane.tryAcquire()) {
                most.accumulateAndGet(held.incrementAndGet(), Math::max);
                held.decrementAndGet();
                lane.release();
              }
            }
          });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    assertThat(most.get()).isLessThanOrEqualTo(10);
    assertThat(lane.used()).isZero();
  }
}
