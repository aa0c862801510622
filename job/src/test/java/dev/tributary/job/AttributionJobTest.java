package dev.tributary.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.config.JobOptions;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** How {@code main} puts the job's configuration together from what the deployment gives. */
class AttributionJobTest {
  private static Configuration cluster() {
    // what `flink run -D…` and the cluster's config file give the job
    Configuration c = new Configuration();
    c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(10));
    c.setString("tributary.payments.settle-time", "5 s");
    c.setString("tributary.kafka.bootstrap-servers", "kafka:9092");
    return c;
  }

  @Test
  void theClusterConfigurationIsReadAndTheArgumentsWin() {
    Configuration given =
        AttributionJob.given(
            cluster(),
            Map.of("tributary.payments.settle-time", "7 s", "tributary.jdbc.url", "jdbc:x"),
            name -> null);
    assertThat(given.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("kafka:9092");
    assertThat(given.get(JobOptions.PAYMENT_SETTLE)).isEqualTo(Duration.ofSeconds(7));
    assertThat(given.get(JobOptions.JDBC_URL)).isEqualTo("jdbc:x");
  }

  @Test
  void productionDefaultsDoNotOverrideTheClustersOwnSettings() {
    Configuration conf =
        AttributionJob.withProductionDefaults(
            AttributionJob.given(cluster(), Map.of(), name -> null));
    assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
        .isEqualTo(Duration.ofSeconds(10));
    // where the cluster says nothing, the job's defaults apply
    assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
    assertThat(
            AttributionJob.withProductionDefaults(new Configuration())
                .get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void secretsComeFromTheEnvironmentOnlyWhereTheConfigurationHasNone() {
    Map<String, String> env =
        Map.of("TRIBUTARY_JDBC_PASSWORD", "from-env", "TRIBUTARY_EMAIL_HASH_KEY", "k".repeat(40));
    Configuration given = AttributionJob.given(cluster(), Map.of(), env::get);
    assertThat(given.get(JobOptions.JDBC_PASSWORD)).isEqualTo("from-env");
    assertThat(given.get(JobOptions.EMAIL_HASH_KEY)).isEqualTo("k".repeat(40));
    Configuration explicit =
        AttributionJob.given(cluster(), Map.of("tributary.jdbc.password", "arg"), env::get);
    assertThat(explicit.get(JobOptions.JDBC_PASSWORD)).isEqualTo("arg");
  }
}
