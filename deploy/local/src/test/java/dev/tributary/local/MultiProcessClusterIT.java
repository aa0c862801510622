package dev.tributary.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.job.ops.FlinkRest;
import dev.tributary.job.ops.Redeploy;
import dev.tributary.job.ops.WarehouseMigrations;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Operating the job on a real multi-process Flink cluster: a JobManager and a TaskManager as
 * separate JVMs ({@link StandaloneCluster}), the job jar submitted through the REST API, then
 *
 * <ol>
 *   <li>a savepoint redeploy to a new parallelism with {@link Redeploy} (what {@code
 *       deploy/redeploy.sh} runs);
 *   <li>a redeploy of a broken jar, which {@link Redeploy} rolls back to the previous jar from the
 *       same savepoint;
 *   <li>{@code kill -9} of the TaskManager mid-stream and a new TaskManager: the job recovers from
 *       its last checkpoint by itself.
 * </ol>
 *
 * Through all of it the warehouse stays exact: every payment once, every model summing to it. The
 * figures (downtimes, recovery) are printed for the README.
 */
class MultiProcessClusterIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SITE = "acme";
  private static Path home;
  private static EmbeddedKafka kafka;
  private static LocalPostgres postgres;
  private static StandaloneCluster cluster;
  private static FlinkRest flink;
  private static Path jobJar;
  private static List<String> jobArgs;
  private static int paid;

  @BeforeAll
  static void start() throws Exception {
    home = Files.createTempDirectory("tributary-cluster");
    kafka =
        EmbeddedKafka.start(
            home.resolve("kafka"),
            0,
            List.of(
                new EmbeddedKafka.Topic("tributary.webhooks", 2),
                new EmbeddedKafka.Topic("tributary.tracking", 2),
                new EmbeddedKafka.Topic("tributary.deadletter", 1)));
    postgres = LocalPostgres.start(home.resolve("pg"), 0);
    WarehouseMigrations.migrate(postgres.jdbcUrl(), postgres.user(), postgres.password());
    jobJar = Path.of("../../job/target/tributary-job-0.1.0-SNAPSHOT-all.jar").toAbsolutePath();
    assertThat(jobJar).as("the job module's shaded jar (built before this module)").exists();
    jobArgs =
        List.of(
            "--tributary.kafka.bootstrap-servers", kafka.bootstrapServers(),
            "--tributary.jdbc.url", postgres.jdbcUrl(),
            "--tributary.jdbc.user", postgres.user(),
            "--tributary.jdbc.password", postgres.password(),
            "--tributary.payments.settle-time", "1 s",
            "--tributary.watermark.out-of-orderness", "1 s",
            "--tributary.watermark.idleness", "1 s",
            "--tributary.jdbc.batch-interval", "200 ms",
            "--execution.checkpointing.interval", "1 s");
    long t0 = System.nanoTime();
    cluster = StandaloneCluster.start(home.resolve("flink"), 4);
    flink = new FlinkRest(cluster.rest());
    awaitRest(cluster.rest());
    System.out.printf("cluster REST up in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (home != null) {
      FlinkState.deleteRecursively(home); // the logs were printed if the scenario failed
    }
  }

  private static void awaitRest(URI rest) throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        var r =
            http.send(
                java.net.http.HttpRequest.newBuilder(rest.resolve("/taskmanagers")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && JSON.readTree(r.body()).path("taskmanagers").size() > 0) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // the JobManager is still starting
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no TaskManager registered at " + rest);
  }

  @Test
  void redeployRollbackAndTaskManagerLossKeepTheWarehouseExact() throws Exception {
    try {
      scenario();
    } catch (AssertionError | Exception e) {
      dumpClusterLogs();
      throw e;
    }
  }

  /** What the cluster said about failures: kept in the test report when the scenario fails. */
  private static void dumpClusterLogs() throws Exception {
    try (var files = Files.list(home.resolve("flink/log"))) {
      for (Path log : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
        List<String> lines =
            Files.readAllLines(log).stream()
                .filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("Exception"))
                .toList();
        System.out.printf(
            "---- %s: %d warnings/errors, the last 60:%n", log.getFileName(), lines.size());
        lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(System.out::println);
      }
    }
    System.out.printf(
        "warehouse: %d payments, %d ledger payments%n",
        scalar("SELECT count(*) FROM payments"),
        scalar("SELECT count(DISTINCT payment_key) FROM revenue_ledger"));
  }

  private void scenario() throws Exception {
    // version 1, parallelism 1, submitted through the REST API
    String jarId = flink.uploadJar(jobJar);
    String job = flink.run(jarId, "dev.tributary.job.AttributionJob", jobArgs, 1, null);
    flink.awaitRunning(job, Duration.ofSeconds(60));
    traffic("a", 5);
    awaitPayments(paid);

    // a savepoint redeploy to parallelism 2
    Redeploy.Outcome up = Redeploy.redeploy(plan(jobJar, jobJar, 2, Duration.ofSeconds(3)));
    assertThat(up.rolledBack()).isFalse();
    assertThat(up.savepoint()).contains("savepoint");
    traffic("b", 5);
    awaitPayments(paid);

    // a broken build: no entry class in it; the tool rolls back to the previous jar
    Path broken = home.resolve("broken.jar");
    Manifest m = new Manifest();
    m.getMainAttributes().putValue("Manifest-Version", "1.0");
    try (var out = new JarOutputStream(Files.newOutputStream(broken), m)) {
      out.flush();
    }
    Redeploy.Outcome back = Redeploy.redeploy(plan(broken, jobJar, 2, Duration.ofSeconds(1)));
    assertThat(back.rolledBack()).isTrue();
    assertThat(flink.job(back.jobId()).state()).isEqualTo("RUNNING");
    traffic("c", 5);
    awaitPayments(paid);

    // kill -9 the TaskManager mid-stream; a new one takes over
    traffic("d", 20);
    Process tm = cluster.taskManagers().get(0);
    long killedAt = System.nanoTime();
    cluster.killTaskManager(tm);
    cluster.startTaskManager();
    awaitState(back.jobId(), false);
    flink.awaitRunning(back.jobId(), Duration.ofSeconds(120));
    long runningAgainMs = (System.nanoTime() - killedAt) / 1_000_000;
    traffic("e", 5);
    awaitPayments(paid);
    long caughtUpMs = (System.nanoTime() - killedAt) / 1_000_000;

    System.out.printf(
        "redeploy downtime %d ms (savepoint %s); rollback downtime %d ms; TaskManager kill → job"
            + " running again %d ms, → all %d payments in the warehouse %d ms%n",
        up.downtimeMillis(),
        up.savepoint(),
        back.downtimeMillis(),
        runningAgainMs,
        paid,
        caughtUpMs);

    // exact: each payment once, every model summing to it, nothing else
    assertThat(scalar("SELECT count(*) FROM payments")).isEqualTo(paid);
    assertThat(
            scalar(
                "SELECT count(*) FROM (SELECT p.payment_key, l.model FROM payments p"
                    + " JOIN revenue_ledger l USING (site_id, provider, payment_key)"
                    + " GROUP BY p.payment_key, l.model, p.net_minor"
                    + " HAVING sum(l.amount_minor) <> p.net_minor) bad"))
        .isZero();
    assertThat(scalar("SELECT count(DISTINCT (payment_key, model)) FROM revenue_ledger"))
        .isEqualTo(paid * 6L);
    assertThat(scalar("SELECT sum(amount_minor) FROM revenue_ledger WHERE model = 'linear'"))
        .isEqualTo(expectedTotal);
  }

  private static Redeploy.Plan plan(Path jar, Path previous, int parallelism, Duration grace) {
    return new Redeploy.Plan(
        cluster.rest(),
        "tributary",
        jar,
        previous,
        "dev.tributary.job.AttributionJob",
        jobArgs,
        parallelism,
        null,
        Duration.ofSeconds(120),
        grace);
  }

  /** Waits until the job has left RUNNING (the JobManager noticed the lost TaskManager). */
  private static void awaitState(String job, boolean running) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      FlinkRest.JobState s = flink.job(job);
      if (("RUNNING".equals(s.state()) && s.allVerticesRunning()) == running) {
        return;
      }
      Thread.sleep(100);
    }
  }

  private static long expectedTotal;

  /** {@code n} visitors of batch {@code batch}: a pageview, then a Stripe payment naming them. */
  private static void traffic(String batch, int n) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    Instant now = Instant.now();
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < n; i++) {
        String visitor = "v_" + batch + i;
        Instant seen = now.minusSeconds(120);
        ObjectNode view = JSON.createObjectNode();
        view.put("v", 1);
        view.put("type", "pageview");
        view.put("siteId", SITE);
        view.put("visitorId", visitor);
        view.put("sessionId", visitor + "_s");
        view.put("url", "https://acme.com/?utm_source=google&utm_medium=cpc&utm_campaign=" + batch);
        view.putNull("referrer");
        view.putObject("utm");
        view.putNull("clientTs");
        view.put("receivedAt", seen.toString());
        view.put("eventId", visitor + "_pv");
        producer
            .send(
                new ProducerRecord<>(
                    "tributary.tracking",
                    null,
                    seen.toEpochMilli(),
                    SITE + ":" + visitor,
                    view.toString()))
            .get();
        long amount = 1_000 + 7L * paid;
        Instant at = now.minusSeconds(60);
        String event =
            """
            {"id":"evt_%s","object":"event","api_version":"2025-03-31.basil","created":%d,\
            "livemode":true,"type":"payment_intent.succeeded","data":{"object":{"id":"pi_%s",\
            "object":"payment_intent","amount":%d,"amount_received":%d,"currency":"usd",\
            "metadata":{"tributary_visitor_id":"%s"}}}}"""
                .formatted(visitor, at.getEpochSecond(), visitor, amount, amount, visitor);
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("v", 1);
        envelope.put("siteId", SITE);
        envelope.put("provider", "stripe");
        envelope.put("deliveryId", "evt_" + visitor);
        envelope.put("receivedAt", at.toString());
        envelope.put("contentType", "application/json");
        envelope.put("body", event);
        producer
            .send(
                new ProducerRecord<>(
                    "tributary.webhooks", null, at.toEpochMilli(), SITE, envelope.toString()))
            .get();
        paid++;
        expectedTotal += amount;
      }
    }
  }

  /**
   * Waits until all {@code n} payments are settled in the warehouse: a row in {@code payments} and,
   * under each of the six models, ledger credits that sum to it. The payments and ledger sinks
   * flush on their own timers and a batch may end between two touches of one payment, so counting
   * ledger rows alone can look at a payment half written.
   */
  private static void awaitPayments(long n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    long settled = 0;
    while (System.nanoTime() < deadline) {
      settled =
          scalar(
              "SELECT count(*) FROM (SELECT 1 FROM payments p JOIN revenue_ledger l"
                  + " USING (site_id, provider, payment_key)"
                  + " GROUP BY p.payment_key, l.model, p.net_minor"
                  + " HAVING sum(l.amount_minor) = p.net_minor) ok");
      if (settled >= n * 6) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "warehouse has " + settled + " settled (payment, model) pairs of " + n * 6);
  }

  private static long scalar(String sql) throws Exception {
    try (var c = postgres.connect();
        var st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
