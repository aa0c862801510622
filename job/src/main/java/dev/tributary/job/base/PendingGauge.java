package dev.tributary.job.base;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * How many payments an operator instance holds back, waiting for the watermark or a settle window,
 * and how long the oldest has waited: the gauges {@code pendingPayments} and {@code
 * oldestPendingMillis} (wall-clock milliseconds). A payment that waits for a clock beyond belief is
 * clamped at the door ({@code tributary.time.max-future-skew}); these show anything that still
 * waits too long, for example a watermark held back by a quiet source.
 *
 * <p>Kept in memory by the instance, not in state: after a restore, the payments restored still
 * waiting are counted from the moment they are next touched, so right after a restore the gauges
 * can read low until the restored timers fire.
 */
public final class PendingGauge {
  private final Map<String, Long> since = new HashMap<>();

  /** Registers the two gauges on {@code group}. */
  public PendingGauge(MetricGroup group) {
    group.gauge("pendingPayments", (Gauge<Integer>) since::size);
    group.gauge("oldestPendingMillis", (Gauge<Long>) this::oldestMillis);
  }

  /** {@code id} (unique within the instance) starts waiting at wall-clock {@code nowMillis}. */
  public void started(String id, long nowMillis) {
    since.putIfAbsent(id, nowMillis);
  }

  public void ended(String id) {
    since.remove(id);
  }

  long oldestMillis() {
    long oldest = Long.MAX_VALUE;
    for (long s : since.values()) {
      oldest = Math.min(oldest, s);
    }
    return oldest == Long.MAX_VALUE ? 0 : System.currentTimeMillis() - oldest;
  }
}
