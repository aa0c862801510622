package dev.tributary.job;

import dev.tributary.job.config.JobOptions;
import dev.tributary.job.config.JobSettings;
import dev.tributary.job.deadletter.DeadLetterSerializer;
import dev.tributary.job.ingest.RawRecord;
import dev.tributary.job.ingest.RawRecordDeserializer;
import dev.tributary.job.warehouse.WarehouseSinks;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: configuration → Kafka sources, JDBC and dead-letter sinks → {@link Pipeline}.
 *
 * <p>Options come from the Flink configuration (cluster config file or {@code -D}) and from {@code
 * --key value} program arguments, e.g. {@code --tributary.jdbc.url jdbc:postgresql://…}; the
 * arguments win. An unknown {@code tributary.*} key stops the start.
 */
public final class AttributionJob {
  private static final Logger LOG = LoggerFactory.getLogger(AttributionJob.class);

  private AttributionJob() {}

  public static void main(String[] args) throws Exception {
    // the cluster's own configuration: its config file and the -D dynamic properties of `flink run`
    ReadableConfig cluster =
        StreamExecutionEnvironment.getExecutionEnvironment().getConfiguration();
    Configuration conf =
        withProductionDefaults(
            given(cluster, ParameterTool.fromArgs(args).toMap(), System::getenv));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    buildFromConfig(env, conf);
    env.execute("tributary");
  }

  /**
   * What the deployment says, most specific first: program arguments ({@code --key value}) over the
   * cluster's configuration (config file, {@code -D}); the JDBC password and the email hashing key
   * from the environment where neither gives them (a Kubernetes Secret, so that they never show in
   * the job's arguments or on the Flink UI).
   */
  static Configuration given(
      ReadableConfig cluster, Map<String, String> args, Function<String, String> environment) {
    Configuration given = Configuration.fromMap(cluster.toMap());
    given.addAll(Configuration.fromMap(args));
    String password = environment.apply("TRIBUTARY_JDBC_PASSWORD");
    if (password != null && !given.contains(JobOptions.JDBC_PASSWORD)) {
      given.set(JobOptions.JDBC_PASSWORD, password);
    }
    // the gateway reads the same variable
    String emailHashKey = environment.apply("TRIBUTARY_EMAIL_HASH_KEY");
    if (emailHashKey != null && !given.contains(JobOptions.EMAIL_HASH_KEY)) {
      given.set(JobOptions.EMAIL_HASH_KEY, emailHashKey);
    }
    return given;
  }

  /**
   * The Flink settings the job is designed for, where the given configuration (the cluster's and
   * the job's arguments) does not say otherwise: a cluster's own checkpoint interval or state
   * backend is kept. RocksDB with incremental checkpoints every 30 s, retained on cancel so a
   * redeploy can restore from them, and no Kryo fallback so state stays evolvable.
   */
  public static Configuration withProductionDefaults(Configuration given) {
    Configuration conf = new Configuration();
    conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(30));
    conf.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    // every record type is an immutable Java record and no operator keeps or changes an input it
    // was handed, so chained operators may pass records on without a defensive copy
    conf.set(PipelineOptions.OBJECT_REUSE, true);
    conf.addAll(given);
    return conf;
  }

  /** Validates the options in {@code conf} and adds the production topology to {@code env}. */
  public static JobSettings buildFromConfig(StreamExecutionEnvironment env, Configuration conf) {
    JobSettings s = JobOptions.settings(conf);
    LOG.info("starting with {}", s);
    Pipeline.build(env, s, kafkaSources(s, false), productionSinks(s));
    return s;
  }

  /**
   * Kafka sources for both topics. Offsets live in Flink's checkpoints; a first start reads from
   * the earliest offset so that history already in Kafka is attributed. {@code bounded} stops at
   * the offsets current at start (tests and backfills).
   */
  public static Pipeline.Sources kafkaSources(JobSettings s, boolean bounded) {
    return new Pipeline.Sources(
        kafkaSource(s, s.webhooksTopic(), bounded), kafkaSource(s, s.trackingTopic(), bounded));
  }

  private static KafkaSource<RawRecord> kafkaSource(JobSettings s, String topic, boolean bounded) {
    var builder =
        KafkaSource.<RawRecord>builder()
            .setBootstrapServers(s.kafkaBootstrapServers())
            .setTopics(topic)
            .setGroupId(s.kafkaGroupId())
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setDeserializer(new RawRecordDeserializer())
            .setProperty("partition.discovery.interval.ms", "60000");
    if (bounded) {
      builder.setBounded(OffsetsInitializer.latest());
    }
    return builder.build();
  }

  public static Pipeline.Sinks productionSinks(JobSettings s) {
    return new Pipeline.Sinks(
        WarehouseSinks.sessions(s),
        WarehouseSinks.payments(s),
        WarehouseSinks.refunds(s),
        KafkaSink.<dev.tributary.job.deadletter.DeadLetter>builder()
            .setBootstrapServers(s.kafkaBootstrapServers())
            .setRecordSerializer(new DeadLetterSerializer(s.deadLetterTopic()))
            .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
            .build());
  }
}
