package dev.tributary.job.bench;

import dev.tributary.job.AttributionJob;
import dev.tributary.job.Pipeline;
import dev.tributary.job.config.JobOptions;
import dev.tributary.job.config.JobSettings;
import dev.tributary.job.ingest.RawRecord;
import dev.tributary.job.ingest.RawRecordDeserializer;
import dev.tributary.job.testing.EmbeddedKafka;
import dev.tributary.job.testing.EmbeddedWarehouse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.checkpoint.TaskStateStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;
import org.apache.flink.runtime.jobgraph.JobVertexID;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sustained events/s of the whole job ({@link Pipeline#build} with Kafka sources, the production
 * JDBC and dead-letter sinks, RocksDB, incremental checkpoints) on a tracking + payments mix that
 * was written into an in-process KRaft broker beforehand, against a Kafka → map → Kafka passthrough
 * job with the same source and sink settings, in one run, in one Flink MiniCluster. The sources are
 * bounded at the offsets present at start; the time runs from the first record a source
 * deserializes to the end of the job (which includes the final checkpoint).
 *
 * <p>Then the state the job keeps: the full size of the last completed checkpoint per stateful
 * task, and per retained touch (one touch = one tracker session of a visitor, kept for the 30-day
 * lookback).
 *
 * <p>Options: {@code --events 1500000 --visitors 100000,1000000 --payment-share 0.05 --parallelism
 * 2 --checkpoint-seconds 5 --managed-mb 512 --span-days 30 --flink key=value} (repeatable: a Flink
 * or job option for both jobs, to compare settings). Run with {@code deploy/bench/job.sh}.
 */
public final class JobBench {

  static final double GOAL_RATIO = 0.3;
  static final double GOAL_EVENTS_PER_SECOND = 30_000;
  static final double GOAL_BYTES_PER_TOUCH = 200;

  /** nanoTime of the first record any source of the running job deserialized; 0 = none yet. */
  static final AtomicLong FIRST_RECORD = new AtomicLong();

  /** Records read by the sources of the running job, for the progress line. */
  static final java.util.concurrent.atomic.LongAdder READ =
      new java.util.concurrent.atomic.LongAdder();

  private JobBench() {}

  record Run(
      String name,
      long events,
      double seconds,
      double wallSeconds,
      Map<String, Long> stateBytes,
      long checkpoints,
      double jvmCpuSeconds,
      double postgresCpuSeconds) {
    double perSecond() {
      return events / seconds;
    }

    /** PostgreSQL's CPU time as a share of the machine over the run (1.0 = every core). */
    double postgresShare() {
      return postgresCpuSeconds / (wallSeconds * CORES);
    }

    double jvmShare() {
      return jvmCpuSeconds / (wallSeconds * CORES);
    }
  }

  static final int CORES = Runtime.getRuntime().availableProcessors();

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    System.out.printf(
        Locale.ROOT,
        "job bench %s: %d cores, Java %s, %,d events per data set (%.0f%% payments), visitors %s,"
            + " parallelism %d, checkpoints every %d s (RocksDB, incremental), managed memory %d"
            + " MB%n",
        LocalDate.now(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        o.events,
        o.paymentShare * 100,
        o.visitors,
        o.parallelism,
        o.checkpointSeconds,
        o.managedMb);

    Map<String, Integer> topics = new LinkedHashMap<>();
    for (int k = 0; k < o.visitors.size(); k++) {
      topics.put("bench" + k + ".webhooks", o.parallelism);
      topics.put("bench" + k + ".tracking", o.parallelism);
      topics.put("bench" + k + ".deadletter", 1);
    }
    topics.put("bench.passthrough", o.parallelism);

    Path work = Files.createTempDirectory("tributary-jobbench");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(topics);
        EmbeddedWarehouse warehouse = EmbeddedWarehouse.startWithStatementStats()) {
      keepForever(kafka.bootstrapServers(), topics.keySet());
      MiniCluster cluster = startCluster(o, work);
      CpuMeter cpu = CpuMeter.of(warehouse);
      try {
        List<String> rows = new ArrayList<>();
        Run passthrough = null;
        Run first = null;
        for (int k = 0; k < o.visitors.size(); k++) {
          int visitors = o.visitors.get(k);
          long t = System.nanoTime();
          System.err.printf(
              Locale.ROOT,
              "data set %d: writing %,d events of %,d visitors to Kafka...%n",
              k,
              o.events,
              visitors);
          BenchData.Written data =
              BenchData.produce(
                  kafka.bootstrapServers(),
                  "bench" + k + ".tracking",
                  "bench" + k + ".webhooks",
                  o.events,
                  visitors,
                  o.paymentShare,
                  Duration.ofDays(o.spanDays),
                  42 + k);
          System.out.printf(
              Locale.ROOT,
              "data set %d: %,d visitors, %,d pageviews (%,d sessions), %,d webhooks (%,d"
                  + " payments), %,d MB of JSON, written to Kafka in %.1f s%n",
              k,
              visitors,
              data.pageviews(),
              data.sessions(),
              data.webhooks(),
              data.payments(),
              data.bytes() / 1_000_000,
              (System.nanoTime() - t) / 1e9);

          if (passthrough == null) {
            passthrough =
                passthrough(cluster, o, kafka.bootstrapServers(), k, work, data.events(), cpu);
            print(passthrough);
          }

          warehouse.execute(
              "TRUNCATE sessions, payments, refunds, revenue_ledger"); // fresh warehouse per run
          warehouse.execute("SELECT pg_stat_reset()");
          warehouse.execute("SELECT pg_stat_statements_reset()");
          Map<String, Long> writtenBefore = rowsWritten(warehouse);
          Run pipeline =
              pipeline(
                  cluster,
                  o,
                  kafka.bootstrapServers(),
                  warehouse.jdbcUrl(),
                  k,
                  work,
                  data.events(),
                  cpu);
          print(pipeline);
          Map<String, Long> written = rowsWritten(warehouse);
          written.replaceAll((table, n) -> n - writtenBefore.getOrDefault(table, 0L));
          long allWritten = written.values().stream().mapToLong(Long::longValue).sum();
          System.out.printf(
              Locale.ROOT,
              "  warehouse rows written (inserted or updated): %,d = %.2f per event %s%n",
              allWritten,
              (double) allWritten / data.events(),
              written);
          for (Map<String, Object> f :
              warehouse.query(
                  "SELECT funcname, calls, round(total_time) AS ms FROM pg_stat_user_functions")) {
            System.out.printf(
                Locale.ROOT,
                "  warehouse trigger %s: %,d calls, %,d ms in all%n",
                f.get("funcname"),
                ((Number) f.get("calls")).longValue(),
                ((Number) f.get("ms")).longValue());
          }
          System.out.println("  PostgreSQL's time by statement (pg_stat_statements, top 6):");
          for (Map<String, Object> st :
              warehouse.query(
                  "SELECT calls, rows, round(total_exec_time) AS ms,"
                      + " regexp_replace(left(query, 90), '\\s+', ' ', 'g') AS q"
                      + " FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 6")) {
            System.out.printf(
                Locale.ROOT,
                "    %,9d ms %,9d calls %,9d rows  %s%n",
                ((Number) st.get("ms")).longValue(),
                ((Number) st.get("calls")).longValue(),
                ((Number) st.get("rows")).longValue(),
                st.get("q"));
          }
          long touches = count(warehouse, "SELECT count(*) FROM sessions");
          long paymentRows = count(warehouse, "SELECT count(*) FROM payments");
          long ledgerRows = count(warehouse, "SELECT count(*) FROM revenue_ledger");
          long deadLetters = endOffsets(kafka.bootstrapServers(), "bench" + k + ".deadletter");
          long attributeBytes = stateOf(pipeline, "attribute linked payments");
          long totalBytes =
              pipeline.stateBytes().values().stream().mapToLong(Long::longValue).sum();
          System.out.printf(
              Locale.ROOT,
              "  warehouse: %,d sessions (= retained touches), %,d payments, %,d ledger rows;"
                  + " %,d dead letters%n",
              touches,
              paymentRows,
              ledgerRows,
              deadLetters);
          pipeline
              .stateBytes()
              .forEach(
                  (vertex, bytes) -> {
                    if (bytes > 100_000) {
                      System.out.printf(
                          Locale.ROOT,
                          "  state %,13d bytes (%5.0f B/touch)  %s%n",
                          bytes,
                          (double) bytes / touches,
                          vertex);
                    }
                  });
          System.out.printf(
              Locale.ROOT,
              "  state in the last checkpoint: %,d bytes in all; 'attribute linked payments' %,d"
                  + " bytes = %.0f bytes per touch (whole job: %.0f bytes per touch)%n",
              totalBytes,
              attributeBytes,
              (double) attributeBytes / touches,
              (double) totalBytes / touches);
          if (first == null) {
            first = pipeline;
          }
          rows.add(
              String.format(
                  Locale.ROOT,
                  "| %,d | %,d | %,.0f | %,.0f | %.2f | %.2f | %.0f %% | %.0f %% | %,.0f | %,.0f |"
                      + " %.2f |",
                  visitors,
                  data.events(),
                  pipeline.perSecond(),
                  passthrough.perSecond(),
                  pipeline.perSecond() / passthrough.perSecond(),
                  (double) allWritten / data.events(),
                  pipeline.postgresShare() * 100,
                  pipeline.jvmShare() * 100,
                  (double) attributeBytes / touches,
                  (double) totalBytes / touches,
                  pipeline.perSecond() / first.perSecond()));
        }
        System.out.println();
        System.out.println(
            "| visitors | events | pipeline events/s | passthrough events/s | ratio | warehouse"
                + " rows/event | PostgreSQL CPU | JVM CPU | touch state B/touch | whole-job state"
                + " B/touch | vs first |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        System.out.println();
        System.out.printf(
            Locale.ROOT,
            "goal: pipeline >= %.2fx passthrough and >= %,.0f events/s; goal: <= %.0f state bytes per"
                + " retained touch (see the table: ratio and touch state columns)%n",
            GOAL_RATIO,
            GOAL_EVENTS_PER_SECOND,
            GOAL_BYTES_PER_TOUCH);
      } finally {
        cluster.close();
      }
    }
  }

  private static void print(Run r) {
    System.out.printf(
        Locale.ROOT,
        "%-12s %,d events in %.1f s from the first record to the end of the job = %,.0f events/s"
            + " (%.1f s with job start-up; %d checkpoints); CPU over the run, share of %d cores:"
            + " PostgreSQL %.0f %%, this JVM (Flink, broker, driver) %.0f %%%n",
        r.name(),
        r.events(),
        r.seconds(),
        r.perSecond(),
        r.wallSeconds(),
        r.checkpoints(),
        CORES,
        r.postgresShare() * 100,
        r.jvmShare() * 100);
  }

  private static long stateOf(Run r, String vertexNamePart) {
    return r.stateBytes().entrySet().stream()
        .filter(e -> e.getKey().contains(vertexNamePart))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  /**
   * The input's event times lie weeks in the past, and the broker's time-based retention (7 days,
   * checked every 5 minutes) would delete it in the middle of the run.
   */
  private static void keepForever(String bootstrap, java.util.Collection<String> topics)
      throws Exception {
    try (var admin =
        org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      Map<
              org.apache.kafka.common.config.ConfigResource,
              java.util.Collection<org.apache.kafka.clients.admin.AlterConfigOp>>
          changes = new LinkedHashMap<>();
      for (String topic : topics) {
        changes.put(
            new org.apache.kafka.common.config.ConfigResource(
                org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic),
            List.of(
                new org.apache.kafka.clients.admin.AlterConfigOp(
                    new org.apache.kafka.clients.admin.ConfigEntry("retention.ms", "-1"),
                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)));
      }
      admin.incrementalAlterConfigs(changes).all().get();
    }
  }

  private static long endOffsets(String bootstrap, String topic) {
    try (var consumer =
        new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(
            Map.of("bootstrap.servers", bootstrap),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      var partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))
              .toList();
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * Rows inserted, updated or deleted so far per warehouse table (PostgreSQL's statistics; the
   * journal's rows are the trigger's). Read after the job ended, when its connections have closed
   * and reported.
   */
  private static Map<String, Long> rowsWritten(EmbeddedWarehouse w) throws Exception {
    Thread.sleep(1_000); // a backend reports its counts as it exits
    Map<String, Long> rows = new java.util.TreeMap<>();
    for (Map<String, Object> r :
        w.query(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del AS n FROM pg_stat_user_tables"
                + " WHERE relname IN ('sessions', 'payments', 'refunds', 'revenue_ledger')")) {
      rows.put((String) r.get("relname"), ((Number) r.get("n")).longValue());
    }
    return rows;
  }

  private static long count(EmbeddedWarehouse w, String sql) throws Exception {
    return ((Number) w.query(sql).get(0).values().iterator().next()).longValue();
  }

  private static MiniCluster startCluster(Options o, Path work) throws Exception {
    Configuration conf = new Configuration();
    conf.set(TaskManagerOptions.NUM_TASK_SLOTS, o.parallelism);
    conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(o.managedMb));
    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(o.parallelism)
                .build());
    cluster.start();
    return cluster;
  }

  /** The production settings, as PipelineIT and the local runner set them, plus the bench's. */
  private static Configuration jobConfiguration(
      Options o, String bootstrap, String jdbcUrl, int k, Path work, String name) throws Exception {
    Configuration conf = AttributionJob.withProductionDefaults(new Configuration());
    conf.set(JobOptions.KAFKA_BOOTSTRAP_SERVERS, bootstrap);
    conf.set(JobOptions.KAFKA_GROUP_ID, "bench-" + name + "-" + k);
    conf.set(JobOptions.TOPIC_WEBHOOKS, "bench" + k + ".webhooks");
    conf.set(JobOptions.TOPIC_TRACKING, "bench" + k + ".tracking");
    conf.set(JobOptions.TOPIC_DEADLETTER, "bench" + k + ".deadletter");
    conf.set(JobOptions.JDBC_URL, jdbcUrl == null ? "jdbc:postgresql://unused/none" : jdbcUrl);
    conf.set(JobOptions.JDBC_USER, "postgres");
    conf.set(JobOptions.JDBC_PASSWORD, "postgres");
    conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    conf.set(
        RocksDBOptions.LOCAL_DIRECTORIES,
        Files.createDirectories(work.resolve("rocksdb-" + name + k)).toAbsolutePath().toString());
    conf.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY,
        work.resolve("checkpoints-" + name + k).toUri().toString());
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(o.checkpointSeconds));
    conf.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CoreOptions.DEFAULT_PARALLELISM, o.parallelism);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    conf.addAll(Configuration.fromMap(o.flink()));
    return conf;
  }

  private static Run pipeline(
      MiniCluster cluster,
      Options o,
      String bootstrap,
      String jdbcUrl,
      int k,
      Path work,
      long events,
      CpuMeter cpu)
      throws Exception {
    Configuration conf = jobConfiguration(o, bootstrap, jdbcUrl, k, work, "pipeline");
    JobSettings settings = JobOptions.settings(conf);
    StreamExecutionEnvironment env =
        new TestStreamEnvironment(cluster, conf, o.parallelism, List.of(), List.of());
    Pipeline.build(
        env,
        settings,
        new Pipeline.Sources(
            source(settings, settings.webhooksTopic()), source(settings, settings.trackingTopic())),
        AttributionJob.productionSinks(settings));
    return execute(cluster, env, "pipeline", events, cpu);
  }

  private static Run passthrough(
      MiniCluster cluster, Options o, String bootstrap, int k, Path work, long events, CpuMeter cpu)
      throws Exception {
    Configuration conf = jobConfiguration(o, bootstrap, null, k, work, "passthrough");
    JobSettings settings = JobOptions.settings(conf);
    StreamExecutionEnvironment env =
        new TestStreamEnvironment(cluster, conf, o.parallelism, List.of(), List.of());
    DataStream<RawRecord> webhooks =
        env.fromSource(
            source(settings, settings.webhooksTopic()), Pipeline.watermarks(settings), "webhooks");
    DataStream<RawRecord> tracking =
        env.fromSource(
            source(settings, settings.trackingTopic()), Pipeline.watermarks(settings), "tracking");
    webhooks
        .union(tracking)
        .map(r -> r)
        .returns(TypeInformation.of(RawRecord.class))
        .name("passthrough map")
        .sinkTo(
            KafkaSink.<RawRecord>builder()
                .setBootstrapServers(bootstrap)
                .setRecordSerializer(new PassthroughSerializer("bench.passthrough"))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build())
        .name("passthrough sink");
    return execute(cluster, env, "passthrough", events, cpu);
  }

  private static Run execute(
      MiniCluster cluster, StreamExecutionEnvironment env, String name, long events, CpuMeter cpu)
      throws Exception {
    FIRST_RECORD.set(0);
    READ.reset();
    long start = System.nanoTime();
    double jvmBefore = CpuMeter.jvmSeconds();
    double postgresBefore = cpu.postgresSeconds();
    // a progress line every 15 s on stderr: minutes pass between a run's first and last line
    var progress = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    progress.scheduleAtFixedRate(
        () ->
            System.err.printf(
                Locale.ROOT,
                "  %s: %,d of %,d events read (%.0f %%), %.0f s%n",
                name,
                READ.sum(),
                events,
                100.0 * READ.sum() / Math.max(1, events),
                (System.nanoTime() - start) / 1e9),
        15,
        15,
        java.util.concurrent.TimeUnit.SECONDS);
    JobExecutionResult result;
    try {
      result = env.execute("bench-" + name);
    } finally {
      progress.shutdownNow();
    }
    long end = System.nanoTime();
    double jvmCpu = CpuMeter.jvmSeconds() - jvmBefore;
    double postgresCpu = cpu.postgresSeconds() - postgresBefore;
    long first = FIRST_RECORD.get();
    if (first == 0) {
      throw new IllegalStateException(name + ": the job finished without reading a record");
    }
    JobID id = result.getJobID();
    ArchivedExecutionGraph graph = cluster.getArchivedExecutionGraph(id).get();
    Map<String, Long> state = new LinkedHashMap<>();
    long checkpoints = 0;
    var stats = graph.getCheckpointStatsSnapshot();
    if (stats != null) {
      checkpoints = stats.getCounts().getNumberOfCompletedCheckpoints();
      CompletedCheckpointStats last = stats.getHistory().getLatestCompletedCheckpoint();
      if (last != null) {
        Map<JobVertexID, ? extends AccessExecutionJobVertex> vertices = graph.getAllVertices();
        for (TaskStateStats task : last.getAllTaskStateStats()) {
          AccessExecutionJobVertex v = vertices.get(task.getJobVertexId());
          state.merge(v == null ? "?" : v.getName(), task.getStateSize(), Long::sum);
        }
      }
    }
    return new Run(
        name,
        events,
        (end - first) / 1e9,
        (end - start) / 1e9,
        state,
        checkpoints,
        jvmCpu,
        postgresCpu);
  }

  /**
   * The production Kafka source (AttributionJob's settings: committed offsets else earliest, {@link
   * RawRecordDeserializer}, bounded at the offsets present at start), whose deserializer also notes
   * when the first record arrived.
   */
  private static KafkaSource<RawRecord> source(JobSettings s, String topic) {
    return KafkaSource.<RawRecord>builder()
        .setBootstrapServers(s.kafkaBootstrapServers())
        .setTopics(topic)
        .setGroupId(s.kafkaGroupId())
        .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
        .setDeserializer(new Stamping())
        .setProperty("partition.discovery.interval.ms", "60000")
        .setBounded(OffsetsInitializer.latest())
        .build();
  }

  /** {@link RawRecordDeserializer} that stamps {@link #FIRST_RECORD} and counts {@link #READ}. */
  static final class Stamping implements KafkaRecordDeserializationSchema<RawRecord> {
    private final RawRecordDeserializer delegate = new RawRecordDeserializer();

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out)
        throws java.io.IOException {
      if (FIRST_RECORD.get() == 0) {
        FIRST_RECORD.compareAndSet(0, System.nanoTime());
      }
      READ.increment();
      delegate.deserialize(record, out);
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
      return delegate.getProducedType();
    }
  }

  /** Writes a record back as it came: key, value, timestamp. */
  static final class PassthroughSerializer implements KafkaRecordSerializationSchema<RawRecord> {
    private final String topic;

    PassthroughSerializer(String topic) {
      this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
        RawRecord r, KafkaSinkContext context, Long timestamp) {
      return new ProducerRecord<>(
          topic,
          null,
          r.timestampMillis(),
          r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8),
          r.value() == null ? null : r.value().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Command-line options. */
  record Options(
      long events,
      List<Integer> visitors,
      double paymentShare,
      int parallelism,
      int checkpointSeconds,
      int managedMb,
      int spanDays,
      Map<String, String> flink) {
    static Options parse(String[] args) {
      long events = 1_500_000;
      List<Integer> visitors = new ArrayList<>(List.of(100_000, 1_000_000));
      double share = 0.05;
      int parallelism = 2;
      int checkpoint = 5;
      int managed = 512;
      int span = 30;
      Map<String, String> flink = new LinkedHashMap<>();
      for (int i = 0; i + 1 < args.length; i += 2) {
        String v = args[i + 1];
        switch (args[i]) {
          case "--events" -> events = Long.parseLong(v.replace("_", ""));
          case "--visitors" -> {
            visitors.clear();
            for (String s : v.split(",")) {
              visitors.add(Integer.parseInt(s.trim().replace("_", "")));
            }
          }
          case "--payment-share" -> share = Double.parseDouble(v);
          case "--parallelism" -> parallelism = Integer.parseInt(v);
          case "--checkpoint-seconds" -> checkpoint = Integer.parseInt(v);
          case "--managed-mb" -> managed = Integer.parseInt(v);
          case "--span-days" -> span = Integer.parseInt(v);
          // a Flink or job option for both jobs, e.g. --flink pipeline.object-reuse=false
          case "--flink" ->
              flink.put(v.substring(0, v.indexOf('=')), v.substring(v.indexOf('=') + 1));
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      return new Options(events, visitors, share, parallelism, checkpoint, managed, span, flink);
    }
  }
}
