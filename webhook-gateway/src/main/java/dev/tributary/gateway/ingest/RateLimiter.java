package dev.tributary.gateway.ingest;

import dev.tributary.gateway.config.GatewayConfig.RateLimit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Token buckets per client address ({@link ClientAddress}: an IPv4 address, an IPv6 /64) for the
 * public tracker endpoints, taken before the body is read: each bucket holds up to {@code burst}
 * tokens, refills at {@code perSecond}, and every call takes one. A call that finds the bucket
 * empty is refused (429) with the seconds until a token is back.
 *
 * <p>Memory stays bounded: a bucket that has refilled completely is the same as no bucket, so once
 * there are more than {@link #SWEEP_ABOVE} buckets the full ones are dropped (at most once a
 * second). What is left is the set of clients active within the last {@code burst / perSecond}
 * seconds.
 */
final class RateLimiter {

  /** Bucket count above which full buckets are removed; about 100 bytes each. */
  static final int SWEEP_ABOVE = 50_000;

  private static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final double NANOS_PER_SECOND = 1e9;

  private final double tokensPerNano;
  private final int burst;
  private final boolean enabled;
  private final LongSupplier nanoTime;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final AtomicLong lastSweep;

  /** One client's bucket; guarded by its own monitor. */
  private final class Bucket {
    private double tokens;
    private long updatedAt;

    Bucket(long now) {
      tokens = burst;
      updatedAt = now;
    }

    synchronized double take(long now) {
      refill(now);
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return (1 - tokens) / tokensPerNano;
    }

    synchronized boolean fullAt(long now) {
      refill(now);
      return tokens >= burst;
    }

    private void refill(long now) {
      long elapsed = Math.max(0, now - updatedAt);
      tokens = Math.min(burst, tokens + elapsed * tokensPerNano);
      updatedAt = now;
    }
  }

  RateLimiter(RateLimit limit, LongSupplier nanoTime) {
    this.enabled = limit.enabled();
    this.tokensPerNano = limit.perSecond() / NANOS_PER_SECOND;
    this.burst = limit.burst();
    this.nanoTime = nanoTime;
    this.lastSweep = new AtomicLong(nanoTime.getAsLong());
  }

  RateLimiter(RateLimit limit) {
    this(limit, System::nanoTime);
  }

  /**
   * Takes a token for this client.
   *
   * @param clientKey the client's rate-limit key ({@link ClientAddress#of})
   * @return 0 if the call may go on, else the whole seconds (at least 1) until it could
   */
  long acquire(String clientKey) {
    if (!enabled) {
      return 0;
    }
    long now = nanoTime.getAsLong();
    sweepIfLarge(now);
    double waitNanos = buckets.computeIfAbsent(clientKey, k -> new Bucket(now)).take(now);
    if (waitNanos <= 0) {
      return 0;
    }
    return Math.max(1, (long) Math.ceil(waitNanos / NANOS_PER_SECOND));
  }

  /** How many buckets are held now (for tests). */
  int size() {
    return buckets.size();
  }

  private void sweepIfLarge(long now) {
    long last = lastSweep.get();
    if (buckets.size() > SWEEP_ABOVE
        && now - last >= SWEEP_EVERY_NANOS
        && lastSweep.compareAndSet(last, now)) {
      buckets.values().removeIf(bucket -> bucket.fullAt(now));
    }
  }
}
