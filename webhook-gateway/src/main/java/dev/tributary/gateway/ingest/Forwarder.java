package dev.tributary.gateway.ingest;

import dev.tributary.gateway.config.GatewayConfig.Capacity;
import dev.tributary.gateway.config.GatewayConfig.Topics;
import dev.tributary.gateway.kafka.KafkaPublisher;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Hands accepted records to Kafka, each to its topic under its key, and counts them once the ack is
 * in. Never waits: each {@code forward} returns a future that succeeds on the ack and fails with a
 * {@link dev.tributary.gateway.kafka.PublishException} when Kafka did not take the record, or with
 * a 503 {@code overloaded} when the record's lane has no place left.
 *
 * <p>Two lanes, each with its own Kafka producer and its own budget of records waiting for an ack
 * ({@link InFlight}): the <b>webhook</b> lane (webhooks of every provider, the Payment API,
 * verified identify: authenticated, and money) and the <b>tracking</b> lane (pageviews and the
 * public identify). A tracker flood, or its backlog while the broker is slow, fills only its own
 * lane.
 */
final class Forwarder {

  static final String WEBHOOK_LANE = "webhooks";
  static final String TRACKING_LANE = "tracking";

  private final KafkaPublisher webhookProducer;
  private final KafkaPublisher trackingProducer;
  private final Topics topics;
  private final GatewayMetrics metrics;
  private final InFlight webhookLane;
  private final InFlight trackingLane;

  Forwarder(
      KafkaPublisher webhookProducer,
      KafkaPublisher trackingProducer,
      Topics topics,
      GatewayMetrics metrics,
      Capacity capacity) {
    this.webhookProducer = webhookProducer;
    this.trackingProducer = trackingProducer;
    this.topics = topics;
    this.metrics = metrics;
    this.webhookLane = new InFlight(WEBHOOK_LANE, capacity.webhookMaxInFlight());
    this.trackingLane = new InFlight(TRACKING_LANE, capacity.trackingMaxInFlight());
    metrics.inFlight(WEBHOOK_LANE, webhookLane::used);
    metrics.inFlight(TRACKING_LANE, trackingLane::used);
  }

  CompletableFuture<Void> forward(WebhookEnvelope envelope) {
    return publish(
        webhookLane,
        webhookProducer,
        topics.webhooks(),
        envelope.siteId(),
        envelope.toJson(),
        envelope.receivedAt().toEpochMilli(),
        envelope.provider());
  }

  CompletableFuture<Void> forward(TrackingRecord record) {
    return publish(
        trackingLane,
        trackingProducer,
        topics.tracking(),
        record.kafkaKey(),
        record.toJson(),
        record.receivedAt().toEpochMilli(),
        TrackingHandler.PROVIDER);
  }

  /** A verified identify (the merchant's server, with its API key) goes in the webhook lane. */
  CompletableFuture<Void> forward(IdentifyRecord record) {
    return publish(
        record.verified() ? webhookLane : trackingLane,
        record.verified() ? webhookProducer : trackingProducer,
        topics.tracking(),
        record.kafkaKey(),
        record.toJson(),
        record.receivedAt().toEpochMilli(),
        IdentifyHandler.PROVIDER);
  }

  /**
   * Whether the tracking lane is full now: a tracker call is then refused before its body is read.
   */
  boolean trackingLaneFull() {
    return trackingLane.full();
  }

  /** The 503 of a request whose lane has no place left. */
  static ApiError overloaded() {
    return new ApiError(
        503,
        "overloaded",
        "too many requests are waiting for Kafka; retry later",
        Map.of(),
        Map.of("Retry-After", IngestRoutes.RETRY_AFTER_SECONDS));
  }

  private CompletableFuture<Void> publish(
      InFlight lane,
      KafkaPublisher producer,
      String topic,
      String key,
      byte[] value,
      long timestamp,
      String provider) {
    if (!lane.tryAcquire()) {
      return CompletableFuture.failedFuture(overloaded());
    }
    long start = System.nanoTime();
    CompletableFuture<Void> ack;
    try {
      ack = producer.publish(topic, key, value, timestamp);
    } catch (RuntimeException e) {
      lane.release();
      throw e;
    }
    return ack.whenComplete(
        (ok, error) -> {
          lane.release();
          if (error == null) {
            metrics.ackLatency(System.nanoTime() - start);
            metrics.accepted(provider);
          }
        });
  }
}
