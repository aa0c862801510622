package dev.tributary.job.config;

import dev.tributary.job.payments.MetadataKeys;
import java.time.Duration;
import java.util.List;
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

  public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS =
      ConfigOptions.key("tributary.kafka.bootstrap-servers")
          .stringType()
          .noDefaultValue()
          .withDescription("Kafka bootstrap servers, host:port[,host:port]. Required.");

  public static final ConfigOption<String> KAFKA_GROUP_ID =
      ConfigOptions.key("tributary.kafka.group-id")
          .stringType()
          .defaultValue("tributary-job")
          .withDescription(
              "Consumer group id (offsets live in Flink checkpoints; this is for lag).");

  public static final ConfigOption<String> TOPIC_WEBHOOKS =
      ConfigOptions.key("tributary.topic.webhooks").stringType().defaultValue("tributary.webhooks");

  public static final ConfigOption<String> TOPIC_TRACKING =
      ConfigOptions.key("tributary.topic.tracking").stringType().defaultValue("tributary.tracking");

  public static final ConfigOption<String> TOPIC_DEADLETTER =
      ConfigOptions.key("tributary.topic.deadletter")
          .stringType()
          .defaultValue("tributary.deadletter");

  public static final ConfigOption<String> JDBC_URL =
      ConfigOptions.key("tributary.jdbc.url")
          .stringType()
          .noDefaultValue()
          .withDescription("PostgreSQL JDBC URL of the warehouse. Required.");

  public static final ConfigOption<String> JDBC_USER =
      ConfigOptions.key("tributary.jdbc.user").stringType().defaultValue("postgres");

  public static final ConfigOption<String> JDBC_PASSWORD =
      ConfigOptions.key("tributary.jdbc.password").stringType().defaultValue("");

  public static final ConfigOption<Integer> JDBC_BATCH_SIZE =
      ConfigOptions.key("tributary.jdbc.batch-size").intType().defaultValue(500);

  public static final ConfigOption<Duration> JDBC_BATCH_INTERVAL =
      ConfigOptions.key("tributary.jdbc.batch-interval")
          .durationType()
          .defaultValue(Duration.ofMillis(200))
          .withDescription("Longest time a row waits in the sink's batch before it is written.");

  public static final ConfigOption<Duration> JDBC_SESSIONS_INTERVAL =
      ConfigOptions.key("tributary.jdbc.sessions-interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(1))
          .withDescription(
              "How stale a sessions row may be: each session's row is written at most once per"
                  + " interval, with its latest state, so a visitor's pageviews within it are one"
                  + " upsert. The warehouse is written at the rate dashboards read it, not at the"
                  + " rate pageviews arrive.");

  public static final ConfigOption<Integer> JDBC_SESSIONS_HELD_ROWS =
      ConfigOptions.key("tributary.jdbc.sessions-held-rows")
          .intType()
          .defaultValue(20_000)
          .withDescription(
              "Most sessions a sink subtask holds before it writes them early (bounds its memory"
                  + " at about 1 KB per row).");

  public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
      ConfigOptions.key("tributary.watermark.out-of-orderness")
          .durationType()
          .defaultValue(Duration.ofSeconds(5))
          .withDescription(
              "How far behind the newest event time a record may arrive and still wait.");

  public static final ConfigOption<Duration> IDLENESS =
      ConfigOptions.key("tributary.watermark.idleness")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withDescription(
              "After this long without records a Kafka partition's watermark follows the wall"
                  + " clock, so that a quiet system still settles and attributes payments.");

  public static final ConfigOption<Duration> REPLAY_THRESHOLD =
      ConfigOptions.key("tributary.watermark.replay-threshold")
          .durationType()
          .defaultValue(Duration.ofMinutes(5))
          .withDescription(
              "A record read more than this after its event time marks its partition as replaying"
                  + " history or catching up: until a record is read within this bound again, the"
                  + " partition's watermark follows its records only, never the wall clock, so a"
                  + " replay held up by backpressure does not leap to the present.");

  public static final ConfigOption<Duration> PAYMENT_SETTLE =
      ConfigOptions.key("tributary.payments.settle-time")
          .durationType()
          .defaultValue(Duration.ofSeconds(30))
          .withDescription(
              "Event time a payment waits for the other events that describe the same money.");

  public static final ConfigOption<Duration> MAX_FUTURE_SKEW =
      ConfigOptions.key("tributary.time.max-future-skew")
          .durationType()
          .defaultValue(Duration.ofHours(1))
          .withDescription(
              "How far after its record's receive time an event's own time may lie; a later time"
                  + " (local time labelled Z, a mistyped year) is replaced by the receive time and"
                  + " counted in futureTimesClamped, so no payment waits on a clock beyond belief.");

  public static final ConfigOption<Duration> API_LINK_WAIT =
      ConfigOptions.key("tributary.payments.api-link-wait")
          .durationType()
          .defaultValue(Duration.ofHours(1))
          .withDescription(
              "How long a Payment API call that names a provider's secondary id (a Stripe"
                  + " Checkout Session, charge or invoice) waits, in event time after it was"
                  + " received, for the provider's webhook that links the id to its payment; then"
                  + " it is booked under that id.");

  public static final ConfigOption<Duration> PAYMENT_DEDUPE_RETENTION =
      ConfigOptions.key("tributary.payments.dedupe-retention")
          .durationType()
          .defaultValue(Duration.ofDays(35))
          .withDescription("How long an emitted payment is remembered to swallow late retries.");

  public static final ConfigOption<Duration> LOOKBACK =
      ConfigOptions.key("tributary.attribution.lookback")
          .durationType()
          .defaultValue(Duration.ofDays(30))
          .withDescription("How far back a visitor's touches count for a payment.");

  public static final ConfigOption<Duration> TIME_DECAY_HALF_LIFE =
      ConfigOptions.key("tributary.attribution.time-decay-half-life")
          .durationType()
          .defaultValue(Duration.ofDays(7))
          .withDescription("Half-life of a touch's credit in the time-decay model.");

  public static final ConfigOption<Duration> TIMESTAMP_WINDOW =
      ConfigOptions.key("tributary.attribution.timestamp-window")
          .durationType()
          .defaultValue(Duration.ofMinutes(30))
          .withDescription(
              "Fallback link: visitors active on the site within this long before an otherwise"
                  + " unlinked payment are its candidates.");

  public static final ConfigOption<Integer> TIMESTAMP_MAX_CANDIDATES =
      ConfigOptions.key("tributary.attribution.timestamp-max-candidates")
          .intType()
          .defaultValue(5)
          .withDescription(
              "The most visitors the timestamp fallback splits a payment over; with more active"
                  + " in the window the payment is unattributed, with that reason.");

  public static final ConfigOption<List<String>> TIMESTAMP_DISABLED_SITES =
      ConfigOptions.key("tributary.attribution.timestamp-fallback-disabled-sites")
          .stringType()
          .asList()
          .defaultValues()
          .withDescription("Sites whose unlinked payments never use the timestamp fallback.");

  public static final ConfigOption<String> EMAIL_HASH_KEY =
      // "secret" in the key: Flink hides the value in its web UI, REST API and logs ("key" alone
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
                  + " 0.2; see the README for the migration).");

  public static final ConfigOption<List<String>> KEPT_QUERY_PARAMETERS =
      ConfigOptions.key("tributary.privacy.kept-query-parameters")
          .stringType()
          .asList()
          .defaultValues()
          .withDescription(
              "Query parameters a stored page address keeps besides utm_*, click ids and"
                  + " referral tags (the union of the gateway sites' keptQueryParameters: the job"
                  + " cleans addresses again before it stores them).");

  public static final ConfigOption<Duration> IDENTITY_RETENTION =
      ConfigOptions.key("tributary.identity.retention")
          .durationType()
          .defaultValue(Duration.ofDays(400))
          .withDescription(
              "How long a customer id or an email keeps pointing at its visitor (covers yearly"
                  + " renewals).");

  public static final ConfigOption<Duration> LEDGER_RETENTION =
      ConfigOptions.key("tributary.ledger.retention")
          .durationType()
          .defaultValue(Duration.ofDays(400))
          .withDescription(
              "How long a payment's booked credits are kept to be corrected by better evidence.");

  public static final ConfigOption<Duration> SESSION_RETENTION =
      ConfigOptions.key("tributary.sessions.retention")
          .durationType()
          .defaultValue(Duration.ofDays(1))
          .withDescription("How long an open session is kept to aggregate its later pageviews.");

  public static final ConfigOption<List<String>> METADATA_VISITOR_KEYS =
      ConfigOptions.key("tributary.metadata.visitor-keys")
          .stringType()
          .asList()
          .defaultValues(MetadataKeys.DEFAULT.visitorKeys().toArray(String[]::new))
          .withDescription("Payment metadata keys that carry the tracker's visitor id, in order.");

  public static final ConfigOption<List<String>> METADATA_SESSION_KEYS =
      ConfigOptions.key("tributary.metadata.session-keys")
          .stringType()
          .asList()
          .defaultValues(MetadataKeys.DEFAULT.sessionKeys().toArray(String[]::new))
          .withDescription("Payment metadata keys that carry the tracker's session id, in order.");

  /** Reads and validates every option; throws {@link IllegalArgumentException} naming the key. */
  public static JobSettings settings(Configuration conf) {
    return new JobSettings(
        require(conf, KAFKA_BOOTSTRAP_SERVERS),
        conf.get(KAFKA_GROUP_ID),
        conf.get(TOPIC_WEBHOOKS),
        conf.get(TOPIC_TRACKING),
        conf.get(TOPIC_DEADLETTER),
        require(conf, JDBC_URL),
        conf.get(JDBC_USER),
        conf.get(JDBC_PASSWORD),
        positive(conf, JDBC_BATCH_SIZE),
        conf.get(JDBC_BATCH_INTERVAL),
        conf.get(JDBC_SESSIONS_INTERVAL),
        positive(conf, JDBC_SESSIONS_HELD_ROWS),
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
        positive(conf, TIMESTAMP_MAX_CANDIDATES),
        conf.get(IDENTITY_RETENTION),
        conf.get(LEDGER_RETENTION),
        conf.get(SESSION_RETENTION),
        conf.get(METADATA_VISITOR_KEYS),
        conf.get(METADATA_SESSION_KEYS),
        conf.get(EMAIL_HASH_KEY),
        conf.get(KEPT_QUERY_PARAMETERS));
  }

  private static String require(Configuration conf, ConfigOption<String> option) {
    String value = conf.get(option);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Missing required option " + option.key());
    }
    return value;
  }

  private static int positive(Configuration conf, ConfigOption<Integer> option) {
    int value = conf.get(option);
    if (value <= 0) {
      throw new IllegalArgumentException(option.key() + " must be > 0, was " + value);
    }
    return value;
  }
}
