package dev.tributary.job.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.testing.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chaos run, one short seed ({@link ChaosRun}; {@code deploy/bench/chaos.sh} runs twenty longer
 * ones): a month of every provider, duplicated and shuffled, played through the job on a standalone
 * cluster of separate processes whose TaskManager is killed with SIGKILL five times while the job
 * runs, must end as the same month played in order without faults (a MiniCluster run into its own
 * PostgreSQL): every payment netting under every model, the providers' totals per currency, and the
 * same links and credits for every payment linked by metadata, customer or email. System properties
 * {@code chaos.seed} and {@code chaos.visitors} choose another month.
 *
 * <p>The chaos job reads the month at a fixed pace (about 60 s for its fuller partition, {@link
 * ThrottledSource}), so that all five kills strike while it runs however fast or loaded the machine
 * is; the test takes about 3 minutes.
 */
class ChaosRunIT {
  private static final long SEED = Long.getLong("chaos.seed", 20261208L);
  private static final int VISITORS = Integer.getInteger("chaos.visitors", 900);

  @Test
  void aMonthPlayedThroughFiveKilledTaskManagersEndsAsTheMonthPlayedInOrder() throws Exception {
    long t0 = System.nanoTime();
    ChaosRun.Options o =
        new ChaosRun.Options(
            List.of(SEED),
            VISITORS,
            5,
            Duration.ofMillis(500),
            60,
            Path.of("target", "chaos-it").toAbsolutePath(),
            false);
    ChaosRun.SeedReport r;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(Map.of())) {
      r = ChaosRun.runSeed(SEED, o, kafka);
    }
    ChaosRun.print(r);
    System.out.printf("[chaos] the test took %.1f s%n", (System.nanoTime() - t0) / 1e9);

    // the month is what the issue asks for
    assertThat(r.providers().keySet())
        .containsExactlyInAnyOrder(
            "stripe", "lemonsqueezy", "paddle", "razorpay", "dodo", "polar", "gumroad", "api");
    assertThat(r.evidence().keySet()).containsExactlyInAnyOrder(ChaosMonth.Evidence.values());
    assertThat(r.refundedPayments()).isPositive();
    assertThat(r.deliveredWebhooks()).isGreaterThan(r.webhooks());
    assertThat(r.deliveredTracking()).isGreaterThan(r.tracking());
    assertThat(r.orderedMethods()).containsKeys("metadata", "customer", "email", "timestamp");

    // five SIGKILLs of a TaskManager process while the job ran, each followed by a restore
    assertThat(r.kills()).hasSizeGreaterThanOrEqualTo(5);
    assertThat(r.kills())
        .allSatisfy(
            k -> {
              assertThat(k.exitCode()).as("exit code of %s", k.taskManager()).isEqualTo(137);
              assertThat(k.progress()).as("progress at kill %d", k.number()).isLessThan(1);
            });
    assertThat(r.kills().stream().map(ChaosRun.Kill::pid).distinct()).hasSameSizeAs(r.kills());
    assertThat(r.restarts()).isGreaterThanOrEqualTo(r.kills().size());
    assertThat(r.finalState()).isEqualTo("FINISHED");

    // and the warehouse ends as the ordered run's
    assertThat(r.differences()).isEmpty();
  }
}
