package dev.tributary.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.gateway.kafka.KafkaReadiness.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KafkaReadinessTest {

  private static void await(java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition in time").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void unknownUntilTheFirstCheckThenItsResult() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (KafkaReadiness readiness =
        new KafkaReadiness(
            () -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return true;
            },
            System::nanoTime,
            Duration.ofMillis(10),
            Duration.ofSeconds(10),
            null)) {
      assertThat(readiness.status().state()).isEqualTo(State.UNKNOWN);
      assertThat(readiness.isReady()).isFalse();
      release.countDown();
      await(readiness::isReady);
      assertThat(readiness.status().ageMillis()).isBetween(0L, 5_000L);
    }
  }

  /**
   * While a check hangs, any number of concurrent callers get the last answer at once, and only one
   * check is ever in flight.
   */
  @Test
  void callersNeverWaitForACheckAndChecksNeverOverlap() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    AtomicInteger checks = new AtomicInteger();
    AtomicBoolean hang = new AtomicBoolean(false);
    CountDownLatch hanging = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (KafkaReadiness readiness =
        new KafkaReadiness(
            () -> {
              maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              try {
                checks.incrementAndGet();
                if (hang.get()) {
                  hanging.countDown();
                  release.await();
                }
                return false;
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
              } finally {
                inFlight.decrementAndGet();
              }
            },
            System::nanoTime,
            Duration.ofMillis(1),
            Duration.ofSeconds(30),
            null)) {
      await(() -> checks.get() >= 5);
      hang.set(true);
      assertThat(hanging.await(5, TimeUnit.SECONDS)).isTrue();

      ExecutorService callers = Executors.newFixedThreadPool(32);
      try {
        List<Future<Long>> answers = new ArrayList<>();
        for (int i = 0; i < 3_200; i++) {
          answers.add(
              callers.submit(
                  () -> {
                    long start = System.nanoTime();
                    assertThat(readiness.status().state()).isEqualTo(State.UNREACHABLE);
                    return System.nanoTime() - start;
                  }));
        }
        for (Future<Long> answer : answers) {
          assertThat(answer.get(5, TimeUnit.SECONDS))
              .isLessThan(TimeUnit.MILLISECONDS.toNanos(200));
        }
      } finally {
        callers.shutdownNow();
        release.countDown();
      }
      assertThat(maxInFlight.get()).isEqualTo(1);
    }
  }

  @Test
  void anOldResultIsNotBelieved() throws Exception {
    AtomicLong now = new AtomicLong(0);
    CountDownLatch firstDone = new CountDownLatch(1);
    AtomicInteger checks = new AtomicInteger();
    try (KafkaReadiness readiness =
        new KafkaReadiness(
            () -> {
              checks.incrementAndGet();
              firstDone.countDown();
              return true;
            },
            now::get,
            Duration.ofHours(1), // one check only: the checker "stalls" after it
            Duration.ofSeconds(10),
            null)) {
      assertThat(firstDone.await(5, TimeUnit.SECONDS)).isTrue();
      await(readiness::isReady);

      now.set(TimeUnit.SECONDS.toNanos(10));
      assertThat(readiness.status().state()).isEqualTo(State.READY);
      assertThat(readiness.status().ageMillis()).isEqualTo(10_000);
      now.set(TimeUnit.SECONDS.toNanos(10) + 1);
      assertThat(readiness.status().state()).isEqualTo(State.UNKNOWN);
      assertThat(readiness.isReady()).isFalse();
      assertThat(checks.get()).isEqualTo(1);
    }
  }

  @Test
  void aCheckThatThrowsIsNotReadyAndTheChecksGoOn() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    try (KafkaReadiness readiness =
        new KafkaReadiness(
            () -> {
              if (checks.incrementAndGet() < 3) {
                throw new IllegalStateException("boom");
              }
              return true;
            },
            System::nanoTime,
            Duration.ofMillis(5),
            Duration.ofSeconds(10),
            null)) {
      await(readiness::isReady);
      assertThat(checks.get()).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void closeStopsTheChecks() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    KafkaReadiness readiness =
        new KafkaReadiness(
            () -> checks.incrementAndGet() > 0,
            System::nanoTime,
            Duration.ofMillis(1),
            Duration.ofSeconds(10),
            null);
    await(() -> checks.get() > 3);
    readiness.close();
    int after = checks.get();
    Thread.sleep(100);
    assertThat(checks.get()).isEqualTo(after);
  }
}
