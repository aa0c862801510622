package dev.tributary.job.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.testing.EmbeddedKafka;
import dev.tributary.job.testing.EmbeddedWarehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The current code restores a savepoint that an earlier version of the job wrote: the state
 * layouts, the class names of stored records and the operator uids of that version still fit. The
 * savepoints live in {@code src/test/resources/savepoints/<version>/}, each taken by {@link
 * SavepointRedeployIT}'s version 1 on that version's code ({@code
 * -Dtributary.test.keep-savepoint=<dir>}), after the same first phase: sessions of v1, v2 (who
 * identified as ada@example.com), v3 and v9; customer cus_1 paid as v1; pi_settling of v3 still
 * settling.
 *
 * <p>Here the first phase's records are written to a fresh broker (so the offsets in the savepoint
 * point at the same records), the job starts from the old savepoint at another parallelism, and the
 * second phase's payments must be attributed with what the old version learned. The warehouse is
 * fresh too: it holds what the restored job writes.
 */
class PreviousVersionSavepointIT {
  /** The savepoint of the code before the #16 restructuring (commit 93e0068). */
  static final String SAVEPOINT = "/savepoints/v1-93e0068";

  private static EmbeddedKafka kafka;
  private static EmbeddedWarehouse warehouse;
  private static MiniCluster cluster;

  @BeforeAll
  static void restore() throws Exception {
    kafka =
        EmbeddedKafka.start(
            Map.of("tributary.webhooks", 3, "tributary.tracking", 3, "tributary.deadletter", 1));
    warehouse = EmbeddedWarehouse.start();
    cluster = SavepointRedeployIT.startCluster();
    kafka.send(
        "tributary.tracking", SavepointRedeployIT.ticks(SavepointRedeployIT.phaseOneTracking()));
    kafka.send(
        "tributary.webhooks", SavepointRedeployIT.ticks(SavepointRedeployIT.phaseOneWebhooks()));

    JobClient job =
        SavepointRedeployIT.submit(
            cluster, kafka, warehouse, 3, false, copyOf(SAVEPOINT).toUri().toString());
    SavepointRedeployIT.awaitRunning(cluster, job.getJobID());
    kafka.send(
        "tributary.webhooks", SavepointRedeployIT.ticks(SavepointRedeployIT.phaseTwoWebhooks()));
    kafka.send(
        "tributary.tracking", SavepointRedeployIT.ticks(SavepointRedeployIT.phaseTwoTracking()));
    SavepointRedeployIT.awaitRows(warehouse, "SELECT count(*) AS n FROM payments", 4);
    SavepointRedeployIT.awaitRows(warehouse, SavepointRedeployIT.SETTLED_PAYMENT_MODELS, 4 * 6);
    job.cancel().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (warehouse != null) {
      warehouse.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  /** The savepoint copied out of the test resources: a restore must not write next to them. */
  private static Path copyOf(String resource) throws IOException, URISyntaxException {
    Path from = Path.of(PreviousVersionSavepointIT.class.getResource(resource).toURI());
    Path to = Files.createTempDirectory("old-savepoint").resolve(from.getFileName().toString());
    try (Stream<Path> files = Files.walk(from)) {
      files.forEach(
          f -> {
            try {
              Files.copy(f, to.resolve(from.relativize(f).toString()));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
    return to;
  }

  @Test
  void theOldVersionsStateAttributesTheNewPayments() throws Exception {
    assertThat(
            warehouse.query(
                "SELECT payment_key, visitor_id, method, confidence FROM payments"
                    + " ORDER BY payment_key"))
        .extracting(
            r ->
                r.get("payment_key")
                    + "|"
                    + r.get("visitor_id")
                    + "|"
                    + r.get("method")
                    + "|"
                    + r.get("confidence"))
        .containsExactly(
            "pi_b|v1|metadata|high", // credited to v1's session from the old version
            "pi_c|v2|email|medium", // the identify call the old version learned
            "pi_renew|v1|customer|high", // the customer the old version learned
            "pi_settling|v3|metadata|high"); // settling in the old version's state
    assertThat(
            warehouse.query(
                "SELECT payment_key, channel FROM revenue_ledger WHERE model = 'last_touch'"
                    + " ORDER BY payment_key"))
        .extracting(r -> r.get("payment_key") + "|" + r.get("channel"))
        .containsExactly(
            "pi_b|Paid Search", "pi_c|Email", "pi_renew|Paid Search", "pi_settling|Paid Social");
  }

  @Test
  void theWarehouseIsExact() throws Exception {
    assertThat(
            warehouse.query(
                "SELECT p.payment_key, l.model FROM payments p JOIN revenue_ledger l"
                    + " USING (site_id, provider, payment_key)"
                    + " GROUP BY p.payment_key, l.model, p.net_minor"
                    + " HAVING sum(l.amount_minor) <> p.net_minor OR count(*) <> 1"))
        .isEmpty();
    assertThat(warehouse.query("SELECT sum(amount_minor) AS s FROM revenue_ledger"))
        .extracting(r -> r.get("s").toString())
        .containsExactly(Long.toString(6L * (2500 + 1200 + 5000 + 700)));
  }
}
