package dev.tributary.gateway.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Answers "can the gateway reach Kafka right now?" for the readiness probe, so that a load balancer
 * stops sending webhooks to an instance that could only answer 503.
 *
 * <p>The answer is cached for a couple of seconds: probes from several balancers must not turn into
 * a stream of metadata requests, and at most one check runs at a time.
 */
public final class KafkaReadiness implements AutoCloseable {

  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration CACHE_FOR = Duration.ofSeconds(2);

  private final Admin admin;
  private final Clock clock;
  private Instant checkedAt = Instant.MIN;
  private boolean ready;

  public KafkaReadiness(String bootstrapServers, Clock clock) {
    int timeoutMs = (int) CHECK_TIMEOUT.toMillis();
    this.admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "tributary-gateway-readiness",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs));
    this.clock = clock;
  }

  /** Whether a broker answered a describe-cluster call within the last couple of seconds. */
  public synchronized boolean isReady() {
    Instant now = clock.instant();
    if (now.isBefore(checkedAt.plus(CACHE_FOR))) {
      return ready;
    }
    ready = check();
    checkedAt = clock.instant();
    return ready;
  }

  private boolean check() {
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
    admin.close(Duration.ofSeconds(2));
  }
}
