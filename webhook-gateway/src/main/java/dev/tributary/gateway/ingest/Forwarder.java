package dev.tributary.gateway.ingest;

import dev.tributary.gateway.config.GatewayConfig.Topics;
import dev.tributary.gateway.kafka.KafkaPublisher;

/**
 * Hands accepted records to Kafka, each to its topic under its key, and counts them once the ack is
 * in. Throws {@link dev.tributary.gateway.kafka.PublishException} when Kafka did not take them.
 */
final class Forwarder {

  private final KafkaPublisher publisher;
  private final Topics topics;
  private final GatewayMetrics metrics;

  Forwarder(KafkaPublisher publisher, Topics topics, GatewayMetrics metrics) {
    this.publisher = publisher;
    this.topics = topics;
    this.metrics = metrics;
  }

  void forward(WebhookEnvelope envelope) {
    publisher.publish(
        topics.webhooks(),
        envelope.siteId(),
        envelope.toJson(),
        envelope.receivedAt().toEpochMilli());
    metrics.accepted(envelope.provider());
  }

  void forward(TrackingRecord record) {
    publisher.publish(
        topics.tracking(), record.kafkaKey(), record.toJson(), record.receivedAt().toEpochMilli());
    metrics.accepted(TrackingHandler.PROVIDER);
  }

  void forward(IdentifyRecord record) {
    publisher.publish(
        topics.tracking(), record.kafkaKey(), record.toJson(), record.receivedAt().toEpochMilli());
    metrics.accepted(IdentifyHandler.PROVIDER);
  }
}
