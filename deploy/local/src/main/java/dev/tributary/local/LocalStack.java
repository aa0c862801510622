package dev.tributary.local;

import dev.tributary.gateway.GatewayApp;
import dev.tributary.gateway.config.GatewayConfig;
import dev.tributary.gateway.config.SiteConfig;
import dev.tributary.job.ops.WarehouseMigrations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole Tributary stack in this JVM: a Kafka broker, PostgreSQL with the warehouse schema, the
 * Flink job in a MiniCluster, and the webhook gateway. Used by {@link LocalRunner} and by the
 * end-to-end test.
 *
 * <p>Start order: Kafka and PostgreSQL (in parallel), warehouse migrations, the job, the gateway.
 * {@link #close()} stops in the reverse order: gateway, job, Kafka, PostgreSQL.
 */
public final class LocalStack implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

  public static final String TOPIC_WEBHOOKS = "tributary.webhooks";
  public static final String TOPIC_TRACKING = "tributary.tracking";
  public static final String TOPIC_DEADLETTER = "tributary.deadletter";

  /**
   * A site the local stack serves.
   *
   * @param stripeSecret the Stripe endpoint secret ({@code whsec_…}) webhooks are signed with
   * @param apiKey the key of the custom Payment API ({@code Authorization: Bearer …})
   * @param webhookSecrets the other providers' secrets by provider name (Gumroad: the URL token)
   */
  public record Site(
      String siteId, String stripeSecret, String apiKey, Map<String, String> webhookSecrets) {

    public Site {
      webhookSecrets = Map.copyOf(webhookSecrets);
    }

    /** A site with a Stripe endpoint and the Payment API only. */
    public Site(String siteId, String stripeSecret, String apiKey) {
      this(siteId, stripeSecret, apiKey, Map.of());
    }

    SiteConfig toConfig() {
      Map<String, List<String>> others = new java.util.TreeMap<>();
      webhookSecrets.forEach((provider, secret) -> others.put(provider, List.of(secret)));
      return new SiteConfig(siteId, List.of(stripeSecret), List.of(apiKey), List.of(), others);
    }

    @Override
    public String toString() {
      return "Site[siteId=" + siteId + ", secrets redacted]";
    }
  }

  /**
   * How to run the stack. Ports: 0 = any free port. {@code sites}: the gateway's sites, the first
   * one is "the" site of the runner (demo traffic, banner).
   */
  public record Settings(
      Path dataDir,
      int gatewayPort,
      int kafkaPort,
      int postgresPort,
      int flinkRestPort,
      int topicPartitions,
      boolean startJob,
      boolean restoreJobState,
      boolean restartJobOnFailure,
      int parallelism,
      Duration checkpointInterval,
      List<Site> sites,
      Map<String, String> jobOptions) {

    public Settings {
      dataDir = dataDir.toAbsolutePath().normalize();
      sites = List.copyOf(sites);
      if (sites.isEmpty()) {
        throw new IllegalArgumentException("at least one site");
      }
      jobOptions = Map.copyOf(jobOptions);
    }
  }

  /** How long one component took to start. */
  public record Timing(String component, long millis) {}

  /** Receives a line per started component; the runner prints them, the test too. */
  @FunctionalInterface
  public interface Progress {
    void started(String component, long millis, String detail);
  }

  private final Settings settings;
  private final List<Timing> timings = Collections.synchronizedList(new ArrayList<>());
  private EmbeddedKafka kafka;
  private LocalPostgres postgres;
  private LocalFlink flink;
  private GatewayApp gateway;
  private long totalMillis;
  private boolean closed;

  private LocalStack(Settings settings) {
    this.settings = settings;
  }

  /** Creates and starts a stack; see {@link #start(Progress)}. */
  public static LocalStack start(Settings settings, Progress progress) throws Exception {
    LocalStack stack = create(settings);
    stack.start(progress);
    return stack;
  }

  /** A stack that is not started yet. */
  public static LocalStack create(Settings settings) {
    return new LocalStack(settings);
  }

  /**
   * Starts every component; on failure, stops what already runs and rethrows. A {@link #close()}
   * from another thread (Ctrl-C) waits until the start has finished, then stops everything.
   */
  public synchronized void start(Progress progress) throws Exception {
    if (closed) {
      throw new IllegalStateException("the stack was closed");
    }
    try {
      startAll(progress);
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  private void startAll(Progress progress) throws Exception {
    long t0 = System.nanoTime();
    Path data = settings.dataDir();

    // Kafka and PostgreSQL do not need each other: start them side by side.
    CompletableFuture<EmbeddedKafka> kafkaStart =
        CompletableFuture.supplyAsync(
            () ->
                timed(
                    "kafka",
                    progress,
                    () ->
                        EmbeddedKafka.start(
                            data.resolve("kafka"),
                            settings.kafkaPort(),
                            List.of(
                                new EmbeddedKafka.Topic(TOPIC_WEBHOOKS, settings.topicPartitions()),
                                new EmbeddedKafka.Topic(TOPIC_TRACKING, settings.topicPartitions()),
                                new EmbeddedKafka.Topic(
                                    TOPIC_DEADLETTER, settings.topicPartitions()))),
                    k -> k.bootstrapServers() + " (logs in " + k.logDir() + ")"));
    CompletableFuture<LocalPostgres> postgresStart =
        CompletableFuture.supplyAsync(
            () ->
                timed(
                    "postgres",
                    progress,
                    () -> LocalPostgres.start(data.resolve("postgres"), settings.postgresPort()),
                    p -> p.jdbcUrl()));
    try {
      postgres = postgresStart.join();
    } catch (CompletionException e) {
      kafka = kafkaStart.exceptionally(x -> null).join();
      throw unwrap(e);
    }
    try {
      kafka = kafkaStart.join();
    } catch (CompletionException e) {
      throw unwrap(e);
    }

    timed(
        "migrations",
        progress,
        () -> {
          WarehouseMigrations.migrate(postgres.jdbcUrl(), postgres.user(), postgres.password());
          return postgres;
        },
        p -> "warehouse schema up to date");

    if (settings.startJob()) {
      flink =
          timed(
              "flink job",
              progress,
              () -> {
                LocalFlink f =
                    LocalFlink.start(
                        new LocalFlink.Settings(
                            kafka.bootstrapServers(),
                            postgres.jdbcUrl(),
                            postgres.user(),
                            postgres.password(),
                            data.resolve("flink"),
                            settings.flinkRestPort(),
                            settings.parallelism(),
                            settings.checkpointInterval(),
                            settings.restoreJobState(),
                            settings.restartJobOnFailure(),
                            settings.jobOptions()));
                f.awaitRunning(Duration.ofSeconds(120));
                return f;
              },
              f ->
                  f.jobClient().getJobID()
                      + " "
                      + f.status()
                      + f.restoredFrom()
                          .map(s -> ", restored from " + data.relativize(s.dir()))
                          .orElse(", fresh state"));
    }

    gateway =
        timed(
            "gateway",
            progress,
            () ->
                GatewayApp.start(
                    new GatewayConfig(
                        settings.gatewayPort(),
                        kafka.bootstrapServers(),
                        settings.sites().stream().map(Site::toConfig).toList())),
            g -> "http://localhost:" + g.port());
    totalMillis = (System.nanoTime() - t0) / 1_000_000;
  }

  /** A start-up step that may throw. */
  @FunctionalInterface
  private interface Step<T> {
    T run() throws Exception;
  }

  private <T> T timed(
      String component, Progress progress, Step<T> step, Function<T, String> detail) {
    long start = System.nanoTime();
    T result;
    try {
      result = step.run();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new CompletionException(component + " failed to start: " + e.getMessage(), e);
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    timings.add(new Timing(component, millis));
    if (progress != null) {
      progress.started(component, millis, detail.apply(result));
    }
    return result;
  }

  /** The failure inside {@code supplyAsync}'s wrapper ("<component> failed to start: …"). */
  private static Exception unwrap(CompletionException e) {
    return e.getCause() instanceof Exception cause ? cause : e;
  }

  public Settings settings() {
    return settings;
  }

  /** The first (main) site. */
  public Site site() {
    return settings.sites().get(0);
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  public LocalPostgres postgres() {
    return postgres;
  }

  /** The job, if it was started. */
  public Optional<LocalFlink> flink() {
    return Optional.ofNullable(flink);
  }

  public int gatewayPort() {
    return gateway.port();
  }

  public String gatewayUrl() {
    return "http://localhost:" + gateway.port();
  }

  /** Start-up time of each component, in start order. */
  public List<Timing> timings() {
    synchronized (timings) {
      return List.copyOf(timings);
    }
  }

  /** Wall-clock time of the whole start, in milliseconds. */
  public long startupMillis() {
    return totalMillis;
  }

  /** Stops gateway, job, Kafka and PostgreSQL, in that order; never throws. */
  @Override
  public synchronized void close() {
    closed = true;
    if (gateway != null) {
      quietly("gateway", gateway::close);
      gateway = null;
    }
    if (flink != null) {
      LocalFlink f = flink;
      flink = null;
      quietly(
          "flink job",
          () ->
              f.stop(Duration.ofSeconds(30))
                  .ifPresent(path -> LOG.info("Savepoint for the next start: {}", path)));
    }
    if (kafka != null) {
      quietly("kafka", kafka::close);
      kafka = null;
    }
    if (postgres != null) {
      quietly("postgres", postgres::close);
      postgres = null;
    }
  }

  @FunctionalInterface
  private interface Action {
    void run() throws Exception;
  }

  private static void quietly(String component, Action action) {
    try {
      action.run();
    } catch (Exception e) {
      LOG.warn("Stopping {} failed: {}", component, e.toString());
    }
  }
}
