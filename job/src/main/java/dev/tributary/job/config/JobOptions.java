package dev.tributary.job.config;

import dev.tributary.job.payments.MetadataKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * Every setting of the Tributary job, as Flink {@link ConfigOption}s so that they can be given in
 * the cluster's config file, as {@code -D} dynamic properties, or by the local runner. {@link
 * #settings(Configuration)} validates them once at start and turns them into {@link JobSettings}.
 */
public final class JobOptions {
  private JobOptions() {}

  /**
   * Every option with the rule its value must follow, in declaration order: an option is declared
   * once, with its key, default, description and rule together ({@link #settings} checks them all
   * and refuses any {@code tributary.*} key that is not one of them).
   */
  private static final List<Rule<?>> RULES = new ArrayList<>();

  private record Rule<T>(ConfigOption<T> option, Predicate<T> valid, String must, boolean secret) {
    void check(Configuration conf) {
      T value = conf.get(option);
      if (!valid.test(value)) {
        throw new IllegalArgumentException(
            option.key()
                + " "
                + must
                + (secret ? "" : ", was " + value)
                + (secret && value instanceof String v ? " (it was " + v.length() + ")" : ""));
      }
    }
  }

  private static <T> ConfigOption<T> rule(
      ConfigOption<T> option, Predicate<T> valid, String must, boolean secret) {
    RULES.add(new Rule<>(option, valid, must, secret));
    return option;
  }

  private static <T> ConfigOption<T> any(ConfigOption<T> option) {
    return rule(option, v -> true, "", false);
  }

  private static ConfigOption<String> required(ConfigOption<String> option) {
    return rule(option, v -> v != null && !v.isBlank(), "is required", false);
  }

  private static ConfigOption<Integer> positiveCount(ConfigOption<Integer> option) {
    return rule(option, v -> v != null && v > 0, "must be > 0", false);
  }

  private static ConfigOption<Duration> positive(ConfigOption<Duration> option) {
    return rule(option, d -> d != null && !d.isZero() && !d.isNegative(), "must be > 0", false);
  }

  private static ConfigOption<Duration> nonNegative(ConfigOption<Duration> option) {
    return rule(option, d -> d != null && !d.isNegative(), "must be >= 0", false);
  }

  private static ConfigOption<List<String>> nonEmpty(ConfigOption<List<String>> option) {
    return rule(option, v -> v != null && !v.isEmpty(), "must not be empty", false);
  }

  private static ConfigOption<String> hashSecret(ConfigOption<String> option) {
    return rule(
        option,
        v -> v == null || v.isEmpty() || v.length() >= 32,
        "must be at least 32 characters",
        true);
  }

  public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS =
      required(
          ConfigOptions.key("tributary.kafka.bootstrap-servers")
              .stringType()
              .noDefaultValue()
              .withDescription("Kafka bootstrap servers, host:port[,host:port]. Required."));

  public static final ConfigOption<String> KAFKA_GROUP_ID =
      required(
          ConfigOptions.key("tributary.kafka.group-id")
              .stringType()
              .defaultValue("tributary-job")
              .withDescription(
                  "Consumer group id (offsets live in Flink checkpoints; this is for lag)."));

  public static final ConfigOption<String> TOPIC_WEBHOOKS =
      required(
          ConfigOptions.key("tributary.topic.webhooks")
              .stringType()
              .defaultValue("tributary.webhooks"));

  public static final ConfigOption<String> TOPIC_TRACKING =
      required(
          ConfigOptions.key("tributary.topic.tracking")
              .stringType()
              .defaultValue("tributary.tracking"));

  public static final ConfigOption<String> TOPIC_DEADLETTER =
      required(
          ConfigOptions.key("tributary.topic.deadletter")
              .stringType()
              .defaultValue("tributary.deadletter"));

  public static final ConfigOption<String> JDBC_URL =
      required(
          ConfigOptions.key("tributary.jdbc.url")
              .stringType()
              .noDefaultValue()
              .withDescription("PostgreSQL JDBC URL of the warehouse. Required."));

  public static final ConfigOption<String> JDBC_USER =
      any(ConfigOptions.key("tributary.jdbc.user").stringType().defaultValue("postgres"));

  public static final ConfigOption<String> JDBC_PASSWORD =
      any(ConfigOptions.key("tributary.jdbc.password").stringType().defaultValue(""));

  public static final ConfigOption<Integer> JDBC_BATCH_SIZE =
      positiveCount(ConfigOptions.key("tributary.jdbc.batch-size").intType().defaultValue(500));

  public static final ConfigOption<Duration> JDBC_BATCH_INTERVAL =
      positive(
          ConfigOptions.key("tributary.jdbc.batch-interval")
              .durationType()
              .defaultValue(Duration.ofMillis(200))
              .withDescription(
                  "Longest time a row waits in the sink's batch before it is written."));

  public static final ConfigOption<Duration> JDBC_SESSIONS_INTERVAL =
      positive(
          ConfigOptions.key("tributary.jdbc.sessions-interval")
              .durationType()
              .defaultValue(Duration.ofSeconds(1))
              .withDescription(
                  "How stale a sessions row may be: each session's row is written at most once per"
                      + " interval, with its latest state, so a visitor's pageviews within it are one"
                      + " upsert. The warehouse is written at the rate dashboards read it, not at the"
                      + " rate pageviews arrive."));

  public static final ConfigOption<Integer> JDBC_SESSIONS_HELD_ROWS =
      positiveCount(
          ConfigOptions.key("tributary.jdbc.sessions-held-rows")
              .intType()
              .defaultValue(20_000)
              .withDescription(
                  "Most sessions a sink subtask holds before it writes them early (bounds its memory"
                      + " at about 1 KB per row)."));

  public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
      nonNegative(
          ConfigOptions.key("tributary.watermark.out-of-orderness")
              .durationType()
              .defaultValue(Duration.ofSeconds(5))
              .withDescription(
                  "How far behind the newest event time a record may arrive and still wait."));

  public static final ConfigOption<Duration> IDLENESS =
      positive(
          ConfigOptions.key("tributary.watermark.idleness")
              .durationType()
              .defaultValue(Duration.ofSeconds(10))
              .withDescription(
                  "After this long without records a Kafka partition's watermark follows the wall"
                      + " clock, so that a quiet system still settles and attributes payments."));

  public static final ConfigOption<Duration> REPLAY_THRESHOLD =
      positive(
          ConfigOptions.key("tributary.watermark.replay-threshold")
              .durationType()
              .defaultValue(Duration.ofMinutes(5))
              .withDescription(
                  "A record read more than this after its event time marks its partition as replaying"
                      + " history or catching up: until a record is read within this bound again, the"
                      + " partition's watermark follows its records only, never the wall clock, so a"
                      + " replay held up by backpressure does not leap to the present."));

  public static final ConfigOption<Duration> PAYMENT_SETTLE =
      nonNegative(
          ConfigOptions.key("tributary.payments.settle-time")
              .durationType()
              .defaultValue(Duration.ofSeconds(30))
              .withDescription(
                  "Event time a payment waits for the other events that describe the same money."));

  public static final ConfigOption<Duration> MAX_FUTURE_SKEW =
      nonNegative(
          ConfigOptions.key("tributary.time.max-future-skew")
              .durationType()
              .defaultValue(Duration.ofHours(1))
              .withDescription(
                  "How far after its record's receive time an event's own time may lie; a later time"
                      + " (local time labelled Z, a mistyped year) is replaced by the receive time and"
                      + " counted in futureTimesClamped, so no payment waits on a clock beyond belief."));

  public static final ConfigOption<Duration> API_LINK_WAIT =
      nonNegative(
          ConfigOptions.key("tributary.payments.api-link-wait")
              .durationType()
              .defaultValue(Duration.ofHours(1))
              .withDescription(
                  "How long a Payment API call that names a provider's secondary id (a Stripe"
                      + " Checkout Session, charge or invoice) waits, in event time after it was"
                      + " received, for the provider's webhook that links the id to its payment; then"
                      + " it is booked under that id."));

  public static final ConfigOption<Duration> PAYMENT_DEDUPE_RETENTION =
      positive(
          ConfigOptions.key("tributary.payments.dedupe-retention")
              .durationType()
              .defaultValue(Duration.ofDays(35))
              .withDescription(
                  "How long an emitted payment is remembered to swallow late retries."));

  public static final ConfigOption<Duration> LOOKBACK =
      positive(
          ConfigOptions.key("tributary.attribution.lookback")
              .durationType()
              .defaultValue(Duration.ofDays(30))
              .withDescription("How far back a visitor's touches count for a payment."));

  public static final ConfigOption<Duration> TIME_DECAY_HALF_LIFE =
      positive(
          ConfigOptions.key("tributary.attribution.time-decay-half-life")
              .durationType()
              .defaultValue(Duration.ofDays(7))
              .withDescription("Half-life of a touch's credit in the time-decay model."));

  public static final ConfigOption<Duration> TIMESTAMP_WINDOW =
      positive(
          ConfigOptions.key("tributary.attribution.timestamp-window")
              .durationType()
              .defaultValue(Duration.ofMinutes(30))
              .withDescription(
                  "Fallback link: visitors active on the site within this long before an otherwise"
                      + " unlinked payment are its candidates."));

  public static final ConfigOption<Integer> TIMESTAMP_MAX_CANDIDATES =
      positiveCount(
          ConfigOptions.key("tributary.attribution.timestamp-max-candidates")
              .intType()
              .defaultValue(5)
              .withDescription(
                  "The most visitors the timestamp fallback splits a payment over; with more active"
                      + " in the window the payment is unattributed, with that reason."));

  public static final ConfigOption<List<String>> TIMESTAMP_DISABLED_SITES =
      any(
          ConfigOptions.key("tributary.attribution.timestamp-fallback-disabled-sites")
              .stringType()
              .asList()
              .defaultValues()
              .withDescription("Sites whose unlinked payments never use the timestamp fallback."));

  public static final ConfigOption<String> EMAIL_HASH_KEY =
      hashSecret(
          // "secret" in the key: Flink hides the value in its web UI, REST API and logs ("key"
          // alone
          // is not one of the words it hides); the first name still works
          ConfigOptions.key("tributary.privacy.email-hash-secret")
              .stringType()
              .defaultValue("")
              .withDeprecatedKeys("tributary.privacy.email-hash-key")
              .withDescription(
                  "The deployment's email hashing key (at least 32 characters; the same value as the"
                      + " gateway's TRIBUTARY_EMAIL_HASH_KEY): payer emails are hashed with"
                      + " HMAC-SHA256 under a key derived per site, so a hash cannot be reversed with"
                      + " an email list nor matched across sites. Empty: bare SHA-256 (versions before"
                      + " 0.2; see the README for the migration)."));

  public static final ConfigOption<List<String>> KEPT_QUERY_PARAMETERS =
      any(
          ConfigOptions.key("tributary.privacy.kept-query-parameters")
              .stringType()
              .asList()
              .defaultValues()
              .withDescription(
                  "Query parameters a stored page address keeps besides utm_*, click ids and"
                      + " referral tags (the union of the gateway sites' keptQueryParameters: the job"
                      + " cleans addresses again before it stores them)."));

  public static final ConfigOption<Duration> IDENTITY_RETENTION =
      positive(
          ConfigOptions.key("tributary.identity.retention")
              .durationType()
              .defaultValue(Duration.ofDays(400))
              .withDescription(
                  "How long a customer id or an email keeps pointing at its visitor (covers yearly"
                      + " renewals)."));

  public static final ConfigOption<Duration> LEDGER_RETENTION =
      positive(
          ConfigOptions.key("tributary.ledger.retention")
              .durationType()
              .defaultValue(Duration.ofDays(400))
              .withDescription(
                  "How long a payment's booked credits are kept to be corrected by better evidence."));

  public static final ConfigOption<Duration> SESSION_RETENTION =
      positive(
          ConfigOptions.key("tributary.sessions.retention")
              .durationType()
              .defaultValue(Duration.ofDays(1))
              .withDescription(
                  "How long an open session is kept to aggregate its later pageviews."));

  public static final ConfigOption<List<String>> METADATA_VISITOR_KEYS =
      nonEmpty(
          ConfigOptions.key("tributary.metadata.visitor-keys")
              .stringType()
              .asList()
              .defaultValues(MetadataKeys.DEFAULT.visitorKeys().toArray(String[]::new))
              .withDescription(
                  "Payment metadata keys that carry the tracker's visitor id, in order."));

  public static final ConfigOption<List<String>> METADATA_SESSION_KEYS =
      any(
          ConfigOptions.key("tributary.metadata.session-keys")
              .stringType()
              .asList()
              .defaultValues(MetadataKeys.DEFAULT.sessionKeys().toArray(String[]::new))
              .withDescription(
                  "Payment metadata keys that carry the tracker's session id, in order."));

  /**
   * Reads and validates every option; throws {@link IllegalArgumentException} naming the key, also
   * for a {@code tributary.*} key the job does not know (a misspelt option would otherwise be
   * ignored and its default used without a word).
   */
  public static JobSettings settings(Configuration conf) {
    refuseUnknownKeys(conf);
    for (Rule<?> r : RULES) {
      r.check(conf);
    }
    return new JobSettings(
        conf.get(KAFKA_BOOTSTRAP_SERVERS),
        conf.get(KAFKA_GROUP_ID),
        conf.get(TOPIC_WEBHOOKS),
        conf.get(TOPIC_TRACKING),
        conf.get(TOPIC_DEADLETTER),
        conf.get(JDBC_URL),
        conf.get(JDBC_USER),
        conf.get(JDBC_PASSWORD),
        conf.get(JDBC_BATCH_SIZE),
        conf.get(JDBC_BATCH_INTERVAL),
        conf.get(JDBC_SESSIONS_INTERVAL),
        conf.get(JDBC_SESSIONS_HELD_ROWS),
        conf.get(OUT_OF_ORDERNESS),
        conf.get(IDLENESS),
        conf.get(REPLAY_THRESHOLD),
        conf.get(PAYMENT_SETTLE),
        conf.get(PAYMENT_DEDUPE_RETENTION),
        conf.get(API_LINK_WAIT),
        conf.get(MAX_FUTURE_SKEW),
        conf.get(LOOKBACK),
        conf.get(TIME_DECAY_HALF_LIFE),
        conf.get(TIMESTAMP_WINDOW),
        conf.get(TIMESTAMP_DISABLED_SITES),
        conf.get(TIMESTAMP_MAX_CANDIDATES),
        conf.get(IDENTITY_RETENTION),
        conf.get(LEDGER_RETENTION),
        conf.get(SESSION_RETENTION),
        conf.get(METADATA_VISITOR_KEYS),
        conf.get(METADATA_SESSION_KEYS),
        conf.get(EMAIL_HASH_KEY),
        conf.get(KEPT_QUERY_PARAMETERS));
  }

  /** Every option of the job, in declaration order. */
  public static List<ConfigOption<?>> all() {
    return RULES.stream().<ConfigOption<?>>map(Rule::option).toList();
  }

  private static void refuseUnknownKeys(Configuration conf) {
    Set<String> known = new HashSet<>();
    for (Rule<?> r : RULES) {
      known.add(r.option().key());
      r.option().fallbackKeys().forEach(k -> known.add(k.getKey()));
    }
    List<String> unknown =
        conf.keySet().stream()
            .filter(k -> k.startsWith("tributary.") && !known.contains(k))
            .sorted()
            .toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown option(s) "
              + String.join(", ", unknown)
              + ": not a setting of this job (README, Configuration, lists them)");
    }
  }
}
