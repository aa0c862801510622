package dev.tributary.job.sessions;

import dev.tributary.job.deadletter.DeadLetters;
import dev.tributary.job.ingest.RawRecord;
import dev.tributary.job.ingest.TimeBounds;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Stateless: tracking record → {@link Pageview} (main output) or {@link Identify} ({@link
 * #IDENTIFIES}); malformed records go to the dead letters.
 */
public final class ParseTracking extends ProcessFunction<RawRecord, Pageview> {
  public static final String UID = "parse-tracking";
  public static final OutputTag<Identify> IDENTIFIES = new OutputTag<>("identifies") {};
  private final TimeBounds bounds;
  private final java.util.Set<String> keptQueryParameters;
  private transient Counter deadLettered;
  private transient Counter clampedTimes;

  /**
   * @param bounds how far ahead of its record a call's own time may lie
   */
  public ParseTracking(TimeBounds bounds) {
    this(bounds, java.util.List.of());
  }

  /**
   * @param keptQueryParameters query parameters page addresses keep besides {@link UrlHygiene#KEPT}
   *     ({@code tributary.privacy.kept-query-parameters})
   */
  public ParseTracking(TimeBounds bounds, java.util.List<String> keptQueryParameters) {
    this.bounds = bounds;
    this.keptQueryParameters =
        keptQueryParameters.stream()
            .map(p -> p.trim().toLowerCase(java.util.Locale.ROOT))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  @Override
  public void open(OpenContext openContext) {
    deadLettered = getRuntimeContext().getMetricGroup().counter("deadLettered");
    clampedTimes = getRuntimeContext().getMetricGroup().counter("futureTimesClamped");
  }

  @Override
  public void processElement(RawRecord record, Context ctx, Collector<Pageview> out) {
    try {
      TrackingParser.Parsed parsed =
          TrackingParser.parseRecord(record.value(), keptQueryParameters);
      if (parsed.pageview() != null) {
        Pageview p = parsed.pageview();
        long at = bounds.clamp(p.receivedAtMillis(), record.timestampMillis());
        if (at != p.receivedAtMillis()) {
          clampedTimes.inc();
          p = p.withReceivedAt(at);
        }
        out.collect(p);
      } else {
        Identify i = parsed.identify();
        long at = bounds.clamp(i.receivedAtMillis(), record.timestampMillis());
        if (at != i.receivedAtMillis()) {
          clampedTimes.inc();
          i = i.withReceivedAt(at);
        }
        ctx.output(IDENTIFIES, i);
      }
    } catch (RuntimeException e) {
      // one record's failure, whatever it is, costs that record only
      deadLettered.inc();
      ctx.output(
          DeadLetters.TAG,
          DeadLetters.of(
              record, UID, DeadLetters.reason(e), ctx.timerService().currentProcessingTime()));
    }
  }
}
