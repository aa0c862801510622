package dev.tributary.job.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * The validated settings of one job run. Built by {@link JobOptions#settings}; operators receive
 * the part they need through their constructors, so this record is serializable.
 */
public record JobSettings(
    String kafkaBootstrapServers,
    String kafkaGroupId,
    String webhooksTopic,
    String trackingTopic,
    String deadLetterTopic,
    String jdbcUrl,
    String jdbcUser,
    String jdbcPassword,
    int jdbcBatchSize,
    Duration jdbcBatchInterval,
    Duration jdbcSessionsInterval,
    int jdbcSessionsHeldRows,
    Duration outOfOrderness,
    Duration idleness,
    Duration replayThreshold,
    Duration paymentSettle,
    Duration paymentDedupeRetention,
    Duration apiLinkWait,
    Duration maxFutureSkew,
    Duration lookback,
    Duration timeDecayHalfLife,
    Duration timestampWindow,
    List<String> timestampFallbackDisabledSites,
    int timestampMaxCandidates,
    Duration identityRetention,
    Duration ledgerRetention,
    Duration sessionRetention,
    List<String> metadataVisitorKeys,
    List<String> metadataSessionKeys,
    String emailHashKey,
    List<String> keptQueryParameters)
    implements Serializable {

  public JobSettings {
    requirePositive("tributary.jdbc.sessions-interval", jdbcSessionsInterval);
    requireNonNegative("tributary.watermark.out-of-orderness", outOfOrderness);
    requirePositive("tributary.watermark.idleness", idleness);
    requirePositive("tributary.watermark.replay-threshold", replayThreshold);
    requireNonNegative("tributary.payments.settle-time", paymentSettle);
    requirePositive("tributary.payments.dedupe-retention", paymentDedupeRetention);
    requireNonNegative("tributary.payments.api-link-wait", apiLinkWait);
    requireNonNegative("tributary.time.max-future-skew", maxFutureSkew);
    requirePositive("tributary.attribution.lookback", lookback);
    requirePositive("tributary.attribution.time-decay-half-life", timeDecayHalfLife);
    requirePositive("tributary.identity.retention", identityRetention);
    requirePositive("tributary.ledger.retention", ledgerRetention);
    requirePositive("tributary.attribution.timestamp-window", timestampWindow);
    timestampFallbackDisabledSites = List.copyOf(timestampFallbackDisabledSites);
    requirePositive("tributary.sessions.retention", sessionRetention);
    if (metadataVisitorKeys.isEmpty()) {
      throw new IllegalArgumentException("tributary.metadata.visitor-keys must not be empty");
    }
    metadataVisitorKeys = List.copyOf(metadataVisitorKeys);
    metadataSessionKeys = List.copyOf(metadataSessionKeys);
    keptQueryParameters = List.copyOf(keptQueryParameters);
    if (emailHashKey != null && !emailHashKey.isEmpty() && emailHashKey.length() < 32) {
      throw new IllegalArgumentException(
          "tributary.privacy.email-hash-secret must be at least 32 characters (it was "
              + emailHashKey.length()
              + ")");
    }
  }

  /** The password and the email hash key are deliberately left out. */
  @Override
  public String toString() {
    return "JobSettings[kafka=%s, webhooks=%s, tracking=%s, deadletter=%s, jdbc=%s, settle=%s, lookback=%s]"
        .formatted(
            kafkaBootstrapServers,
            webhooksTopic,
            trackingTopic,
            deadLetterTopic,
            jdbcUrl,
            paymentSettle,
            lookback);
  }

  private static void requirePositive(String key, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(key + " must be > 0, was " + d);
    }
  }

  private static void requireNonNegative(String key, Duration d) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException(key + " must be >= 0, was " + d);
    }
  }
}
