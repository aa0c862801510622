package dev.tributary.gateway.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes one record and waits until Kafka has it on every in-sync replica. The gateway answers 2xx
 * only after {@link #publish} returns, so a provider retries whatever this could not store.
 *
 * <p>The timeouts are short on purpose: with the broker down, a request fails within seconds (and
 * the provider retries later) instead of holding a connection until the provider gives up.
 * Thread-safe; one instance per gateway.
 */
public final class KafkaPublisher implements AutoCloseable {

  /** How long {@code send} may wait for metadata or buffer space. */
  static final Duration MAX_BLOCK = Duration.ofSeconds(5);

  /** Upper bound for a record to be acknowledged, retries included, once it was handed over. */
  static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private final KafkaProducer<String, byte[]> producer;

  public KafkaPublisher(String bootstrapServers) {
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG,
                "tributary-gateway",
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                (int) MAX_BLOCK.toMillis(),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                (int) DELIVERY_TIMEOUT.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) REQUEST_TIMEOUT.toMillis(),
                // Every request waits for its own ack, so waiting for a fuller batch only adds
                // latency; concurrent requests still share batches while one is in flight.
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                // A webhook is 2–10 KB: the default 16 KB batch held two or three, so under load
                // every request waited for a round trip of its own (deploy/bench/README.md)
                ProducerConfig.BATCH_SIZE_CONFIG,
                512 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4"),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  /**
   * Sends one record and blocks until it is acknowledged.
   *
   * @throws PublishException if Kafka did not acknowledge the record; nothing may be answered as
   *     accepted then
   */
  public void publish(String topic, String key, byte[] value, long timestampMillis) {
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(topic, null, timestampMillis, key, value);
    try {
      Future<RecordMetadata> ack = producer.send(record);
      // The producer itself fails the future after the delivery timeout; the margin only guards
      // against a future that never completes.
      ack.get(DELIVERY_TIMEOUT.plus(MAX_BLOCK).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishException("interrupted while waiting for the Kafka ack", e, false);
    } catch (ExecutionException e) {
      throw failure(e.getCause());
    } catch (TimeoutException e) {
      throw new PublishException("no Kafka ack in time", e, false);
    } catch (KafkaException e) {
      throw failure(e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  private static PublishException failure(Throwable cause) {
    boolean tooLarge = cause instanceof RecordTooLargeException;
    return new PublishException("Kafka did not accept the record: " + cause, cause, tooLarge);
  }
}
