package dev.tributary.gateway.ingest;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What every asynchronous body read shares: how long a body may take and how slowly it may arrive,
 * the timer that ends it, where its failure is answered, and one budget of body bytes held in
 * memory across all reads.
 *
 * <p>The budget matters because reads no longer wait on a thread: before, at most one body per
 * server thread was in memory; now a slow client costs no thread, so without a budget many clients
 * could each leave a large body unfinished. A read that would go over it is refused {@code 503}.
 *
 * @param timeoutMillis the whole body must have arrived this long after the read began
 * @param minBytesPerSecond after {@link #GRACE_NANOS}, the bytes received must keep up with this
 *     rate on average since the read began; 0 = no rate check
 * @param timers ends a read at its deadline
 * @param completions answers a read ended by its deadline (the HTTP server's pool, not the timer)
 * @param budget bytes of unfinished bodies held now, across all reads
 * @param budgetBytes the most {@code budget} may reach
 * @param nanoTime the clock the rate is measured with ({@code System::nanoTime})
 */
record BodyReading(
    long timeoutMillis,
    int minBytesPerSecond,
    ScheduledExecutorService timers,
    Executor completions,
    AtomicLong budget,
    long budgetBytes,
    LongSupplier nanoTime) {

  /**
   * The rate is not checked in a body's first second: a body of a few hundred bytes in two TCP
   * segments, one of them retransmitted, would otherwise fail it.
   */
  static final long GRACE_NANOS = 1_000_000_000L;

  /** The default budget: a quarter of the heap. */
  static long defaultBudgetBytes() {
    return Runtime.getRuntime().maxMemory() / 4;
  }
}
