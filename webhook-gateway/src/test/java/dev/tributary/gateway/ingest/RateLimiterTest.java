package dev.tributary.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.gateway.config.GatewayConfig.RateLimit;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final RateLimiter limiter = new RateLimiter(new RateLimit(20, 40), nanos::get);

  private void advanceMillis(long millis) {
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  private int allowedOf(int calls, String client) {
    int allowed = 0;
    for (int i = 0; i < calls; i++) {
      if (limiter.acquire(client) == 0) {
        allowed++;
      }
    }
    return allowed;
  }

  @Test
  void aBurstIsAllowedThenTheRefillRate() {
    assertThat(allowedOf(100, "10.0.0.1")).isEqualTo(40);
    assertThat(limiter.acquire("10.0.0.1")).isEqualTo(1);

    advanceMillis(500); // 10 tokens back at 20/s
    assertThat(allowedOf(100, "10.0.0.1")).isEqualTo(10);

    advanceMillis(10_000); // never more than the burst
    assertThat(allowedOf(100, "10.0.0.1")).isEqualTo(40);
  }

  @Test
  void bucketsArePerClient() {
    assertThat(allowedOf(50, "10.0.0.1")).isEqualTo(40);

    assertThat(allowedOf(50, "10.0.0.2")).isEqualTo(40);
    assertThat(allowedOf(50, "2001:db8:0:1::/64")).isEqualTo(40);
    assertThat(limiter.acquire("10.0.0.1")).isPositive();
  }

  @Test
  void retryAfterIsTheWholeSecondsUntilATokenIsBack() {
    RateLimiter slow = new RateLimiter(new RateLimit(1, 1), nanos::get);
    assertThat(slow.acquire("ip")).isZero();
    assertThat(slow.acquire("ip")).isEqualTo(1);

    RateLimiter verySlow = new RateLimiter(new RateLimit(1, 3), nanos::get);
    assertThat(verySlow.acquire("ip") + verySlow.acquire("ip")).isZero();
    assertThat(verySlow.acquire("ip")).isZero();
    advanceMillis(200);
    assertThat(verySlow.acquire("ip")).isEqualTo(1); // 0.8 s rounded up
  }

  @Test
  void offMeansUnlimited() {
    RateLimiter off = new RateLimiter(RateLimit.OFF, nanos::get);
    for (int i = 0; i < 10_000; i++) {
      assertThat(off.acquire("ip")).isZero();
    }
    assertThat(off.size()).isZero();
  }

  @Test
  void fullBucketsAreForgottenOnceThereAreMany() {
    int clients = RateLimiter.SWEEP_ABOVE + 10;
    for (int i = 0; i < clients; i++) {
      limiter.acquire("ip-" + i);
    }
    assertThat(limiter.size()).isEqualTo(clients);
    // Emptied recently: kept, it still limits this client.
    assertThat(allowedOf(40, "busy")).isEqualTo(40);

    advanceMillis(1_100); // the others are full again (1 token taken, 20/s), "busy" is not
    limiter.acquire("new");

    assertThat(limiter.size()).isEqualTo(2);
    assertThat(allowedOf(40, "busy")).isLessThan(40);
  }
}
