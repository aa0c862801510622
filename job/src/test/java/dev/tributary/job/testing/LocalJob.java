package dev.tributary.job.testing;

import dev.tributary.job.AttributionJob;
import dev.tributary.job.config.JobOptions;
import java.nio.file.Files;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;

/** The job's configuration for a bounded test run against an embedded broker and warehouse. */
public final class LocalJob {
  private LocalJob() {}

  /**
   * Production defaults, RocksDB and checkpoints in temporary folders, no Kryo, parallelism 2 and
   * no restarts (a failing test job must fail the test, not retry forever).
   */
  public static Configuration configuration(EmbeddedKafka kafka, EmbeddedWarehouse warehouse)
      throws Exception {
    Configuration conf = AttributionJob.withProductionDefaults(new Configuration());
    conf.set(JobOptions.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    conf.set(JobOptions.JDBC_URL, warehouse.jdbcUrl());
    conf.set(JobOptions.JDBC_USER, "postgres");
    conf.set(JobOptions.JDBC_PASSWORD, "postgres");
    conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    conf.set(
        RocksDBOptions.LOCAL_DIRECTORIES,
        Files.createTempDirectory("rocksdb").toAbsolutePath().toString());
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    // checkpoints on disk, as in every deployment: without a directory Flink keeps them in the
    // JobManager's memory, which refuses a state of a few MB and fails the checkpoint (the long
    // hostile run's second seed did)
    conf.set(
        org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY,
        Files.createTempDirectory("checkpoints").toUri().toString());
    return conf;
  }

  /**
   * Runs the job over the bounded topics of {@code conf} (read to their end offsets) with the
   * production sinks, until it finishes; returns its settings.
   */
  public static dev.tributary.job.config.JobSettings runBounded(Configuration conf, String name)
      throws Exception {
    var settings = JobOptions.settings(conf);
    var env =
        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment
            .getExecutionEnvironment(conf);
    dev.tributary.job.Pipeline.build(
        env,
        settings,
        AttributionJob.kafkaSources(settings, true),
        AttributionJob.productionSinks(settings));
    env.execute(name);
    return settings;
  }
}
