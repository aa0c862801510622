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
    publish(
        topics.webhooks(),
        envelope.siteId(),
        envelope.toJson(),
        envelope.receivedAt().toEpochMilli(),
        envelope.provider());
  }

  void forward(TrackingRecord record) {
    publish(
        topics.tracking(),
        record.kafkaKey(),
        record.toJson(),
        record.receivedAt().toEpochMilli(),
        TrackingHandler.PROVIDER);
  }

  void forward(IdentifyRecord record) {
    publish(
        topics.tracking(),
        record.kafkaKey(),
        record.toJson(),
        record.receivedAt().toEpochMilli(),
        IdentifyHandler.PROVIDER);
  }

  private void publish(String topic, String key, byte[] value, long timestamp, String provider) {
    long start = System.nanoTime();
    publisher.publish(topic, key, value, timestamp);
    metrics.ackLatency(System.nanoTime() - start);
    metrics.accepted(provider);
  }
}
