package dev.tributary.job.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One record of the dead-letter topic as {@link ReplayDeadLetters} reads it: the fields of the wire
 * format (README, "Wire formats") it knows, each optional, unknown fields kept aside. A value that
 * is not a JSON object is kept as {@link #unreadable() unreadable} rather than failing the read.
 *
 * @param topic the dead-letter topic
 * @param partition its partition
 * @param offset its offset
 * @param timestampMillis the dead-letter record's Kafka timestamp (the job sets it to failedAt)
 * @param kafkaKey the dead-letter record's key (the original key), or null
 * @param valueBytes size of the dead-letter value in bytes
 * @param problem why the value could not be read, or null when it could
 * @param failedAt the dead letter's failedAt, or null when absent or not ISO-8601
 * @param record the original record's value, or null
 * @param extra the fields this tool does not interpret (e.g. sourcePartition, detail)
 */
record StoredDeadLetter(
    String topic,
    int partition,
    long offset,
    long timestampMillis,
    String kafkaKey,
    int valueBytes,
    String problem,
    String reason,
    String stage,
    String sourceTopic,
    String jsonKey,
    Instant failedAt,
    String record,
    String explicitSite,
    Long sourceTimestampMillis,
    Map<String, JsonNode> extra) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> KNOWN =
      Set.of("v", "reason", "stage", "sourceTopic", "key", "failedAt", "record", "site");

  static StoredDeadLetter parse(
      String topic, int partition, long offset, long timestampMillis, byte[] key, byte[] value) {
    String kafkaKey = key == null ? null : new String(key, StandardCharsets.UTF_8);
    int size = value == null ? 0 : value.length;
    JsonNode n;
    try {
      n = value == null ? null : JSON.readTree(value);
    } catch (Exception e) {
      n = null;
    }
    // an unreadable value keeps its coordinates, so the listing can still say where it is
    ObjectNode fields = n instanceof ObjectNode o ? o : null;
    String problem =
        fields != null ? null : value == null ? "empty value" : "value is not a JSON object";
    Map<String, JsonNode> extra = new LinkedHashMap<>();
    if (fields != null) {
      fields
          .fields()
          .forEachRemaining(
              e -> {
                if (!KNOWN.contains(e.getKey())) {
                  extra.put(e.getKey(), e.getValue());
                }
              });
    }
    return new StoredDeadLetter(
        topic,
        partition,
        offset,
        timestampMillis,
        kafkaKey,
        size,
        problem,
        text(fields, "reason"),
        text(fields, "stage"),
        text(fields, "sourceTopic"),
        text(fields, "key"),
        instant(text(fields, "failedAt")),
        text(fields, "record"),
        text(fields, "site"),
        sourceTimestamp(fields == null ? null : fields.get("sourceTimestamp")),
        extra);
  }

  boolean unreadable() {
    return problem != null;
  }

  /** Where this dead letter is: {@code <topic>/<partition>/<offset>}, the replay header's value. */
  String coordinates() {
    return topic + "/" + partition + "/" + offset;
  }

  /** The original key: the JSON's {@code key}, else the dead-letter record's key. */
  String key() {
    return jsonKey != null ? jsonKey : kafkaKey;
  }

  /**
   * The site: the dead letter's own {@code site} field when it has one, else the key up to its
   * first ':' (tracking keys are {@code siteId:visitorId}, webhook keys the site id).
   */
  String site() {
    if (explicitSite != null) {
      return explicitSite;
    }
    String k = key();
    if (k == null) {
      return null;
    }
    int colon = k.indexOf(':');
    return colon < 0 ? k : k.substring(0, colon);
  }

  /** failedAt, or the dead-letter record's timestamp when the field is missing. */
  Instant failedAtOrTimestamp() {
    return failedAt != null ? failedAt : Instant.ofEpochMilli(timestampMillis);
  }

  /** The stage, or a placeholder for dead letters that have none. */
  String stageOrUnknown() {
    if (unreadable()) {
      return "(unreadable)";
    }
    return stage == null ? "(no stage)" : stage;
  }

  /** Why this one cannot be replayed, or null when it can. */
  String notReplayableBecause() {
    if (unreadable()) {
      return "unreadable dead letter (" + problem + ")";
    }
    if (sourceTopic == null || sourceTopic.isBlank()) {
      if (stage != null && stage.startsWith("sink-")) {
        return "a row the warehouse refused, without a source record: fix it in the warehouse";
      }
      return "no sourceTopic";
    }
    if (record == null) {
      return "no original record";
    }
    return null;
  }

  /**
   * The Kafka timestamp to give the replayed record, which the job takes as its event time: the
   * dead letter's {@code sourceTimestamp} if it carries one, else the original record's {@code
   * receivedAt} (webhook envelopes and tracking records carry the gateway's receive time, which is
   * what the gateway stamped the original with), else failedAt, else the dead-letter record's own
   * timestamp. Deterministic, so that the replayed-before scan knows where to start.
   */
  long replayTimestampMillis() {
    if (sourceTimestampMillis != null) {
      return sourceTimestampMillis;
    }
    if (record != null && record.startsWith("{")) {
      try {
        Instant received = instant(text(JSON.readTree(record), "receivedAt"));
        if (received != null) {
          return received.toEpochMilli();
        }
      } catch (Exception e) {
        // not JSON: fall through
      }
    }
    return failedAtOrTimestamp().toEpochMilli();
  }

  /** The field as text; null when it, or the object {@code n}, is absent. */
  private static String text(JsonNode n, String field) {
    JsonNode v = n == null ? null : n.get(field);
    return v == null || v.isNull() ? null : v.isTextual() ? v.asText() : v.toString();
  }

  private static Instant instant(String s) {
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static Long sourceTimestamp(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isIntegralNumber()) {
      return v.asLong();
    }
    Instant i = instant(v.asText());
    return i == null ? null : i.toEpochMilli();
  }
}
