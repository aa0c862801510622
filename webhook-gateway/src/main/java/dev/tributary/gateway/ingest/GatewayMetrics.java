package dev.tributary.gateway.ingest;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters an operator needs to see that webhooks flow: accepted per provider, rejected per reason.
 * Rendered in the Prometheus text format at {@code GET /metrics}; a full metrics library would be
 * more than these two counters need.
 */
public final class GatewayMetrics {

  private final Map<String, LongAdder> accepted = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();

  /** One record acknowledged by Kafka, by provider ({@code stripe}, {@code api}, …). */
  public void accepted(String provider) {
    accepted.computeIfAbsent(provider, k -> new LongAdder()).increment();
  }

  /**
   * One request refused, by error code ({@code invalid_signature}, {@code kafka_unavailable}, …).
   */
  public void rejected(String reason) {
    rejected.computeIfAbsent(reason, k -> new LongAdder()).increment();
  }

  /** Prometheus text exposition format 0.0.4. */
  public String prometheus() {
    StringBuilder out = new StringBuilder();
    counter(
        out,
        "tributary_gateway_accepted_total",
        "Records acknowledged by Kafka.",
        "provider",
        accepted);
    counter(
        out,
        "tributary_gateway_rejected_total",
        "Requests refused, by reason.",
        "reason",
        rejected);
    return out.toString();
  }

  private static void counter(
      StringBuilder out, String name, String help, String label, Map<String, LongAdder> values) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    new TreeMap<>(values)
        .forEach(
            (value, count) ->
                out.append(name)
                    .append('{')
                    .append(label)
                    .append("=\"")
                    .append(value)
                    .append("\"} ")
                    .append(count.sum())
                    .append('\n'));
  }
}
