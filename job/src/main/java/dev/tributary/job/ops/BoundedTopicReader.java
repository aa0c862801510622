package dev.tributary.job.ops;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a topic from a start (its beginning, or the first offset at or after a timestamp) up to the
 * end offsets captured when the read starts, one partition after the other in partition order, so
 * that a read ends deterministically — never on an idle timeout — and visits records in the same
 * order every time. Records appended during the read are not visited. Progress goes to stderr.
 */
final class BoundedTopicReader {
  /** What is done with each record. */
  interface Visitor {
    void accept(ConsumerRecord<byte[], byte[]> record) throws Exception;
  }

  /** A read that did not reach its end offsets within the timeout. */
  static final class ReadTimeoutException extends Exception {
    ReadTimeoutException(String message) {
      super(message);
    }
  }

  private static final long PROGRESS_EVERY_RECORDS = 100_000;
  private static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

  private final Consumer<byte[], byte[]> consumer;
  private final Duration timeout;
  private final PrintStream progress;

  BoundedTopicReader(Consumer<byte[], byte[]> consumer, Duration timeout, PrintStream progress) {
    this.consumer = consumer;
    this.timeout = timeout;
    this.progress = progress;
  }

  /** The topic's partitions in order; an exception when the topic does not exist. */
  List<TopicPartition> partitions(String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " does not exist");
    }
    List<TopicPartition> tps = new ArrayList<>();
    for (PartitionInfo p : infos) {
      tps.add(new TopicPartition(topic, p.partition()));
    }
    tps.sort(Comparator.comparingInt(TopicPartition::partition));
    return tps;
  }

  /**
   * Visits every record of {@code topic} from {@code fromTimestampMillis} (null: from the
   * beginning) up to the end offsets as they are now; returns how many were visited.
   */
  long read(String topic, Long fromTimestampMillis, Visitor visitor) throws Exception {
    long started = System.nanoTime();
    long deadline = started + timeout.toNanos();
    List<TopicPartition> tps = partitions(topic);
    Map<TopicPartition, Long> ends = consumer.endOffsets(tps, timeout);
    Map<TopicPartition, Long> starts = new HashMap<>(consumer.beginningOffsets(tps, timeout));
    if (fromTimestampMillis != null) {
      Map<TopicPartition, Long> query = new HashMap<>();
      tps.forEach(tp -> query.put(tp, fromTimestampMillis));
      Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
      for (TopicPartition tp : tps) {
        OffsetAndTimestamp at = found.get(tp);
        starts.put(tp, at == null ? ends.get(tp) : Math.max(at.offset(), starts.get(tp)));
      }
    }
    long total = 0;
    for (TopicPartition tp : tps) {
      total += Math.max(0, ends.get(tp) - starts.get(tp));
    }
    long visited = 0;
    long lastReport = started;
    long lastReportCount = 0;
    try {
      for (TopicPartition tp : tps) {
        long end = ends.get(tp);
        if (starts.get(tp) >= end) {
          continue;
        }
        consumer.assign(List.of(tp));
        consumer.seek(tp, starts.get(tp));
        while (consumer.position(tp, remaining(deadline, topic)) < end) {
          var batch = consumer.poll(Duration.ofMillis(Math.min(500, remainingMillis(deadline))));
          for (ConsumerRecord<byte[], byte[]> r : batch.records(tp)) {
            if (r.offset() >= end) {
              break;
            }
            visitor.accept(r);
            visited++;
          }
          long now = System.nanoTime();
          if (visited - lastReportCount >= PROGRESS_EVERY_RECORDS
              || now - lastReport >= PROGRESS_EVERY_NANOS) {
            progress.printf(
                "%s: %d of ~%d records read (%d%%), at partition %d, %.1f s%n",
                topic,
                visited,
                total,
                total == 0 ? 100 : visited * 100 / total,
                tp.partition(),
                (now - started) / 1e9);
            lastReport = now;
            lastReportCount = visited;
          }
          remaining(deadline, topic);
        }
      }
    } finally {
      consumer.assign(List.of());
    }
    progress.printf(
        "%s: read %d records from %d partitions in %.1f s%n",
        topic, visited, tps.size(), (System.nanoTime() - started) / 1e9);
    return visited;
  }

  private Duration remaining(long deadline, String topic) throws ReadTimeoutException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new ReadTimeoutException(
          "reading " + topic + " did not reach its end offsets within --timeout " + timeout);
    }
    return Duration.ofNanos(left);
  }

  private static long remainingMillis(long deadline) {
    return Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
  }
}
