package dev.tributary.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RunnerOptionsTest {

  @Test
  void defaults() {
    RunnerOptions o = RunnerOptions.parse();
    assertThat(o.demo()).isFalse();
    assertThat(o.dataDir()).isEqualTo(Path.of("data"));
    assertThat(o.port()).isEqualTo(8080);
    assertThat(o.kafkaPort()).isNull();
    assertThat(o.livePort()).isNull();
    assertThat(o.livePage()).isTrue();
    assertThat(o.summaryEverySeconds()).isZero();
    assertThat(o.startJob()).isTrue();
    assertThat(o.checkpointInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(o.effectiveJobOptions()).containsAllEntriesOf(RunnerOptions.LOCAL_JOB_DEFAULTS);
  }

  @Test
  void flagsWithSeparateAndInlineValues() {
    RunnerOptions o =
        RunnerOptions.parse(
            "--demo",
            "--data-dir",
            "/tmp/x",
            "--port=0",
            "--summary-every",
            "10",
            "--no-job",
            "--fresh-state",
            "--live-port=0",
            "--job-option",
            "tributary.payments.settle-time=30 s",
            "--job-option=parallelism.default=1");
    assertThat(o.demo()).isTrue();
    assertThat(o.dataDir()).isEqualTo(Path.of("/tmp/x"));
    assertThat(o.port()).isZero();
    assertThat(o.summaryEverySeconds()).isEqualTo(10);
    assertThat(o.startJob()).isFalse();
    assertThat(o.freshState()).isTrue();
    assertThat(o.livePort()).isZero();
    assertThat(RunnerOptions.parse("--no-live-page").livePage()).isFalse();
    assertThat(o.effectiveJobOptions())
        .containsEntry("tributary.payments.settle-time", "30 s")
        .containsEntry("parallelism.default", "1");
  }

  @Test
  void demoPrintsASummaryEveryHalfMinuteUnlessToldOtherwise() {
    assertThat(RunnerOptions.parse("--demo").summaryEverySeconds()).isEqualTo(30);
    assertThat(RunnerOptions.parse("--demo", "--summary-every", "0").summaryEverySeconds())
        .isZero();
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> RunnerOptions.parse("--bogus"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--bogus");
    assertThatThrownBy(() -> RunnerOptions.parse("--port", "http"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RunnerOptions.parse("--port", "70000"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RunnerOptions.parse("--data-dir"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a value");
    assertThatThrownBy(() -> RunnerOptions.parse("--job-option", "novalue"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
