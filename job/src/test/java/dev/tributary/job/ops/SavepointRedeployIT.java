package dev.tributary.job.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.AttributionJob;
import dev.tributary.job.Pipeline;
import dev.tributary.job.config.JobOptions;
import dev.tributary.job.config.JobSettings;
import dev.tributary.job.ingest.RawRecord;
import dev.tributary.job.ingest.RawRecordDeserializer;
import dev.tributary.job.testing.EmbeddedKafka;
import dev.tributary.job.testing.EmbeddedKafka.Record;
import dev.tributary.job.testing.EmbeddedWarehouse;
import dev.tributary.job.testing.Envelopes;
import dev.tributary.job.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A redeploy through a savepoint, as `flink stop --savepointPath` then `flink run -s` does it,
 * against a running cluster (a MiniCluster reached through its REST API): version 1 of the job runs
 * at parallelism 2 and learns sessions, an identify call and a customer, with one payment still
 * settling; it is stopped with a savepoint; version 2 — parallelism 3 and a new stateful operator —
 * starts from that savepoint. Payments made after the redeploy must be attributed with what version
 * 1 learned, the settling payment must come out, and the warehouse must be exact.
 */
class SavepointRedeployIT {
  private static final String SITE = "acme";
  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
  private static EmbeddedKafka kafka;
  private static EmbeddedWarehouse warehouse;
  private static MiniCluster cluster;
  private static Path savepoint;
  private static long savepointBytes;
  private static long downtimeMillis;
  private static long settlingAtStop = -1;
  private static List<InspectSavepoint.Operator> inspected;

  @BeforeAll
  static void redeploy() throws Exception {
    kafka =
        EmbeddedKafka.start(
            Map.of("tributary.webhooks", 3, "tributary.tracking", 3, "tributary.deadletter", 1));
    warehouse = EmbeddedWarehouse.start();
    cluster = startCluster();

    // version 1 learns
    kafka.send("tributary.tracking", ticks(phaseOneTracking()));
    kafka.send("tributary.webhooks", ticks(phaseOneWebhooks()));
    JobClient v1 = submit(2, false, null);
    awaitRows("SELECT count(*) AS n FROM payments WHERE payment_key = 'pi_a'", 1);
    awaitRows("SELECT count(*) AS n FROM sessions", 4);

    settlingAtStop =
        (Long)
            warehouse
                .query("SELECT count(*) AS n FROM payments WHERE payment_key = 'pi_settling'")
                .get(0)
                .get("n");
    long stopAt = System.nanoTime();
    String path =
        v1.stopWithSavepoint(false, null, SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
    savepoint = Path.of(java.net.URI.create(path));
    keepSavepoint(savepoint);
    try (var files = Files.walk(savepoint)) {
      savepointBytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }

    // version 2 resumes from the savepoint: other parallelism, one more operator
    JobClient v2 = submit(3, true, path);
    awaitRunning(v2.getJobID());
    downtimeMillis = (System.nanoTime() - stopAt) / 1_000_000;
    kafka.send("tributary.webhooks", ticks(phaseTwoWebhooks()));
    kafka.send("tributary.tracking", ticks(phaseTwoTracking()));
    awaitRows("SELECT count(*) AS n FROM payments", 5);
    // the ledger of the last payment is complete once all six models are in
    // complete (payment, model) pairs: the two sinks flush on their own, so a count of ledger rows
    // alone can see a payment whose row or whose other touches are still in flight
    awaitRows(SETTLED_PAYMENT_MODELS, 5 * 6);
    v2.cancel().get(30, TimeUnit.SECONDS);
    // the savepoint is read only: inspecting it after version 2 ran shows what version 1 left
    inspected = InspectSavepoint.inspect(path);
    InspectSavepoint.main(new String[] {path});
  }

  /** A MiniCluster with RocksDB, four slots and a REST port, as a small real cluster. */
  static MiniCluster startCluster() throws Exception {
    Configuration clusterConf = new Configuration();
    clusterConf.set(RestOptions.PORT, 0);
    clusterConf.set(TaskManagerOptions.NUM_TASK_SLOTS, 4);
    clusterConf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    clusterConf.set(
        CheckpointingOptions.SAVEPOINT_DIRECTORY,
        Files.createTempDirectory("savepoints").toUri().toString());
    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(clusterConf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(4)
                .build());
    cluster.start();
    return cluster;
  }

  /**
   * With {@code -Dtributary.test.keep-savepoint=<dir>}, copies version 1's savepoint there: how
   * {@code src/test/resources/savepoints/} gets the savepoint of a released version, which {@link
   * PreviousVersionSavepointIT} restores with the current code.
   */
  private static void keepSavepoint(Path savepoint) throws IOException {
    String keep = System.getProperty("tributary.test.keep-savepoint");
    if (keep == null || keep.isBlank()) {
      return;
    }
    Path target = Path.of(keep);
    try (var files = Files.walk(savepoint)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path to = target.resolve(savepoint.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
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

  private static JobClient submit(int parallelism, boolean changedBuild, String restoreFrom)
      throws Exception {
    return submit(cluster, kafka, warehouse, parallelism, changedBuild, restoreFrom);
  }

  /** Submits the production job (version 2: with one more stateful operator) to {@code cluster}. */
  static JobClient submit(
      MiniCluster cluster,
      EmbeddedKafka kafka,
      EmbeddedWarehouse warehouse,
      int parallelism,
      boolean changedBuild,
      String restoreFrom)
      throws Exception {
    Configuration conf = AttributionJob.withProductionDefaults(new Configuration());
    conf.set(DeploymentOptions.TARGET, "remote");
    conf.set(RestOptions.ADDRESS, cluster.getRestAddress().get().getHost());
    conf.set(RestOptions.PORT, cluster.getRestAddress().get().getPort());
    conf.set(JobOptions.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    conf.set(JobOptions.JDBC_URL, warehouse.jdbcUrl());
    conf.set(JobOptions.JDBC_USER, "postgres");
    conf.set(JobOptions.JDBC_PASSWORD, "postgres");
    conf.set(JobOptions.PAYMENT_SETTLE, Duration.ofSeconds(1));
    conf.set(JobOptions.OUT_OF_ORDERNESS, Duration.ofSeconds(1));
    // pure event time: the watermark moves only with the records, so a payment can be caught
    // settling when the savepoint is taken
    conf.set(JobOptions.IDLENESS, Duration.ofDays(365));
    conf.set(JobOptions.JDBC_BATCH_INTERVAL, Duration.ofMillis(100));
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(1));
    if (restoreFrom != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
      conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
    }
    JobSettings settings = JobOptions.settings(conf);
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
    Pipeline.build(
        env,
        settings,
        AttributionJob.kafkaSources(settings, false),
        AttributionJob.productionSinks(settings));
    if (changedBuild) {
      addPageviewCounter(env, settings);
    }
    return env.executeAsync(changedBuild ? "tributary-v2" : "tributary-v1");
  }

  /** Version 2's new feature: a stateful count of tracking records per site. */
  private static void addPageviewCounter(StreamExecutionEnvironment env, JobSettings s) {
    KafkaSource<RawRecord> source =
        KafkaSource.<RawRecord>builder()
            .setBootstrapServers(s.kafkaBootstrapServers())
            .setTopics(s.trackingTopic())
            .setGroupId("tributary-v2-counter")
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setDeserializer(new RawRecordDeserializer())
            .build();
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "tracking for counts")
        .uid("source-tracking-counts")
        .keyBy(r -> r.key() == null ? "" : r.key().split(":", 2)[0])
        .process(new CountPerKey())
        .uid("count-tracking-per-site")
        .name("count tracking per site")
        .sinkTo(new DiscardingSink<>())
        .uid("sink-tracking-counts");
  }

  /** Keyed count; state cleared by nothing but a redeploy — test-only operator. */
  static final class CountPerKey extends KeyedProcessFunction<String, RawRecord, Long> {
    private transient ValueState<Long> count;

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
      count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
    }

    @Override
    public void processElement(RawRecord r, Context ctx, Collector<Long> out) throws Exception {
      long n = count.value() == null ? 1 : count.value() + 1;
      count.update(n);
      out.collect(n);
    }
  }

  private static void awaitRunning(JobID id) throws Exception {
    awaitRunning(cluster, id);
  }

  static void awaitRunning(MiniCluster cluster, JobID id) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      var details = cluster.getExecutionGraph(id).get();
      boolean allRunning =
          details.getState() == org.apache.flink.api.common.JobStatus.RUNNING
              && java.util.stream.StreamSupport.stream(
                      details.getAllExecutionVertices().spliterator(), false)
                  .allMatch(
                      v ->
                          v.getExecutionState()
                              == org.apache.flink.runtime.execution.ExecutionState.RUNNING);
      if (allRunning) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("job " + id + " did not reach RUNNING");
  }

  /** (payment, model) pairs whose ledger credits sum to the payment's net amount. */
  static final String SETTLED_PAYMENT_MODELS =
      "SELECT count(*) AS n FROM (SELECT 1 FROM payments p JOIN revenue_ledger l"
          + " USING (site_id, provider, payment_key) GROUP BY p.payment_key, l.model, p.net_minor"
          + " HAVING sum(l.amount_minor) = p.net_minor) settled";

  private static void awaitRows(String countSql, long atLeast) throws Exception {
    awaitRows(warehouse, countSql, atLeast);
  }

  static void awaitRows(EmbeddedWarehouse warehouse, String countSql, long atLeast)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    long n = 0;
    while (System.nanoTime() < deadline) {
      n = (Long) warehouse.query(countSql).get(0).get("n");
      if (n >= atLeast) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(countSql + " reached " + n + ", expected " + atLeast);
  }

  /**
   * {@code records} and then their last record again under ten other keys, so that every partition
   * carries the phase's latest time: with idleness off, a partition without records would hold the
   * watermark back (the record repeats harmlessly: same event id).
   */
  static List<Record> ticks(List<Record> records) {
    List<Record> out = new java.util.ArrayList<>(records);
    Record last = records.get(records.size() - 1);
    for (int i = 0; i < 10; i++) {
      out.add(new Record("tick-" + i, last.value(), last.timestampMillis()));
    }
    return out;
  }

  private static long at(Duration d) {
    return T0.plus(d).toEpochMilli();
  }

  private static Record view(String visitor, String session, String url, Duration d) {
    return new Record(
        SITE + ":" + visitor,
        Envelopes.pageview(
            SITE, visitor, session, url, null, Map.of(), Instant.ofEpochMilli(at(d))),
        at(d));
  }

  static List<Record> phaseOneTracking() {
    Instant identified = T0.plus(Duration.ofMinutes(6));
    return List.of(
        view(
            "v1",
            "s1",
            "https://acme.com/?gclid=g&utm_source=google&utm_medium=cpc",
            Duration.ZERO),
        view(
            "v2",
            "s2",
            "https://acme.com/?utm_source=news&utm_medium=email",
            Duration.ofMinutes(5)),
        new Record(
            SITE + ":v2",
            Envelopes.identify(SITE, "v2", "s2", "ada@example.com", identified, true),
            identified.toEpochMilli()),
        view(
            "v3",
            "s3",
            "https://acme.com/?utm_source=facebook&utm_medium=paid_social",
            Duration.ofMinutes(10)),
        // moves the tracking watermark well past the first payment
        view("v9", "s9", "https://acme.com/", Duration.ofHours(3)));
  }

  static List<Record> phaseOneWebhooks() {
    return List.of(
        stripe(
            "evt_a",
            "payment_intent.succeeded",
            at(Duration.ofMinutes(20)),
            """
            {"id":"pi_a","amount":5000,"amount_received":5000,"currency":"usd","customer":"cus_1",
             "metadata":{"tributary_visitor_id":"v1"}}"""),
        // the last webhook before the stop: still settling when the savepoint is taken
        stripe(
            "evt_settling",
            "payment_intent.succeeded",
            at(Duration.ofHours(2)),
            """
            {"id":"pi_settling","amount":700,"amount_received":700,"currency":"usd",
             "metadata":{"tributary_visitor_id":"v3"}}"""));
  }

  static List<Record> phaseTwoWebhooks() {
    return List.of(
        stripe(
            "evt_b",
            "payment_intent.succeeded",
            at(Duration.ofHours(4)),
            """
            {"id":"pi_b","amount":2500,"amount_received":2500,"currency":"usd",
             "metadata":{"tributary_visitor_id":"v1"}}"""),
        stripe(
            "evt_c",
            "payment_intent.succeeded",
            at(Duration.ofHours(4).plusMinutes(1)),
            """
            {"id":"pi_c","amount":1200,"amount_received":1200,"currency":"usd",
             "receipt_email":"ada@example.com","metadata":{}}"""),
        stripe(
            "evt_renew",
            "invoice.payment_succeeded",
            at(Duration.ofHours(4).plusMinutes(2)),
            """
            {"id":"in_renew","amount_paid":5000,"currency":"usd","payment_intent":"pi_renew",
             "customer":"cus_1","billing_reason":"subscription_cycle"}"""),
        stripe(
            "evt_tick",
            "plan.created",
            at(Duration.ofHours(6)),
            "{\"id\":\"plan_1\",\"object\":\"plan\"}"));
  }

  static List<Record> phaseTwoTracking() {
    return List.of(view("v9", "s9b", "https://acme.com/", Duration.ofHours(6)));
  }

  private static Record stripe(String id, String type, long at, String object) {
    return new Record(
        SITE,
        Envelopes.webhook(
            SITE,
            "stripe",
            id,
            Instant.ofEpochMilli(at),
            Fixtures.stripeEvent(id, type, at / 1000, object)),
        at);
  }

  @Test
  void paymentsAfterTheRedeployUseWhatTheFirstVersionLearned() throws Exception {
    var rows =
        warehouse.query(
            "SELECT payment_key, visitor_id, method, confidence FROM payments ORDER BY payment_key");
    assertThat(rows)
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
            "pi_a|v1|metadata|high",
            "pi_b|v1|metadata|high", // a new payment, credited to a session from version 1
            "pi_c|v2|email|medium", // the identify call version 1 learned
            "pi_renew|v1|customer|high", // the customer version 1 learned
            "pi_settling|v3|metadata|high"); // settling at the stop, booked by version 2
    assertThat(settlingAtStop).as("pi_settling was still in state at the stop").isZero();
    var channels =
        warehouse.query(
            "SELECT payment_key, channel FROM revenue_ledger WHERE model = 'last_touch'"
                + " ORDER BY payment_key");
    assertThat(channels)
        .extracting(r -> r.get("payment_key") + "|" + r.get("channel"))
        .containsExactly(
            "pi_a|Paid Search",
            "pi_b|Paid Search",
            "pi_c|Email",
            "pi_renew|Paid Search",
            "pi_settling|Paid Social");
  }

  @Test
  void theWarehouseIsExactAcrossTheRedeploy() throws Exception {
    assertThat(
            warehouse.query(
                "SELECT p.payment_key, l.model FROM payments p JOIN revenue_ledger l"
                    + " USING (site_id, provider, payment_key)"
                    + " GROUP BY p.payment_key, l.model, p.net_minor"
                    + " HAVING sum(l.amount_minor) <> p.net_minor OR count(*) <> 1"))
        .isEmpty();
    assertThat(warehouse.query("SELECT sum(amount_minor) AS s FROM revenue_ledger"))
        .extracting(r -> r.get("s").toString())
        .containsExactly(Long.toString(6L * (5000 + 2500 + 1200 + 5000 + 700)));
  }

  @Test
  void theSavepointAndTheDowntimeAreReported() {
    System.out.printf(
        "savepoint %s: %d bytes; stop-with-savepoint → version 2 running: %d ms%n",
        savepoint.getFileName(), savepointBytes, downtimeMillis);
    assertThat(savepointBytes).isPositive();
    assertThat(downtimeMillis).isPositive();
  }

  @Test
  void theInspectorShowsWhatVersionOneLearned() {
    Map<String, InspectSavepoint.Operator> byUid =
        inspected.stream()
            .collect(java.util.stream.Collectors.toMap(InspectSavepoint.Operator::uid, o -> o));
    // v1, v2, v3, v9 with one session each
    assertThat(byUid.get("sessionize").keys()).isEqualTo(4);
    assertThat(byUid.get("sessionize").entries()).isEqualTo(4);
    assertThat(byUid.get("attribute-linked-payments").keys()).isEqualTo(4);
    // ada's email hash, and cus_1
    assertThat(byUid.get("resolve-by-email").keys()).isEqualTo(1);
    assertThat(byUid.get("resolve-by-customer").keys()).isEqualTo(1);
    // pi_a booked; pi_settling not yet
    assertThat(byUid.get("ledger").keys()).isEqualTo(1);
    assertThat(byUid.get("source-webhooks").stateBytes()).isPositive();
    assertThat(byUid.values()).allSatisfy(o -> assertThat(o.maxParallelism()).isEqualTo(128));
  }
}
