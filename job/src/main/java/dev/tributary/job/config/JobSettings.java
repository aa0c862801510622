package dev.tributary.job.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * The settings of one job run, validated by {@link JobOptions#settings} (the rules live with the
 * options there). Operators receive the part they need through their constructors, so this record
 * is serializable.
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
    timestampFallbackDisabledSites = List.copyOf(timestampFallbackDisabledSites);
    metadataVisitorKeys = List.copyOf(metadataVisitorKeys);
    metadataSessionKeys = List.copyOf(metadataSessionKeys);
    keptQueryParameters = List.copyOf(keptQueryParameters);
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
}
