package dev.tributary.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.job.config.JobOptions;
import dev.tributary.job.config.JobSettings;
import dev.tributary.job.ops.FlinkRest;
import dev.tributary.job.testing.EmbeddedKafka;
import dev.tributary.job.testing.EmbeddedKafka.Record;
import dev.tributary.job.testing.EmbeddedWarehouse;
import dev.tributary.job.testing.HostileRecords;
import dev.tributary.job.testing.HostileRecords.Expect;
import dev.tributary.job.testing.HostileRecords.Hostile;
import dev.tributary.job.testing.LocalJob;
import dev.tributary.job.testing.Scenario;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No record can stop the job. A known good month (site {@code shop}) is played twice on a cluster
 * with a restart strategy: alone, and mixed with thousands of hostile records that the gateway
 * would forward ({@link HostileRecords}). Then:
 *
 * <ul>
 *   <li>the job never failed, so never restarted (read from Flink's REST API);
 *   <li>every hostile record is booked exactly or in the dead letters with a reason, as its
 *       generator expects;
 *   <li>the good site's warehouse equals its clean run, row for row.
 * </ul>
 *
 * <p>The seeds and the number of records come from the system properties {@code hostile.seeds}
 * (comma-separated, default one seed) and {@code hostile.records} (default 5,000); {@code
 * deploy/bench/hostile.sh} runs more of both.
 */
class HostileInputIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Scenario GOOD = Scenario.of(24);
  private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");
  private static final List<Long> SEEDS =
      java.util.Arrays.stream(System.getProperty("hostile.seeds", "20261206").split(","))
          .map(String::trim)
          .map(Long::parseLong)
          .toList();
  private static final int RECORDS = Integer.getInteger("hostile.records", 5_000);

  private static EmbeddedKafka kafka;
  private static MiniCluster cluster;
  private static final Map<String, Run> RUNS = new LinkedHashMap<>();

  /** One run: its warehouse, how often the job failed, and its dead letters. */
  private record Run(
      EmbeddedWarehouse warehouse, int failures, List<JsonNode> deadLetters, List<Hostile> input) {}

  @BeforeAll
  static void playCleanAndHostile() throws Exception {
    Map<String, Integer> topics = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(List.of("clean"));
    SEEDS.forEach(s -> names.add("hostile" + s));
    for (String run : names) {
      topics.put(run + ".webhooks", 2);
      topics.put(run + ".tracking", 2);
      topics.put(run + ".deadletter", 1);
    }
    kafka = EmbeddedKafka.start(topics);
    Configuration clusterConf = new Configuration();
    clusterConf.set(RestOptions.PORT, 0);
    clusterConf.set(TaskManagerOptions.NUM_TASK_SLOTS, 4);
    cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(clusterConf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(4)
                .build());
    cluster.start();

    run("clean", List.of());
    for (long seed : SEEDS) {
      run(
          "hostile" + seed,
          HostileRecords.generate(seed, RECORDS, T0, Scenario.SITE, goodEuroPayments()));
    }
  }

  /** The Payment API ids of the good month's euro payments (see {@link Scenario}). */
  private static List<String> goodEuroPayments() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      if (i % 8 != 7 && (i % 6 == 2 || i % 6 == 5)) {
        ids.add("ord_" + i);
      }
    }
    return ids;
  }

  private static void run(String name, List<Hostile> hostile) throws Exception {
    List<Record> webhooks = new ArrayList<>(GOOD.webhooks());
    List<Record> tracking = new ArrayList<>(GOOD.tracking());
    for (Hostile h : hostile) {
      (h.topic().equals("webhooks") ? webhooks : tracking).add(h.record());
    }
    kafka.send(name + ".tracking", Scenario.ordered(tracking));
    kafka.send(name + ".webhooks", Scenario.ordered(webhooks));
    EmbeddedWarehouse warehouse = EmbeddedWarehouse.start();

    Configuration conf = LocalJob.configuration(kafka, warehouse);
    conf.set(DeploymentOptions.TARGET, "remote");
    conf.set(RestOptions.ADDRESS, cluster.getRestAddress().get().getHost());
    conf.set(RestOptions.PORT, cluster.getRestAddress().get().getPort());
    // a failing record would restart the job, not fail it: the restart count is what is measured
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
    conf.set(JobOptions.KAFKA_GROUP_ID, "tributary-" + name);
    conf.set(JobOptions.TOPIC_WEBHOOKS, name + ".webhooks");
    conf.set(JobOptions.TOPIC_TRACKING, name + ".tracking");
    conf.set(JobOptions.TOPIC_DEADLETTER, name + ".deadletter");
    conf.set(JobOptions.TIMESTAMP_DISABLED_SITES, List.of(Scenario.SITE, HostileRecords.SITE));
    conf.set(JobOptions.OUT_OF_ORDERNESS, Duration.ofSeconds(1));
    conf.set(JobOptions.IDLENESS, Duration.ofHours(1));
    conf.set(
        org.apache.flink.configuration.PipelineOptions.AUTO_WATERMARK_INTERVAL,
        Duration.ofMillis(1));
    JobSettings settings = JobOptions.settings(conf);
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
    Pipeline.build(
        env,
        settings,
        AttributionJob.kafkaSources(settings, true),
        AttributionJob.productionSinks(settings));
    long start = System.nanoTime();
    JobClient job = env.executeAsync(name);
    job.getJobExecutionResult().get();
    int failures =
        new FlinkRest(URI.create(cluster.getRestAddress().get().toString()))
            .failures(job.getJobID().toString());
    List<JsonNode> letters = new ArrayList<>();
    for (var r : kafka.readToEnd(name + ".deadletter")) {
      letters.add(JSON.readTree(r.value()));
    }
    Map<String, Integer> byStage = new TreeMap<>();
    letters.forEach(d -> byStage.merge(d.path("stage").asText(), 1, Integer::sum));
    System.out.println("[hostile] " + name + " dead letters by stage: " + byStage);
    System.out.printf(
        "[hostile] %s: %d hostile + %d good records in %d ms, %d failure(s), %d dead letter(s)%n",
        name,
        hostile.size(),
        webhooks.size() + tracking.size() - hostile.size(),
        (System.nanoTime() - start) / 1_000_000,
        failures,
        letters.size());
    RUNS.put(name, new Run(warehouse, failures, letters, hostile));
  }

  @AfterAll
  static void stop() throws Exception {
    for (Run r : RUNS.values()) {
      r.warehouse().close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static List<Map.Entry<String, Run>> hostileRuns() {
    return RUNS.entrySet().stream().filter(e -> e.getKey().startsWith("hostile")).toList();
  }

  @Test
  void theJobNeverRestarts() {
    assertThat(RUNS).hasSize(1 + SEEDS.size());
    RUNS.forEach((name, run) -> assertThat(run.failures()).as(name + " failures").isZero());
  }

  @Test
  void everyHostileRecordIsBookedOrADeadLetterWithAReasonAsExpected() {
    for (var e : hostileRuns()) {
      Run run = e.getValue();
      assertThat(run.input()).hasSizeGreaterThanOrEqualTo(RECORDS);
      // every generator marker (evt_h12, dlv_h7, pv_h3, …) named anywhere in a dead letter
      java.util.Set<String> deadMarkers = new java.util.HashSet<>();
      Pattern markers = Pattern.compile("[a-z]+_h[0-9]+");
      for (JsonNode d : run.deadLetters()) {
        assertThat(d.path("reason").asText()).as("reason of %s", d).isNotBlank();
        assertThat(d.path("stage").asText()).as("stage of %s", d).isNotBlank();
        var m = markers.matcher(d.path("record").asText());
        while (m.find()) {
          deadMarkers.add(m.group());
        }
      }
      Map<String, int[]> byKind = new TreeMap<>();
      List<String> wrong = new ArrayList<>();
      for (Hostile h : run.input()) {
        boolean dead = deadMarkers.contains(h.marker());
        byKind.computeIfAbsent(h.kind(), k -> new int[2])[dead ? 1 : 0]++;
        if (h.expect() == Expect.DEAD && !dead) {
          wrong.add(h.kind() + " " + h.marker() + " was not dead-lettered");
        } else if (h.expect() == Expect.BOOK && dead) {
          wrong.add(h.kind() + " " + h.marker() + " was dead-lettered");
        }
      }
      System.out.printf("[hostile] %s booked/dead-lettered by kind:%n", e.getKey());
      byKind.forEach((k, v) -> System.out.printf("  %-45s %5d %5d%n", k, v[0], v[1]));
      assertThat(wrong).as(e.getKey()).isEmpty();
    }
  }

  @Test
  void whatIsBookedOfTheHostileSiteNetsExactlyUnderEveryModel() throws Exception {
    for (var e : hostileRuns()) {
      EmbeddedWarehouse w = e.getValue().warehouse();
      assertThat(w.query("SELECT 1 FROM payments WHERE site_id = 'evil'"))
          .as("something of the hostile site was booked")
          .isNotEmpty();
      assertThat(
              w.query(
                  "SELECT p.payment_key, l.model, p.amount_minor - p.refunded_minor AS expected,"
                      + " sum(l.amount_minor) AS booked FROM payments p JOIN revenue_ledger l"
                      + " ON l.site_id = p.site_id AND l.provider = p.provider"
                      + " AND l.payment_key = p.payment_key WHERE p.site_id = 'evil'"
                      + " GROUP BY 1, 2, 3 HAVING sum(l.amount_minor) <> p.amount_minor -"
                      + " p.refunded_minor"))
          .as(e.getKey())
          .isEmpty();
      assertThat(
              w.query(
                  "SELECT p.payment_key FROM payments p LEFT JOIN revenue_ledger l"
                      + " ON l.site_id = p.site_id AND l.provider = p.provider"
                      + " AND l.payment_key = p.payment_key WHERE p.site_id = 'evil'"
                      + " GROUP BY 1 HAVING count(DISTINCT l.model) <> 6"))
          .as(e.getKey() + ": every payment is in the ledger under all six models")
          .isEmpty();
    }
  }

  @Test
  void theGoodSitesWarehouseEqualsItsCleanRun() throws Exception {
    Map<String, List<String>> clean = contents(RUNS.get("clean").warehouse());
    assertThat(clean.get("payments")).hasSize(GOOD.payments());
    for (var e : hostileRuns()) {
      Map<String, List<String>> mixed = contents(e.getValue().warehouse());
      for (String table : clean.keySet()) {
        assertThat(mixed.get(table))
            .as(e.getKey() + " " + table)
            .containsExactlyElementsOf(clean.get(table));
      }
    }
  }

  private static Map<String, List<String>> contents(EmbeddedWarehouse w) throws Exception {
    Map<String, List<String>> tables = new LinkedHashMap<>();
    tables.put(
        "payments",
        rows(
            w,
            "SELECT provider, payment_key, amount_minor, refunded_minor, currency, occurred_at,"
                + " visitor_id, session_id, customer_id, email_hash, method, confidence, renewal,"
                + " conflicts FROM payments WHERE site_id = 'shop' ORDER BY 1, 2"));
    tables.put(
        "ledger",
        rows(
            w,
            "SELECT payment_key, model, session_id, channel, sum(amount_minor) FROM revenue_ledger"
                + " WHERE site_id = 'shop' GROUP BY 1, 2, 3, 4 HAVING sum(amount_minor) <> 0"
                + " ORDER BY 1, 2, 3, 4"));
    tables.put(
        "sessions",
        rows(
            w,
            "SELECT session_id, visitor_id, started_at, pageviews, channel, campaign FROM sessions"
                + " WHERE site_id = 'shop' ORDER BY 1"));
    tables.put(
        "refunds",
        rows(
            w,
            "SELECT payment_key, refund_key, kind, amount_minor, currency FROM refunds"
                + " WHERE site_id = 'shop' ORDER BY 1, 2"));
    return tables;
  }

  private static List<String> rows(EmbeddedWarehouse w, String sql) throws Exception {
    return w.query(sql).stream().map(r -> r.values().toString()).toList();
  }
}
