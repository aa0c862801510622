package dev.tributary.local;

import dev.tributary.job.AttributionJob;
import dev.tributary.job.config.JobOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Tributary job in a Flink MiniCluster inside this JVM ({@code
 * StreamExecutionEnvironment.getExecutionEnvironment(conf)} outside a cluster is a local
 * environment: {@code executeAsync} starts a MiniCluster for the job and stops it when the job
 * ends).
 *
 * <p>State: RocksDB, incremental checkpoints every few seconds into {@code
 * <data>/flink/checkpoints}, retained on cancellation ({@code RETAIN_ON_CANCELLATION}). A clean
 * stop takes a canonical savepoint into {@code <data>/flink/savepoints} and then deletes every
 * older snapshot. The next start restores from the newest complete one ({@link FlinkState}: the
 * savepoint after a clean stop, the last {@code chk-*} after a crash or kill -9) through {@code
 * execution.state-recovery.path}, so sessions, pending payments, dedupe state and the Kafka offsets
 * survive a restart. Without a snapshot (first start, {@code --fresh-state}) the job starts empty
 * and reads Kafka from the consumer group's committed offsets (else the earliest); the warehouse
 * sink is idempotent, so a re-read only costs time.
 */
public final class LocalFlink implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalFlink.class);

  /** What the job connects to and how the runner wants it run. */
  public record Settings(
      String kafkaBootstrapServers,
      String jdbcUrl,
      String jdbcUser,
      String jdbcPassword,
      Path flinkDir,
      int restPort,
      int parallelism,
      Duration checkpointInterval,
      boolean restoreState,
      boolean restartOnFailure,
      Map<String, String> extraOptions) {}

  private final JobClient job;
  private final FlinkState state;
  private final Optional<FlinkState.Snapshot> restoredFrom;
  private final int restPort;

  private LocalFlink(
      JobClient job, FlinkState state, Optional<FlinkState.Snapshot> restoredFrom, int restPort) {
    this.job = job;
    this.state = state;
    this.restoredFrom = restoredFrom;
    this.restPort = restPort;
  }

  /** Builds the job from the configuration and submits it; returns once it is submitted. */
  public static LocalFlink start(Settings settings) throws Exception {
    FlinkState state = new FlinkState(settings.flinkDir());
    Files.createDirectories(state.checkpointsDir());
    Files.createDirectories(state.savepointsDir());
    Optional<FlinkState.Snapshot> restore =
        settings.restoreState() ? state.newest() : Optional.empty();

    // RocksDB's working copies are scratch space (the truth is in the snapshots); a killed run
    // leaves its copies behind.
    FlinkState.deleteRecursively(rocksdbWorkingDir(state));

    int restPort = settings.restPort() == 0 ? Ports.freePort() : settings.restPort();
    Configuration conf = configuration(settings, state, restore, restPort);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    AttributionJob.buildFromConfig(env, conf);
    JobClient client;
    try {
      client = env.executeAsync("tributary");
    } catch (Exception e) {
      if (restore.isPresent()) {
        throw new RestoreFailed(restore.get(), e);
      }
      throw e;
    }
    return new LocalFlink(client, state, restore, restPort);
  }

  /** The job could not be started from the snapshot the runner picked. */
  public static final class RestoreFailed extends Exception {
    private final transient FlinkState.Snapshot snapshot;

    RestoreFailed(FlinkState.Snapshot snapshot, Exception cause) {
      super("the job could not start from " + snapshot.dir() + ": " + cause.getMessage(), cause);
      this.snapshot = snapshot;
    }

    public FlinkState.Snapshot snapshot() {
      return snapshot;
    }
  }

  /** The Flink configuration of the local job: the job's own options plus state and runtime. */
  static Configuration configuration(
      Settings settings, FlinkState state, Optional<FlinkState.Snapshot> restore, int restPort) {
    Configuration conf = new Configuration();
    conf.set(JobOptions.KAFKA_BOOTSTRAP_SERVERS, settings.kafkaBootstrapServers());
    conf.set(JobOptions.JDBC_URL, settings.jdbcUrl());
    conf.set(JobOptions.JDBC_USER, settings.jdbcUser());
    conf.set(JobOptions.JDBC_PASSWORD, settings.jdbcPassword());

    conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    conf.setString("state.backend.rocksdb.localdir", rocksdbWorkingDir(state).toString());
    conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, state.checkpointsDir().toUri().toString());
    conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, state.savepointsDir().toUri().toString());
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, settings.checkpointInterval());
    conf.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 1);
    restore.ifPresent(
        s -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, s.dir().toUri().toString()));

    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CoreOptions.DEFAULT_PARALLELISM, settings.parallelism());
    if (settings.restartOnFailure()) {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, Integer.MAX_VALUE);
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(5));
    } else {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    }
    conf.set(RestOptions.ADDRESS, "localhost");
    conf.set(RestOptions.BIND_ADDRESS, "localhost");
    conf.set(RestOptions.PORT, restPort);
    conf.set(RestOptions.BIND_PORT, String.valueOf(restPort));
    // Anything given with --job-option wins, Tributary's own options included.
    settings.extraOptions().forEach(conf::setString);
    return conf;
  }

  private static Path rocksdbWorkingDir(FlinkState state) {
    return state.checkpointsDir().getParent().resolve("rocksdb-working");
  }

  public JobClient jobClient() {
    return job;
  }

  /** The snapshot the job was started from, if any. */
  public Optional<FlinkState.Snapshot> restoredFrom() {
    return restoredFrom;
  }

  public FlinkState state() {
    return state;
  }

  /** Port of the MiniCluster's REST endpoint and web UI. */
  public int restPort() {
    return restPort;
  }

  public JobStatus status() {
    try {
      return job.getJobStatus().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      return JobStatus.FAILED;
    }
  }

  /** Waits until every task of the job is running (or the job ended), up to {@code timeout}. */
  public JobStatus awaitRunning(Duration timeout) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JobStatus s = status();
      if (s == JobStatus.RUNNING || s.isTerminalState()) {
        return s;
      }
      Thread.sleep(100);
    }
    throw new TimeoutException("the Flink job did not reach RUNNING within " + timeout);
  }

  /**
   * Stops the job: first with a savepoint (so that the next start resumes exactly here), and if
   * that fails or takes too long, by cancelling it (the last retained checkpoint stays). Waits
   * until the job has ended; its MiniCluster then shuts itself down.
   *
   * @return the savepoint path, or empty if the job was cancelled instead
   */
  public Optional<String> stop(Duration savepointTimeout) {
    if (status().isGloballyTerminalState()) {
      return Optional.empty();
    }
    try {
      String path =
          job.stopWithSavepoint(
                  false, state.savepointsDir().toUri().toString(), SavepointFormatType.CANONICAL)
              .get(savepointTimeout.toMillis(), TimeUnit.MILLISECONDS);
      awaitEnd(Duration.ofSeconds(30));
      pruneAllBut(path);
      return Optional.of(path);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("Stop with savepoint failed, cancelling the job instead: {}", e.toString());
    }
    try {
      job.cancel().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("Cancelling the Flink job failed: {}", e.toString());
    }
    awaitEnd(Duration.ofSeconds(30));
    return Optional.empty();
  }

  /**
   * A canonical savepoint is self-contained: once it exists, every older checkpoint and savepoint
   * can go. Pruning only here, after a successful stop, means that a snapshot that fails to restore
   * never costs the older ones.
   */
  private void pruneAllBut(String savepointPath) {
    try {
      Path saved = localPath(savepointPath);
      Optional<FlinkState.Snapshot> keep =
          state.all().stream().filter(snapshot -> snapshot.dir().equals(saved)).findFirst();
      if (keep.isPresent()) {
        int pruned = state.pruneAllBut(keep);
        LOG.info("Kept savepoint {}, deleted {} older snapshot directories", saved, pruned);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not delete old Flink snapshots: {}", e.toString());
    }
  }

  /** {@code file:/a/b}, {@code file:///a/b} or {@code /a/b} as a normalized local path. */
  static Path localPath(String pathOrUri) {
    Path p = pathOrUri.startsWith("file:") ? Path.of(URI.create(pathOrUri)) : Path.of(pathOrUri);
    return p.toAbsolutePath().normalize();
  }

  private void awaitEnd(Duration timeout) {
    try {
      job.getJobExecutionResult().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // A cancelled or stopped job completes its result exceptionally; that is the normal case.
      LOG.debug("Job ended: {}", e.toString());
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(30));
  }
}
