package dev.tributary.gateway.ingest;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A budget of requests that may wait for their Kafka ack at once, one per lane. Taking a place
 * never waits: a request that finds none is refused at once, which is what keeps a flood or a
 * broker brownout from piling up requests (and their bodies) without bound.
 */
final class InFlight {

  private final String lane;
  private final int max;
  private final AtomicInteger used = new AtomicInteger();

  InFlight(String lane, int max) {
    this.lane = lane;
    this.max = max;
  }

  /** Takes a place if one is free; the caller must {@link #release} it exactly once. */
  boolean tryAcquire() {
    while (true) {
      int now = used.get();
      if (now >= max) {
        return false;
      }
      if (used.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  void release() {
    used.decrementAndGet();
  }

  /** Whether every place is taken now (a hint: checked again when a place is taken). */
  boolean full() {
    return used.get() >= max;
  }

  int used() {
    return used.get();
  }

  String lane() {
    return lane;
  }
}
