package dev.tributary.job.deadletter;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes dead letters to the dead-letter topic from places that are not a stream, such as a
 * warehouse sink writer that found a row PostgreSQL refused. Same format as the job's dead-letter
 * sink ({@link DeadLetterSerializer}). Durable before {@link Channel#flush()} returns (acks=all,
 * idempotent): the sink flushes it before its own flush completes, so a checkpoint never covers a
 * refused row whose dead letter could still be lost.
 */
public record DeadLetterProducer(String bootstrapServers, String topic) implements Serializable {

  /** One writer's connection to the topic. */
  public interface Channel extends AutoCloseable {
    void send(DeadLetter d);

    /** Waits until everything sent is acknowledged; throws if any of it failed. */
    void flush() throws IOException;

    @Override
    void close();
  }

  public Channel open() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
    AtomicReference<Exception> failed = new AtomicReference<>();
    return new Channel() {
      @Override
      public void send(DeadLetter d) {
        producer.send(
            new ProducerRecord<>(
                topic,
                null,
                d.failedAtMillis(),
                d.key() == null ? null : d.key().getBytes(StandardCharsets.UTF_8),
                DeadLetterSerializer.toJson(d)),
            (meta, e) -> {
              if (e != null) {
                failed.compareAndSet(null, e);
              }
            });
      }

      @Override
      public void flush() throws IOException {
        producer.flush();
        Exception e = failed.getAndSet(null);
        if (e != null) {
          throw new IOException("a dead letter was not written to " + topic, e);
        }
      }

      @Override
      public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
      }
    };
  }
}
