package dev.tributary.gateway.ingest;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Counters an operator needs to see that webhooks flow: accepted per provider, rejected per
 * provider and reason, and dropped (answered 2xx on purpose, but not produced) per reason. Rendered
 * in the Prometheus text format at {@code GET /metrics}, with a histogram of Kafka ack latency; a
 * full metrics library would be more than these need.
 *
 * <p>Provider labels are the envelope's names ({@code stripe}, {@code paddle}, …, {@code api}),
 * plus {@code tracking} for pageviews, {@code identify} for identify calls and {@code none} for
 * requests that matched no route. The drop reasons are {@code bot} (a tracker call from a known
 * bot) and {@code ping} (a provider's URL check of a new webhook, answered 200).
 */
public final class GatewayMetrics {

  /** The provider label of a request that reached no ingest route. */
  public static final String NO_PROVIDER = "none";

  /** The drop reason of a provider's unsigned URL check ({@link WebhookProvider.Ping}). */
  public static final String PING = "ping";

  private final Map<String, LongAdder> accepted = new ConcurrentHashMap<>();
  private final Map<Labels, LongAdder> rejected = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();
  private final Map<String, IntSupplier> inFlight = new ConcurrentHashMap<>();

  private record Labels(String provider, String reason) implements Comparable<Labels> {
    @Override
    public int compareTo(Labels other) {
      int byProvider = provider.compareTo(other.provider);
      return byProvider != 0 ? byProvider : reason.compareTo(other.reason);
    }
  }

  /** Upper bounds (seconds) of the Kafka ack latency histogram's buckets. */
  private static final double[] ACK_BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private final LongAdder[] ackBuckets = new LongAdder[ACK_BUCKETS.length + 1];
  private final LongAdder ackNanos = new LongAdder();

  {
    for (int i = 0; i < ackBuckets.length; i++) {
      ackBuckets[i] = new LongAdder();
    }
  }

  /** How long one record waited for Kafka's acknowledgement (acks=all). */
  public void ackLatency(long nanos) {
    double seconds = nanos / 1e9;
    int i = 0;
    while (i < ACK_BUCKETS.length && seconds > ACK_BUCKETS[i]) {
      i++;
    }
    ackBuckets[i].increment();
    ackNanos.add(nanos);
  }

  public GatewayMetrics() {
    dropped.put(TrackerCalls.BOT, new LongAdder());
    dropped.put(PING, new LongAdder());
  }

  /**
   * Counters that start at 0 for every provider, so that a dashboard shows a configured but silent
   * provider as 0 rather than as a missing series.
   */
  public GatewayMetrics(Collection<String> providers) {
    this();
    providers.forEach(provider -> accepted.put(provider, new LongAdder()));
  }

  /** One record acknowledged by Kafka, by provider ({@code stripe}, {@code api}, …). */
  public void accepted(String provider) {
    accepted.computeIfAbsent(provider, k -> new LongAdder()).increment();
  }

  /**
   * One request refused, by provider and error code ({@code invalid_signature}, {@code
   * kafka_unavailable}, …).
   */
  public void rejected(String provider, String reason) {
    String label = provider == null ? NO_PROVIDER : provider;
    rejected.computeIfAbsent(new Labels(label, reason), k -> new LongAdder()).increment();
  }

  /**
   * One request answered as accepted but deliberately not produced, by reason ({@code bot}): the
   * sender must not learn that it was filtered, the operator must.
   */
  public void dropped(String reason) {
    dropped.computeIfAbsent(reason, k -> new LongAdder()).increment();
  }

  /**
   * Shows how many requests of a lane ({@code webhooks}, {@code tracking}) wait for their Kafka ack
   * now, as the gauge {@code tributary_gateway_in_flight{lane}}.
   */
  public void inFlight(String lane, IntSupplier count) {
    inFlight.put(lane, count);
  }

  /** Prometheus text exposition format 0.0.4. */
  public String prometheus() {
    StringBuilder out = new StringBuilder();
    header(out, "tributary_gateway_accepted_total", "Records acknowledged by Kafka, by provider.");
    new TreeMap<>(accepted)
        .forEach(
            (provider, count) ->
                sample(
                    out,
                    "tributary_gateway_accepted_total",
                    "provider=\"" + provider + "\"",
                    count));
    header(out, "tributary_gateway_rejected_total", "Requests refused, by provider and reason.");
    new TreeMap<>(rejected)
        .forEach(
            (labels, count) ->
                sample(
                    out,
                    "tributary_gateway_rejected_total",
                    "provider=\"" + labels.provider() + "\",reason=\"" + labels.reason() + "\"",
                    count));
    header(
        out,
        "tributary_gateway_dropped_total",
        "Requests answered as accepted but not produced, by reason.");
    new TreeMap<>(dropped)
        .forEach(
            (reason, count) ->
                sample(out, "tributary_gateway_dropped_total", "reason=\"" + reason + "\"", count));
    if (!inFlight.isEmpty()) {
      String gauge = "tributary_gateway_in_flight";
      out.append("# HELP ")
          .append(gauge)
          .append(" Requests waiting for their Kafka ack now, by lane.\n");
      out.append("# TYPE ").append(gauge).append(" gauge\n");
      new TreeMap<>(inFlight)
          .forEach(
              (lane, count) ->
                  out.append(gauge)
                      .append("{lane=\"")
                      .append(lane)
                      .append("\"} ")
                      .append(count.getAsInt())
                      .append('\n'));
    }
    String ack = "tributary_gateway_kafka_ack_seconds";
    out.append("# HELP ").append(ack).append(" Time from send to Kafka's acknowledgement.\n");
    out.append("# TYPE ").append(ack).append(" histogram\n");
    long cumulative = 0;
    for (int i = 0; i < ackBuckets.length; i++) {
      cumulative += ackBuckets[i].sum();
      String le = i < ACK_BUCKETS.length ? Double.toString(ACK_BUCKETS[i]) : "+Inf";
      out.append(ack).append("_bucket{le=\"").append(le).append("\"} ").append(cumulative);
      out.append('\n');
    }
    out.append(ack).append("_sum ").append(ackNanos.sum() / 1e9).append('\n');
    out.append(ack).append("_count ").append(cumulative).append('\n');
    return out.toString();
  }

  private static void header(StringBuilder out, String name, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
  }

  private static void sample(StringBuilder out, String name, String labels, LongAdder count) {
    out.append(name).append('{').append(labels).append("} ").append(count.sum()).append('\n');
  }
}
