package dev.tributary.gateway.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Answers "can the gateway reach Kafka right now?" for the readiness probe, so that a load balancer
 * stops sending webhooks to an instance that could only answer 503.
 *
 * <p>The probe never waits for Kafka. One background thread asks the cluster (a describe-cluster
 * call bounded by {@link #CHECK_TIMEOUT}) and, {@link #REFRESH_DELAY} after each answer, asks
 * again; {@link #status()} only reads the latest answer. So however often and however many probes
 * ask, at most one check is in flight and no request thread blocks on it.
 *
 * <p>Staleness: a ready answer comes from a check that finished at most {@link #REFRESH_DELAY} plus
 * one check (2 s + at most 2.5 s, so 4.5 s) ago. If no check has finished for {@link #MAX_AGE} —
 * the checker is stuck or starved — the answer is not ready, whatever the last result was.
 */
public final class KafkaReadiness implements AutoCloseable {

  /** How long one describe-cluster call may take; the wait for it gives up 0.5 s later. */
  public static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

  /** The pause between the end of one check and the start of the next. */
  public static final Duration REFRESH_DELAY = Duration.ofSeconds(2);

  /** A result older than this is not believed. */
  public static final Duration MAX_AGE = Duration.ofSeconds(10);

  /** Why the gateway is or is not ready. */
  public enum State {
    /** A broker answered the latest check. */
    READY,
    /** The latest check got no broker. */
    UNREACHABLE,
    /** No check has finished yet, or none within {@link #MAX_AGE}. */
    UNKNOWN
  }

  /**
   * An answer for the probe.
   *
   * @param ageMillis how long ago the check it rests on finished; -1 if there is none
   */
  public record Status(State state, long ageMillis) {
    public boolean ready() {
      return state == State.READY;
    }
  }

  private record Result(boolean ready, long finishedAtNanos) {}

  private final BooleanSupplier check;
  private final LongSupplier nanoTime;
  private final long maxAgeNanos;
  private final ScheduledExecutorService checker;
  private final AutoCloseable resources;
  private volatile Result latest;

  /**
   * Checks Kafka at {@code bootstrapServers} from now on, in the background, until {@link
   * #close()}.
   */
  public static KafkaReadiness start(String bootstrapServers) {
    int timeoutMs = (int) CHECK_TIMEOUT.toMillis();
    Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "tributary-gateway-readiness",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs));
    return new KafkaReadiness(
        () -> brokerAnswers(admin), System::nanoTime, REFRESH_DELAY, MAX_AGE, admin);
  }

  /**
   * Runs {@code check} now and then {@code refreshDelay} after each run, on a thread of its own.
   * {@code resources} are closed with this.
   */
  KafkaReadiness(
      BooleanSupplier check,
      LongSupplier nanoTime,
      Duration refreshDelay,
      Duration maxAge,
      AutoCloseable resources) {
    this.check = check;
    this.nanoTime = nanoTime;
    this.maxAgeNanos = maxAge.toNanos();
    this.resources = resources;
    this.checker =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "tributary-readiness");
              thread.setDaemon(true);
              return thread;
            });
    checker.scheduleWithFixedDelay(this::refresh, 0, refreshDelay.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The latest answer; never blocks. */
  public Status status() {
    Result result = latest;
    if (result == null) {
      return new Status(State.UNKNOWN, -1);
    }
    long ageNanos = Math.max(0, nanoTime.getAsLong() - result.finishedAtNanos());
    long ageMillis = TimeUnit.NANOSECONDS.toMillis(ageNanos);
    if (ageNanos > maxAgeNanos) {
      return new Status(State.UNKNOWN, ageMillis);
    }
    return new Status(result.ready() ? State.READY : State.UNREACHABLE, ageMillis);
  }

  /** Whether the latest answer is "ready"; never blocks. */
  public boolean isReady() {
    return status().ready();
  }

  private void refresh() {
    boolean ready;
    try {
      ready = check.getAsBoolean();
    } catch (RuntimeException e) {
      // A task that throws is never scheduled again: a failed check is "not ready", not the end.
      // (After an Error the checker stops, and MAX_AGE turns the answer into "not ready".)
      ready = false;
    }
    latest = new Result(ready, nanoTime.getAsLong());
  }

  private static boolean brokerAnswers(Admin admin) {
    try {
      return !admin
          .describeCluster(new DescribeClusterOptions().timeoutMs((int) CHECK_TIMEOUT.toMillis()))
          .nodes()
          .get(CHECK_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS)
          .isEmpty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  @Override
  public void close() {
    checker.shutdownNow();
    try {
      checker.awaitTermination(CHECK_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (resources instanceof Admin admin) {
        admin.close(Duration.ofSeconds(2));
      } else if (resources != null) {
        resources.close();
      }
    } catch (Exception e) {
      // Closing is best effort; nothing depends on it.
    }
  }
}
