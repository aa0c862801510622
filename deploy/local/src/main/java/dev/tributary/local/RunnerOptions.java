package dev.tributary.local;

import dev.tributary.job.config.JobOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command-line flags of the local runner.
 *
 * @param kafkaPort explicit port, or null for the default (19092 if free, else any)
 * @param postgresPort explicit port, or null for the default (54329 if free, else any)
 * @param flinkPort explicit REST port, or null for the default (8081 if free, else any)
 * @param livePort explicit port of the live page, or null for the default (8082 if free, else any)
 * @param livePage whether to serve the live page at all
 */
public record RunnerOptions(
    boolean help,
    boolean demo,
    double demoVisitorsPerMinute,
    Path dataDir,
    int port,
    Integer kafkaPort,
    Integer postgresPort,
    Integer flinkPort,
    Integer livePort,
    boolean livePage,
    int summaryEverySeconds,
    boolean startJob,
    boolean freshState,
    int parallelism,
    Duration checkpointInterval,
    Map<String, String> jobOptions) {

  public static final int DEFAULT_GATEWAY_PORT = 8080;
  public static final int DEFAULT_KAFKA_PORT = 19092;
  public static final int DEFAULT_POSTGRES_PORT = 54329;
  public static final int DEFAULT_FLINK_PORT = 8081;
  public static final int DEFAULT_LIVE_PORT = 8082;

  /**
   * Job options the runner sets unless {@code --job-option} overrides them: a payment is written a
   * few seconds after its webhook instead of the production defaults' half a minute.
   */
  public static final Map<String, String> LOCAL_JOB_DEFAULTS =
      Map.of(
          JobOptions.PAYMENT_SETTLE.key(), "3 s",
          JobOptions.OUT_OF_ORDERNESS.key(), "1 s",
          JobOptions.IDLENESS.key(), "1 s");

  public static final String USAGE =
      """
      Usage: deploy/local/run.sh [options]

      Starts Tributary in one JVM: a Kafka broker, PostgreSQL with the warehouse schema, the Flink
      job in a MiniCluster and the webhook gateway, with one site "demo".

        --demo                  play realistic traffic: visitors from Google (organic and ads),
                                Facebook ads, the newsletter and direct; signed Stripe webhooks
                                for their purchases (some linked by metadata, some not, some
                                delivered twice)
        --demo-rate <n>         new demo visitors per minute (default 30)
        --data-dir <path>       where Kafka, PostgreSQL and Flink keep their data across restarts
                                (default ./data)
        --port <n>              gateway HTTP port (default 8080, 0 = any free port)
        --kafka-port <n>        Kafka PLAINTEXT port (default 19092 if free, 0 = any)
        --pg-port <n>           PostgreSQL port (default 54329 if free, 0 = any)
        --flink-port <n>        Flink web UI / REST port (default 8081 if free, 0 = any)
        --live-port <n>         port of the live page, a read-only web view of the warehouse
                                (default 8082 if free, 0 = any; on localhost only)
        --no-live-page          do not serve the live page
        --summary-every <s>     print revenue by channel every <s> seconds (default 30 with
                                --demo, else 0 = off); in a terminal, Enter prints it too
        --no-job                do not start the Flink job (gateway, Kafka and PostgreSQL only)
        --fresh-state           start the job without restoring the last checkpoint/savepoint
        --parallelism <n>       Flink parallelism (default 2)
        --checkpoint-every <s>  checkpoint interval in seconds (default 5)
        --job-option k=v        set any job or Flink option, e.g.
                                --job-option tributary.payments.settle-time=30s (repeatable)
        -h, --help              this text
      """;

  /** Parses {@code args}; throws {@link IllegalArgumentException} with a message for the user. */
  public static RunnerOptions parse(String... args) {
    boolean help = false;
    boolean demo = false;
    double rate = 30;
    Path dataDir = Path.of("data");
    int port = DEFAULT_GATEWAY_PORT;
    Integer kafkaPort = null;
    Integer postgresPort = null;
    Integer flinkPort = null;
    Integer livePort = null;
    boolean livePage = true;
    Integer summaryEvery = null;
    boolean startJob = true;
    boolean fresh = false;
    int parallelism = 2;
    Duration checkpointInterval = Duration.ofSeconds(5);
    Map<String, String> jobOptions = new LinkedHashMap<>();

    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String inline = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0 && !arg.startsWith("--job-option=")) {
        inline = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      } else if (arg.startsWith("--job-option=")) {
        inline = arg.substring("--job-option=".length());
        arg = "--job-option";
      }
      switch (arg) {
        case "-h", "--help" -> help = true;
        case "--demo" -> demo = true;
        case "--no-job" -> startJob = false;
        case "--no-live-page" -> livePage = false;
        case "--fresh-state" -> fresh = true;
        case "--demo-rate" -> {
          rate = parseDouble(arg, inline != null ? inline : value(args, ++i, arg));
          if (rate <= 0) {
            throw new IllegalArgumentException("--demo-rate must be > 0");
          }
        }
        case "--data-dir" -> dataDir = Path.of(inline != null ? inline : value(args, ++i, arg));
        case "--port" -> port = port(arg, inline != null ? inline : value(args, ++i, arg));
        case "--kafka-port" ->
            kafkaPort = port(arg, inline != null ? inline : value(args, ++i, arg));
        case "--pg-port", "--postgres-port" ->
            postgresPort = port(arg, inline != null ? inline : value(args, ++i, arg));
        case "--flink-port" ->
            flinkPort = port(arg, inline != null ? inline : value(args, ++i, arg));
        case "--live-port" -> livePort = port(arg, inline != null ? inline : value(args, ++i, arg));
        case "--summary-every" -> {
          summaryEvery = parseInt(arg, inline != null ? inline : value(args, ++i, arg));
          if (summaryEvery < 0) {
            throw new IllegalArgumentException("--summary-every must be >= 0");
          }
        }
        case "--parallelism" -> {
          parallelism = parseInt(arg, inline != null ? inline : value(args, ++i, arg));
          if (parallelism < 1 || parallelism > 64) {
            throw new IllegalArgumentException("--parallelism must be between 1 and 64");
          }
        }
        case "--checkpoint-every" -> {
          int s = parseInt(arg, inline != null ? inline : value(args, ++i, arg));
          if (s < 1) {
            throw new IllegalArgumentException("--checkpoint-every must be >= 1 second");
          }
          checkpointInterval = Duration.ofSeconds(s);
        }
        case "--job-option" -> {
          String kv = inline != null ? inline : value(args, ++i, arg);
          int sep = kv.indexOf('=');
          if (sep <= 0) {
            throw new IllegalArgumentException("--job-option wants key=value, got '" + kv + "'");
          }
          jobOptions.put(kv.substring(0, sep).trim(), kv.substring(sep + 1).trim());
        }
        default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
      }
    }
    int summary = summaryEvery != null ? summaryEvery : (demo ? 30 : 0);
    return new RunnerOptions(
        help,
        demo,
        rate,
        dataDir,
        port,
        kafkaPort,
        postgresPort,
        flinkPort,
        livePort,
        livePage,
        summary,
        startJob,
        fresh,
        parallelism,
        checkpointInterval,
        jobOptions);
  }

  /** The job options to use: the local defaults, then what the user gave. */
  public Map<String, String> effectiveJobOptions() {
    Map<String, String> all = new LinkedHashMap<>(LOCAL_JOB_DEFAULTS);
    all.putAll(jobOptions);
    return all;
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static int port(String flag, String value) {
    int p = parseInt(flag, value);
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException(flag + " must be a port between 0 and 65535");
    }
    return p;
  }

  private static int parseInt(String flag, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " wants a whole number, got '" + value + "'");
    }
  }

  private static double parseDouble(String flag, String value) {
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " wants a number, got '" + value + "'");
    }
  }
}
