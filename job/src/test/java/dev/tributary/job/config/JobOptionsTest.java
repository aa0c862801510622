package dev.tributary.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.Test;

class JobOptionsTest {
  private static final String KEY = "k".repeat(16) + "0123456789abcdef0123";

  private static Configuration required() {
    Configuration c = new Configuration();
    c.set(JobOptions.KAFKA_BOOTSTRAP_SERVERS, "localhost:9092");
    c.set(JobOptions.JDBC_URL, "jdbc:postgresql://localhost/tributary");
    return c;
  }

  @Test
  void flinkHidesTheEmailHashSecretAndThePasswordWhereverItShowsConfiguration() {
    // the web UI, the REST API and the logs print a job's configuration with these values hidden
    assertThat(GlobalConfiguration.isSensitive(JobOptions.EMAIL_HASH_KEY.key())).isTrue();
    assertThat(GlobalConfiguration.isSensitive(JobOptions.JDBC_PASSWORD.key())).isTrue();
  }

  @Test
  void theEmailHashSecretIsReadUnderItsFirstNameToo() {
    Configuration c = required();
    c.setString("tributary.privacy.email-hash-key", KEY);
    assertThat(JobOptions.settings(c).emailHashKey()).isEqualTo(KEY);
  }

  @Test
  void aShortEmailHashSecretStopsTheStartWithoutShowingIt() {
    Configuration c = required();
    c.set(JobOptions.EMAIL_HASH_KEY, "too-short-secret");
    assertThatThrownBy(() -> JobOptions.settings(c))
        .hasMessageContaining("at least 32 characters")
        .hasMessageNotContaining("too-short-secret");
  }

  @Test
  void aMisspeltOptionStopsTheStartInsteadOfBeingIgnored() {
    Configuration c = required();
    c.setString("tributary.payments.settle-tme", "5 s");
    c.setString("execution.checkpointing.interval", "10 s"); // Flink's own keys are Flink's
    assertThatThrownBy(() -> JobOptions.settings(c))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown option(s) tributary.payments.settle-tme");
  }

  @Test
  void everyRuleNamesItsKey() {
    Configuration c = required();
    c.set(JobOptions.IDLENESS, java.time.Duration.ZERO);
    assertThatThrownBy(() -> JobOptions.settings(c))
        .hasMessage("tributary.watermark.idleness must be > 0, was PT0S");
    Configuration d = required();
    d.set(JobOptions.JDBC_URL, " ");
    assertThatThrownBy(() -> JobOptions.settings(d))
        .hasMessageStartingWith("tributary.jdbc.url is required");
    Configuration e = required();
    e.set(JobOptions.TIMESTAMP_MAX_CANDIDATES, 0);
    assertThatThrownBy(() -> JobOptions.settings(e))
        .hasMessage("tributary.attribution.timestamp-max-candidates must be > 0, was 0");
  }

  @Test
  void everyOptionIsDeclaredOnceWithADescriptionOrAnObviousName() {
    assertThat(JobOptions.all()).extracting(o -> o.key()).doesNotHaveDuplicates().hasSize(31);
    assertThat(JobOptions.all()).allSatisfy(o -> assertThat(o.key()).startsWith("tributary."));
  }
}
