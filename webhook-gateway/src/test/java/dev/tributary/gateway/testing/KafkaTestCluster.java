package dev.tributary.gateway.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real KRaft Kafka (one broker, one controller) inside the test JVM, with the topics a test
 * needs, plus the reads the tests make: where a topic ends now, and what was written after that.
 * Start it once per test class; it takes a few seconds.
 */
public final class KafkaTestCluster implements AutoCloseable {

  private final KafkaClusterTestKit cluster;
  private boolean closed;

  private KafkaTestCluster(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  /** Starts the broker and creates {@code topics}, one partition each. */
  public static KafkaTestCluster start(String... topics) throws Exception {
    KafkaClusterTestKit cluster =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(false)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
            .build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      KafkaTestCluster started = new KafkaTestCluster(cluster);
      started.createTopics(topics);
      return started;
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Where a topic ended at some moment: the point to read "what came after" from. */
  public record Mark(String topic, Map<TopicPartition, Long> offsets) {}

  /** Marks the current end of {@code topic}. */
  public Mark mark(String topic) {
    try (KafkaConsumer<String, String> consumer = consumer()) {
      return new Mark(topic, consumer.endOffsets(partitions(consumer, topic)));
    }
  }

  /**
   * Every record written after {@code mark}, read for {@code wait}: use it to show that nothing was
   * written.
   */
  public List<ConsumerRecord<String, String>> recordsAfter(Mark mark, Duration wait) {
    return read(mark.offsets(), Integer.MAX_VALUE, wait);
  }

  /**
   * The records written after {@code mark}, read until {@code count} arrived (or {@code timeout}
   * passed), plus whatever follows within a moment: the caller checks the size.
   */
  public List<ConsumerRecord<String, String>> recordsAfter(Mark mark, int count, Duration timeout) {
    List<ConsumerRecord<String, String>> records = read(mark.offsets(), count, timeout);
    records.addAll(
        read(offsetsAfter(records, mark.offsets()), Integer.MAX_VALUE, Duration.ofMillis(300)));
    return records;
  }

  /**
   * The one record written after {@code mark}; fails if none arrives within a few seconds or if a
   * second one follows.
   */
  public ConsumerRecord<String, String> singleRecordAfter(Mark mark) {
    List<ConsumerRecord<String, String>> records = read(mark.offsets(), 1, Duration.ofSeconds(5));
    records.addAll(
        read(offsetsAfter(records, mark.offsets()), Integer.MAX_VALUE, Duration.ofMillis(300)));
    if (records.size() != 1) {
      throw new AssertionError(
          "expected exactly one new record in " + mark.topic() + ", got " + records);
    }
    return records.get(0);
  }

  /** Stops the broker and controller; safe to call twice. */
  @Override
  public void close() throws Exception {
    if (!closed) {
      closed = true;
      cluster.close();
    }
  }

  private void createTopics(String... topics) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
      admin
          .createTopics(
              Arrays.stream(topics)
                  .map(topic -> new NewTopic(topic, 1, (short) 1))
                  .collect(Collectors.toList()))
          .all()
          .get();
    }
  }

  private List<ConsumerRecord<String, String>> read(
      Map<TopicPartition, Long> marks, int enough, Duration wait) {
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = consumer()) {
      consumer.assign(marks.keySet());
      marks.forEach(consumer::seek);
      long deadline = System.nanoTime() + wait.toNanos();
      while (records.size() < enough && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(50)).forEach(records::add);
      }
    }
    return records;
  }

  /**
   * Every committed record of partition 0 of {@code topic} on the broker at {@code
   * bootstrapServers}, read to the end offset of now (any broker: a test restarting its broker
   * passes its address).
   */
  public static List<ConsumerRecord<String, String>> readAll(
      String bootstrapServers, String topic) {
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (consumer.position(partition) < end && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
      if (consumer.position(partition) < end) {
        throw new IllegalStateException(
            topic + " not read to its end " + end + " in 20 s: at " + consumer.position(partition));
      }
    }
    return records;
  }

  private static Map<TopicPartition, Long> offsetsAfter(
      List<ConsumerRecord<String, String>> records, Map<TopicPartition, Long> marks) {
    Map<TopicPartition, Long> next = new HashMap<>(marks);
    for (ConsumerRecord<String, String> record : records) {
      next.merge(
          new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
    }
    return next;
  }

  private KafkaConsumer<String, String> consumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest"),
        new StringDeserializer(),
        new StringDeserializer());
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    return Optional.ofNullable(consumer.partitionsFor(topic, Duration.ofSeconds(5)))
        .orElseThrow(() -> new IllegalStateException("no topic " + topic))
        .stream()
        .map(p -> new TopicPartition(p.topic(), p.partition()))
        .toList();
  }
}
