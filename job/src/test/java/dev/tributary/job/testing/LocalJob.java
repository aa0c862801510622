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
   * Production defaults, RocksDB in a temporary folder, no Kryo, parallelism 2 and no restarts (a
   * failing test job must fail the test, not retry forever).
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
    return conf;
  }
}
