package dev.tributary.job.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.job.AttributionJob;
import dev.tributary.job.Pipeline;
import dev.tributary.job.config.JobOptions;
import dev.tributary.job.config.JobSettings;
import dev.tributary.job.testing.EmbeddedKafka;
import dev.tributary.job.testing.EmbeddedKafka.Record;
import dev.tributary.job.testing.EmbeddedWarehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The chaos run (issue #12, item 8): per seed, a {@link ChaosMonth} is played twice through the
 * real job ({@link Pipeline#build} with {@link AttributionJob#kafkaSources bounded Kafka sources}
 * and {@link AttributionJob#productionSinks the production sinks}), each run into its own
 * PostgreSQL:
 *
 * <ul>
 *   <li><b>ordered</b>: every record once, in event-time order, on a MiniCluster in this JVM, no
 *       faults;
 *   <li><b>chaos</b>: the hostile delivery (duplicates, shuffles) on a standalone session cluster
 *       of separate processes ({@link ChaosCluster}), with RocksDB, filesystem checkpoints every
 *       500 ms and a fixed-delay restart strategy, while the TaskManager process that runs the job
 *       is killed with SIGKILL at seeded random moments. After every restore a fresh TaskManager
 *       process is started as a spare (as a Kubernetes deployment or a standby TaskManager would
 *       provide one); the next kill does not wait for it, and the job restores from its last
 *       checkpoint onto it as soon as it has registered, usually at once. Every restore thus lands
 *       on a new process. The job reads both topics to the end offsets of its start and finishes by
 *       itself.
 * </ul>
 *
 * Then {@link ChaosChecks} (a) and (b) on both warehouses, and (c) between them. With {@code
 * --control}, the hostile delivery is also played without faults on a MiniCluster and compared with
 * the ordered run, which tells what the delivery order alone changes from what the kills change.
 *
 * <p>Kill moments, from the seed: each kill strikes either early (one in five: 0–1.5 s after the
 * restarted tasks are deployed, while they restore or just after) or once the job has completed a
 * checkpoint on its new TaskManager and written a target share of the month's sessions and payments
 * (one target in each of {@code --kills} equal slices of 3 %–80 %), plus 0–0.5 s. The chaos job
 * reads at a fixed pace ({@link ThrottledSource}: the month's fuller partition in about {@code
 * --read-seconds}), so the month outlasts the kills on a fast machine as on a loaded one, where a
 * restore took up to 25 s: the kills spread over the run whatever the machine's speed, and every
 * one strikes a running job.
 *
 * <p>{@code deploy/bench/chaos.sh} runs it: {@code --seeds 1,2,3} or {@code --count 20} (seeds
 * 1..20), {@code --visitors 2500}, {@code --kills 6} (at least 5), {@code --checkpoint-ms 500},
 * {@code --read-seconds 60}, {@code --work dir}, {@code --control}. Exit code 1 when a seed failed.
 */
public final class ChaosRun {
  private static final int PARTITIONS = 2;
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private ChaosRun() {}

  /** What to run. */
  public record Options(
      List<Long> seeds,
      int visitors,
      int kills,
      Duration checkpointInterval,
      int readSeconds,
      Path work,
      boolean control) {
    public Options {
      if (kills < 5) {
        throw new IllegalArgumentException("--kills must be at least 5, was " + kills);
      }
      if (readSeconds < 10) {
        throw new IllegalArgumentException(
            "--read-seconds must be at least 10, was " + readSeconds);
      }
    }
  }

  /** One SIGKILL of a TaskManager. */
  public record Kill(
      int number,
      long atMillis,
      boolean early,
      long checkpointsBefore,
      double progress,
      String taskManager,
      long pid,
      int exitCode,
      long recoveryMillis) {
    Kill recovered(long millis) {
      return new Kill(
          number, atMillis, early, checkpointsBefore, progress, taskManager, pid, exitCode, millis);
    }
  }

  /** One seed's outcome. */
  public record SeedReport(
      long seed,
      int tracking,
      int webhooks,
      int deliveredTracking,
      int deliveredWebhooks,
      Map<String, Long> providers,
      Map<ChaosMonth.Evidence, Long> evidence,
      int payments,
      int refundedPayments,
      long orderedMillis,
      long chaosMillis,
      List<Kill> kills,
      long restarts,
      long checkpoints,
      String finalState,
      Map<String, Long> orderedMethods,
      Map<String, Long> chaosMethods,
      Map<String, Long> orderedEntries,
      Map<String, Long> chaosEntries,
      int timestampLinksThatDiffer,
      long controlMillis,
      List<String> control,
      long orderedDeadLetters,
      long chaosDeadLetters,
      List<String> differences) {
    public boolean passed() {
      return differences.isEmpty();
    }
  }

  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    Files.createDirectories(o.work());
    System.out.printf(
        "[chaos] %d seed(s) %s: %d visitors a month, %d kills each, checkpoints every %d ms;"
            + " logs under %s%n",
        o.seeds().size(),
        o.seeds(),
        o.visitors(),
        o.kills(),
        o.checkpointInterval().toMillis(),
        o.work());
    List<SeedReport> reports = new ArrayList<>();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(Map.of())) {
      for (long seed : o.seeds()) {
        SeedReport r;
        try {
          r = runSeed(seed, o, kafka);
        } catch (Exception e) {
          e.printStackTrace();
          r = failed(seed, e);
        }
        reports.add(r);
        print(r);
      }
    }
    summary(reports);
    System.exit(reports.stream().allMatch(SeedReport::passed) ? 0 : 1);
  }

  static Options parse(String[] args) {
    List<Long> seeds = LongStream.rangeClosed(1, 20).boxed().toList();
    int visitors = 2500;
    int kills = 6;
    long checkpointMs = 500;
    int readSeconds = 60;
    Path work =
        Path.of("..", "deploy", "bench", "target", "chaos-" + LocalDateTime.now().format(STAMP));
    boolean control = false;
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--seeds" ->
            seeds = Arrays.stream(v.split(",")).map(String::trim).map(Long::parseLong).toList();
        case "--count" -> seeds = LongStream.rangeClosed(1, Long.parseLong(v)).boxed().toList();
        case "--visitors" -> visitors = Integer.parseInt(v);
        case "--kills" -> kills = Integer.parseInt(v);
        case "--checkpoint-ms" -> checkpointMs = Long.parseLong(v);
        case "--read-seconds" -> readSeconds = Integer.parseInt(v);
        case "--work" -> work = Path.of(v);
        case "--control" -> {
          control = true;
          i--;
        }
        default ->
            throw new IllegalArgumentException(
                "usage: chaos.sh [--seeds 1,2,3 | --count 20] [--visitors 2500] [--kills 6]"
                    + " [--checkpoint-ms 500] [--read-seconds 60] [--work dir] [--control];"
                    + " unknown "
                    + args[i]);
      }
      i++;
    }
    return new Options(
        seeds,
        visitors,
        kills,
        Duration.ofMillis(checkpointMs),
        readSeconds,
        work.toAbsolutePath().normalize(),
        control);
  }

  /** Generates the seed's month, plays it both ways and compares; never throws on a difference. */
  public static SeedReport runSeed(long seed, Options o, EmbeddedKafka kafka) throws Exception {
    ChaosMonth month = ChaosMonth.generate(seed, o.visitors());
    List<Record> tracking = month.tracking();
    List<Record> webhooks = month.webhooks();
    List<Record> deliveredTracking = month.deliveredTracking();
    List<Record> deliveredWebhooks = month.deliveredWebhooks();
    String ordered = "s" + seed + "-ordered";
    String chaos = "s" + seed + "-chaos";
    String control = "s" + seed + "-control";
    createTopics(kafka, ordered, chaos, control);
    produce(kafka, ordered + ".tracking", ChaosMonth.ordered(tracking));
    produce(kafka, ordered + ".webhooks", ChaosMonth.ordered(webhooks));
    produce(kafka, chaos + ".tracking", deliveredTracking);
    produce(kafka, chaos + ".webhooks", deliveredWebhooks);
    if (o.control()) {
      produce(kafka, control + ".tracking", deliveredTracking);
      produce(kafka, control + ".webhooks", deliveredWebhooks);
    }
    Path dir = o.work().resolve("seed-" + seed);
    Files.createDirectories(dir);
    // the cluster's processes start while the ordered run plays
    CompletableFuture<ChaosCluster> starting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                ChaosCluster c =
                    ChaosCluster.start(dir.resolve("cluster"), ChaosCluster.testClasspath(), 2);
                try {
                  c.awaitRegistered(c.startTaskManager());
                } catch (Exception e) {
                  c.close();
                  throw e;
                }
                return c;
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            });
    ChaosCluster cluster = null;
    try (EmbeddedWarehouse orderedWarehouse = EmbeddedWarehouse.start();
        EmbeddedWarehouse chaosWarehouse = EmbeddedWarehouse.start()) {
      long t0 = System.nanoTime();
      runOnMiniCluster(kafka, orderedWarehouse, ordered, dir, o, 0);
      long orderedMillis = (System.nanoTime() - t0) / 1_000_000;
      long controlMillis = 0;
      List<String> controlDifferences = List.of();

      if (o.control()) {
        // the chaos delivery without faults: what the shuffles and duplicates alone change
        try (EmbeddedWarehouse w = EmbeddedWarehouse.start()) {
          long t1 = System.nanoTime();
          // -Dchaos.pace-control=true: read at the chaos run's pace, to tell the pace's effect
          runOnMiniCluster(
              kafka,
              w,
              control,
              dir,
              o,
              Boolean.getBoolean("chaos.pace-control") ? pace(month, o) : 0);
          controlMillis = (System.nanoTime() - t1) / 1_000_000;
          var ref = ChaosChecks.read(orderedWarehouse);
          var s = ChaosChecks.read(w);
          List<String> d = new ArrayList<>(ChaosChecks.nets("control", s));
          d.addAll(ChaosChecks.truth("control", s, month));
          d.addAll(ChaosChecks.sameLinks(ref, s));
          d.addAll(
              ChaosChecks.explain(
                  orderedWarehouse, w, ChaosChecks.linkDifferences(ref, s).keySet()));
          d.add("methods " + s.methods());
          controlDifferences = List.copyOf(d);
        }
      }

      cluster = starting.join();
      Chaos c = runChaos(seed, cluster, kafka, chaosWarehouse, chaos, dir, o, month);
      var a = ChaosChecks.read(orderedWarehouse);
      var b = ChaosChecks.read(chaosWarehouse);
      List<String> differences = new ArrayList<>(c.problems());
      differences.addAll(ChaosChecks.nets("ordered", a));
      differences.addAll(ChaosChecks.nets("chaos", b));
      differences.addAll(ChaosChecks.truth("ordered", a, month));
      differences.addAll(ChaosChecks.truth("chaos", b, month));
      differences.addAll(ChaosChecks.sameLinks(a, b));
      Set<String> chaosLinks = ChaosChecks.linkDifferences(a, b).keySet();
      differences.addAll(ChaosChecks.explain(orderedWarehouse, chaosWarehouse, chaosLinks));
      if (!chaosLinks.isEmpty()) {
        Set<String> broken = ChaosChecks.notNetting(b);
        long doubled = chaosLinks.stream().filter(broken::contains).count();
        differences.add(
            ("(c) of these %d, %d do not net to their amount in the chaos run (see (a)), %d net"
                    + " to it but credit other touches than the ordered run")
                .formatted(chaosLinks.size(), doubled, chaosLinks.size() - doubled));
      }
      long orderedDead = kafka.readToEnd(ordered + ".deadletter").size();
      long chaosDead = kafka.readToEnd(chaos + ".deadletter").size();
      if (orderedDead + chaosDead > 0) {
        differences.add(
            "dead letters: %d in the ordered run, %d in the chaos run (the month has none)"
                .formatted(orderedDead, chaosDead));
      }
      deleteCheckpoints(dir);
      return new SeedReport(
          seed,
          tracking.size(),
          webhooks.size(),
          deliveredTracking.size(),
          deliveredWebhooks.size(),
          month.paymentsByProvider(),
          month.paymentsByEvidence(),
          month.truth().size(),
          (int) month.truth().values().stream().filter(p -> p.refundedMinor() > 0).count(),
          orderedMillis,
          c.millis(),
          c.kills(),
          c.restarts(),
          c.checkpoints(),
          c.state(),
          a.methods(),
          b.methods(),
          a.entryTypes(),
          b.entryTypes(),
          ChaosChecks.timestampLinksThatDiffer(a, b),
          controlMillis,
          controlDifferences,
          orderedDead,
          chaosDead,
          List.copyOf(differences));
    } finally {
      // whatever happened, no process of the cluster outlives the seed
      ChaosCluster c = cluster != null ? cluster : starting.handle((v, e) -> v).join();
      if (c != null) {
        c.close();
      }
    }
  }

  /** The job's options for one run; the same for both runs but for faults and restarts. */
  static Configuration jobConfiguration(
      EmbeddedKafka kafka, EmbeddedWarehouse warehouse, String run, Path dir, Options o)
      throws Exception {
    Configuration conf = AttributionJob.withProductionDefaults(new Configuration());
    conf.set(JobOptions.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    // a fresh group per run: a bounded source starts from the group's committed offsets
    conf.set(JobOptions.KAFKA_GROUP_ID, "tributary-" + run + "-" + System.nanoTime());
    conf.set(JobOptions.TOPIC_WEBHOOKS, run + ".webhooks");
    conf.set(JobOptions.TOPIC_TRACKING, run + ".tracking");
    conf.set(JobOptions.TOPIC_DEADLETTER, run + ".deadletter");
    conf.set(JobOptions.JDBC_URL, warehouse.jdbcUrl());
    conf.set(JobOptions.JDBC_USER, "postgres");
    conf.set(JobOptions.JDBC_PASSWORD, "postgres");
    // the timestamp fallback stays on (no TIMESTAMP_DISABLED_SITES)
    // pure event time: a partition must never look idle while the run is slowed or restarting
    conf.set(JobOptions.IDLENESS, Duration.ofHours(1));
    // watermarks during the read, not only the final one, so that late records are late
    conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(10));
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
    conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    Path checkpoints = Files.createDirectories(dir.resolve(run + "-checkpoints"));
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, o.checkpointInterval());
    return conf;
  }

  /** A fault-free run in this JVM (the ordered run, and the control). */
  private static void runOnMiniCluster(
      EmbeddedKafka kafka,
      EmbeddedWarehouse warehouse,
      String run,
      Path dir,
      Options o,
      double perSecond)
      throws Exception {
    Configuration conf = jobConfiguration(kafka, warehouse, run, dir, o);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    // no faults, so no restores: checkpoints only flush, and a bounded job waits for its last one
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(1));
    conf.set(
        RocksDBOptions.LOCAL_DIRECTORIES,
        Files.createDirectories(dir.resolve(run + "-rocksdb")).toString());
    JobSettings settings = JobOptions.settings(conf);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    Pipeline.build(
        env, settings, sources(settings, perSecond), AttributionJob.productionSinks(settings));
    env.execute("chaos-" + run);
  }

  /** The bounded Kafka sources of a run, read at {@code perSecond} per reader (0: unpaced). */
  private static Pipeline.Sources sources(JobSettings settings, double perSecond) {
    Pipeline.Sources topics = AttributionJob.kafkaSources(settings, true);
    return perSecond > 0
        ? new Pipeline.Sources(
            ThrottledSource.of(topics.webhooks(), perSecond),
            ThrottledSource.of(topics.tracking(), perSecond))
        : topics;
  }

  /** Records a second per reader: the month's fuller partition in about {@code readSeconds}. */
  private static double pace(ChaosMonth month, Options o) {
    return Math.max(month.deliveredTracking().size(), month.deliveredWebhooks().size())
        / (double) PARTITIONS
        / o.readSeconds();
  }

  /** What the chaos run did. */
  private record Chaos(
      long millis,
      List<Kill> kills,
      long restarts,
      long checkpoints,
      String state,
      List<String> problems) {}

  private static Chaos runChaos(
      long seed,
      ChaosCluster cluster,
      EmbeddedKafka kafka,
      EmbeddedWarehouse warehouse,
      String run,
      Path dir,
      Options o,
      ChaosMonth month)
      throws Exception {
    Configuration conf = jobConfiguration(kafka, warehouse, run, dir, o);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 100);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
    List<String> problems = new ArrayList<>();
    List<Kill> kills = new ArrayList<>();
    Random plan = new Random(seed * 1_000_003L + 17);
    // where in the month the kills strike (by the share of its sessions and payments written):
    // one in each of o.kills() equal slices of 3 %–80 %, so they spread over the whole run
    double[] targets = new double[o.kills()];
    for (int i = 0; i < targets.length; i++) {
      double slice = 0.77 / targets.length;
      targets[i] = 0.03 + slice * (i + plan.nextDouble());
    }
    conf.set(DeploymentOptions.TARGET, "remote");
    conf.set(RestOptions.ADDRESS, "localhost");
    conf.set(RestOptions.PORT, cluster.restPort());
    JobSettings settings = JobOptions.settings(conf);
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
    // read at a fixed pace, so that the month outlasts the kill schedule on any machine: the
    // fuller topic's partition takes about readSeconds (replays after restores come on top)
    Pipeline.build(
        env, settings, sources(settings, pace(month, o)), AttributionJob.productionSinks(settings));
    long t0 = System.nanoTime();
    JobClient client = env.executeAsync("chaos-" + run);
    String job = client.getJobID().toHexString();
    JobWatch watch = new JobWatch(cluster, job);
    String stopped = null;
    while (kills.size() < o.kills()) {
      boolean deployed = watch.awaitDeployed(Duration.ofSeconds(180));
      if (!kills.isEmpty()) {
        Kill last = kills.get(kills.size() - 1);
        kills.set(
            kills.size() - 1,
            last.recovered((System.nanoTime() - t0) / 1_000_000 - last.atMillis()));
      }
      if (!deployed) {
        stopped = "the job ended before the kill";
        break;
      }
      // the fresh TaskManager the job restores onto after the next kill boots while the job runs
      // (started only now that the job holds its slots, so that the job cannot spread onto it)
      if (cluster.idleTaskManagers(job).isEmpty()) {
        cluster.startTaskManager();
      }
      // never two early kills in a row: the job makes headway between kills
      boolean early =
          plan.nextInt(100) < 20 && (kills.isEmpty() || !kills.get(kills.size() - 1).early());
      long checkpointsBefore = watch.completedCheckpoints();
      if (!early) {
        // one checkpoint on this TaskManager at least, and the job as far as the plan says
        if (!watch.awaitCheckpoints(checkpointsBefore + 1, Duration.ofSeconds(120))
            || !awaitProgress(watch, warehouse, month, targets[kills.size()])) {
          stopped =
              "the job stopped running before it reached %.0f %% of the month"
                  .formatted(targets[kills.size()] * 100);
          break;
        }
      }
      Thread.sleep(plan.nextInt(early ? 1500 : 500));
      if (!"RUNNING".equals(watch.state())) {
        stopped = "the job was " + watch.state() + " at the moment of the kill";
        break;
      }
      List<String> busy = cluster.busyTaskManagers(job);
      for (int i = 0; i < 100 && busy.isEmpty() && "RUNNING".equals(watch.state()); i++) {
        Thread.sleep(100); // the REST API may still show the tasks of the attempt before
        busy = cluster.busyTaskManagers(job);
      }
      if (busy.isEmpty()) {
        stopped = "no live TaskManager ran the job at the moment of the kill";
        break;
      }
      long restartsBefore = watch.restarts();
      double progress = progress(warehouse, month);
      long at = (System.nanoTime() - t0) / 1_000_000;
      List<ChaosCluster.Killed> killed = new ArrayList<>();
      for (String id : busy) {
        killed.add(cluster.kill(id));
      }
      kills.add(
          new Kill(
              kills.size() + 1,
              at,
              early,
              watch.completedCheckpoints(),
              progress,
              killed.stream()
                  .map(ChaosCluster.Killed::taskManagerId)
                  .collect(Collectors.joining("+")),
              killed.get(0).pid(),
              killed.stream()
                  .mapToInt(ChaosCluster.Killed::exitCode)
                  .filter(c -> c != 137)
                  .findFirst()
                  .orElse(137),
              -1));
      if (cluster.idleTaskManagers(job).isEmpty()) {
        cluster.startTaskManager(); // the job ran on the spare too: it needs another one
      }
      // the job restores onto the spare (once it has registered, if the kill came sooner)
      watch.awaitRestart(restartsBefore, Duration.ofSeconds(120));
    }
    String state = watch.awaitTerminal(Duration.ofMinutes(15));
    long millis = (System.nanoTime() - t0) / 1_000_000;
    if (kills.size() < o.kills()) {
      problems.add(
          "only %d of %d kills: %s (raise --visitors if the month was too short for this machine)"
              .formatted(kills.size(), o.kills(), stopped));
    }
    for (Kill k : kills) {
      if (k.exitCode() != 137) {
        problems.add(
            "%s exited with %d, not 137 (SIGKILL)".formatted(k.taskManager(), k.exitCode()));
      }
    }
    if (!"FINISHED".equals(state)) {
      problems.add("the chaos job ended " + state + ": " + watch.rootException());
    }
    return new Chaos(
        millis, kills, watch.restarts(), watch.completedCheckpoints(), state, problems);
  }

  /** The chaos job as its JobManager's REST API shows it. */
  private static final class JobWatch {
    private final ChaosCluster cluster;
    private final String job;

    JobWatch(ChaosCluster cluster, String job) {
      this.cluster = cluster;
      this.job = job;
    }

    String state() throws Exception {
      return cluster.get("/jobs/" + job).path("state").asText();
    }

    /**
     * Waits until the job runs with every task deployed (restoring, running or finished) on the
     * current TaskManager; false when the job ended first.
     */
    boolean awaitDeployed(Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        JsonNode j = cluster.get("/jobs/" + job);
        String state = j.path("state").asText();
        if (List.of("FINISHED", "FAILED", "CANCELED").contains(state)) {
          return false;
        }
        boolean deployed = "RUNNING".equals(state) && j.path("vertices").size() > 0;
        for (JsonNode v : j.path("vertices")) {
          deployed &=
              List.of("INITIALIZING", "RUNNING", "FINISHED").contains(v.path("status").asText());
        }
        if (deployed) {
          return true;
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException("job " + job + " was not deployed in " + timeout);
    }

    long completedCheckpoints() throws Exception {
      return cluster.get("/jobs/" + job + "/checkpoints").path("counts").path("completed").asLong();
    }

    /** Waits for {@code n} completed checkpoints in all; false when the job stopped running. */
    boolean awaitCheckpoints(long n, Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (completedCheckpoints() >= n) {
          return true;
        }
        if (!"RUNNING".equals(state())) {
          return false;
        }
        Thread.sleep(50);
      }
      throw new IllegalStateException("job " + job + ": no checkpoint in " + timeout);
    }

    long restarts() throws Exception {
      for (JsonNode m : cluster.get("/jobs/" + job + "/metrics?get=numRestarts")) {
        return m.path("value").asLong();
      }
      return 0;
    }

    /** After a kill: waits until the JobManager noticed it and restarted the job. */
    void awaitRestart(long before, Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (restarts() > before || List.of("FINISHED", "FAILED", "CANCELED").contains(state())) {
          return;
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException("job " + job + " did not restart in " + timeout);
    }

    String awaitTerminal(Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        String s = state();
        if (List.of("FINISHED", "FAILED", "CANCELED").contains(s)) {
          return s;
        }
        Thread.sleep(200);
      }
      return "not finished after " + timeout;
    }

    String rootException() {
      try {
        JsonNode e = cluster.get("/jobs/" + job + "/exceptions");
        return e.path("root-exception").asText("").lines().findFirst().orElse("");
      } catch (Exception x) {
        return x.toString();
      }
    }
  }

  /** Waits until {@link #progress} reaches {@code target}; false when the job stopped running. */
  private static boolean awaitProgress(
      JobWatch watch, EmbeddedWarehouse w, ChaosMonth month, double target) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (progress(w, month) >= target) {
        return true;
      }
      if (!"RUNNING".equals(watch.state())) {
        return false;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the chaos job made no progress for 10 minutes");
  }

  /**
   * How far the job got, as the warehouse shows it: the month's sessions and payments written so
   * far (rows a restore will write again count once).
   */
  private static double progress(EmbeddedWarehouse w, ChaosMonth month) {
    try {
      var r =
          w.query("SELECT (SELECT count(*) FROM sessions) + (SELECT count(*) FROM payments) AS n")
              .get(0);
      return ((Number) r.get("n")).doubleValue() / (month.sessions() + month.truth().size());
    } catch (Exception e) {
      return Double.NaN;
    }
  }

  private static void createTopics(EmbeddedKafka kafka, String... runs) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      List<NewTopic> topics = new ArrayList<>();
      for (String run : runs) {
        for (String t : List.of("webhooks", "tracking")) {
          topics.add(
              new NewTopic(run + "." + t, PARTITIONS, (short) 1)
                  .configs(Map.of("retention.ms", "-1")));
        }
        topics.add(
            new NewTopic(run + ".deadletter", 1, (short) 1).configs(Map.of("retention.ms", "-1")));
      }
      admin.createTopics(topics).all().get();
    }
  }

  /** Sends in order (one producer, one request in flight: the order within a partition is kept). */
  private static void produce(EmbeddedKafka kafka, String topic, List<Record> records)
      throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    // one request in flight keeps the order through retries; without idempotence, a broker slowed
    // by a loaded machine cannot refuse a retried batch for its sequence number
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "60000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (Record r : records) {
        producer.send(
            new ProducerRecord<>(topic, null, r.timestampMillis(), r.key(), r.value()),
            (m, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              }
            });
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      var ends =
          admin
              .listOffsets(
                  Map.of(
                      new TopicPartition(topic, 0), OffsetSpec.latest(),
                      new TopicPartition(topic, 1), OffsetSpec.latest()))
              .all()
              .get();
      long n = ends.values().stream().mapToLong(i -> i.offset()).sum();
      if (n != records.size()) {
        throw new IllegalStateException(topic + " holds " + n + " records, sent " + records.size());
      }
    }
  }

  private static void deleteCheckpoints(Path dir) throws Exception {
    try (var files = Files.walk(dir)) {
      files
          .filter(
              p ->
                  p.getFileName().toString().endsWith("-checkpoints")
                      || p.getFileName().toString().endsWith("-rocksdb")
                      || p.getFileName().toString().startsWith("chaos-tm-"))
          .filter(Files::isDirectory)
          .toList()
          .forEach(ChaosRun::deleteTree);
    }
  }

  private static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (var files = Files.walk(p)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (Exception e) {
      // a leftover temporary file is not worth failing the run for
    }
  }

  private static SeedReport failed(long seed, Exception e) {
    return new SeedReport(
        seed,
        0,
        0,
        0,
        0,
        Map.of(),
        Map.of(),
        0,
        0,
        0,
        0,
        List.of(),
        0,
        0,
        "ERROR",
        Map.of(),
        Map.of(),
        Map.of(),
        Map.of(),
        0,
        0,
        List.of(),
        0,
        0,
        List.of("the run failed: " + e));
  }

  static void print(SeedReport r) {
    System.out.printf(
        "[chaos] seed %d: %,d records delivered (%,d tracking + %,d webhooks; once each: %,d + %,d),"
            + " %,d payments (%,d refunded in part or in full) %s%n",
        r.seed(),
        r.deliveredTracking() + r.deliveredWebhooks(),
        r.deliveredTracking(),
        r.deliveredWebhooks(),
        r.tracking(),
        r.webhooks(),
        r.payments(),
        r.refundedPayments(),
        r.providers());
    System.out.printf("[chaos]   evidence in the month: %s%n", r.evidence());
    System.out.printf(
        "[chaos]   ordered run %.1f s; chaos run %.1f s (%s): %d kills, %d restarts, %d checkpoints%n",
        r.orderedMillis() / 1000.0,
        r.chaosMillis() / 1000.0,
        r.finalState(),
        r.kills().size(),
        r.restarts(),
        r.checkpoints());
    for (Kill k : r.kills()) {
      System.out.printf(
          "[chaos]     kill %d at %.1f s%s: %s pid %d exit %d, %d checkpoints done, ~%.0f %% of"
              + " the month's sessions and payments written; tasks deployed again %.1f s later%n",
          k.number(),
          k.atMillis() / 1000.0,
          k.early() ? " (early: restoring or just restored)" : "",
          k.taskManager(),
          k.pid(),
          k.exitCode(),
          k.checkpointsBefore(),
          k.progress() * 100,
          k.recoveryMillis() / 1000.0);
    }
    System.out.printf(
        "[chaos]   methods: ordered %s, chaos %s; timestamp/unattributed payments that differ: %d%n",
        r.orderedMethods(), r.chaosMethods(), r.timestampLinksThatDiffer());
    System.out.printf(
        "[chaos]   ledger entries: ordered %s, chaos %s%n", r.orderedEntries(), r.chaosEntries());
    if (r.controlMillis() > 0) {
      System.out.printf(
          "[chaos]   control (the chaos delivery on a MiniCluster, no kills) %.1f s: %s%n",
          r.controlMillis() / 1000.0,
          r.control().isEmpty() ? "same as the ordered run" : String.join("; ", r.control()));
    }
    System.out.printf("[chaos]   seed %d: %s%n", r.seed(), r.passed() ? "PASS" : "FAIL");
    for (String d : r.differences()) {
      System.out.printf("[chaos]     %s%n", d);
    }
    System.out.flush();
  }

  private static void summary(List<SeedReport> reports) {
    System.out.println("[chaos] summary");
    System.out.println(
        "[chaos] | seed | records | payments | kills | restarts | ordered s | chaos s | result |");
    System.out.println("[chaos] |---|---|---|---|---|---|---|---|");
    for (SeedReport r : reports) {
      System.out.printf(
          "[chaos] | %d | %,d | %,d | %d | %d | %.1f | %.1f | %s |%n",
          r.seed(),
          r.deliveredTracking() + r.deliveredWebhooks(),
          r.payments(),
          r.kills().size(),
          r.restarts(),
          r.orderedMillis() / 1000.0,
          r.chaosMillis() / 1000.0,
          r.passed() ? "PASS" : "FAIL: " + r.differences().get(0));
    }
    long passed = reports.stream().filter(SeedReport::passed).count();
    System.out.printf(
        "[chaos] %d of %d seeds passed%s%n",
        passed,
        reports.size(),
        passed == reports.size()
            ? ""
            : "; failed: "
                + reports.stream()
                    .filter(r -> !r.passed())
                    .map(r -> Long.toString(r.seed()))
                    .collect(Collectors.joining(",")));
  }
}
