package dev.tributary.job.deadletter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** {@link DeadLetter} → the dead-letter topic's JSON (see README, "Wire formats"). */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String topic;

  public DeadLetterSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      DeadLetter d, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(
        topic,
        null,
        d.failedAtMillis(),
        d.key() == null ? null : d.key().getBytes(StandardCharsets.UTF_8),
        toJson(d));
  }

  public static byte[] toJson(DeadLetter d) {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", 1);
    n.put("reason", d.reason());
    n.put("stage", d.stage());
    n.put("sourceTopic", d.sourceTopic());
    n.put("key", d.key());
    n.put("failedAt", Instant.ofEpochMilli(d.failedAtMillis()).toString());
    n.put("record", d.record());
    try {
      return JSON.writeValueAsBytes(n);
    } catch (Exception e) {
      throw new IllegalStateException("cannot serialize a dead letter", e);
    }
  }
}
