package dev.tributary.job.ingest;

/**
 * One Kafka record as the job first sees it: key and value as UTF-8 text, untouched. Parsing
 * happens in a named operator so that a record that fails can be dead-lettered with its reason
 * instead of failing the source.
 *
 * @param timestampMillis the Kafka record timestamp: the gateway's receive time, the job's event
 *     time
 */
public record RawRecord(
    String topic, int partition, long offset, String key, String value, long timestampMillis) {}
