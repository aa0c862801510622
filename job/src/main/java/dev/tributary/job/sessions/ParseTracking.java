package dev.tributary.job.sessions;

import dev.tributary.job.deadletter.DeadLetters;
import dev.tributary.job.identity.Identify;
import dev.tributary.job.ingest.RawRecord;
import dev.tributary.job.payments.MalformedPayloadException;
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
  private transient Counter deadLettered;

  @Override
  public void open(OpenContext openContext) {
    deadLettered = getRuntimeContext().getMetricGroup().counter("deadLettered");
  }

  @Override
  public void processElement(RawRecord record, Context ctx, Collector<Pageview> out) {
    try {
      TrackingParser.Parsed parsed = TrackingParser.parseRecord(record.value());
      if (parsed.pageview() != null) {
        out.collect(parsed.pageview());
      } else {
        ctx.output(IDENTIFIES, parsed.identify());
      }
    } catch (MalformedPayloadException e) {
      deadLettered.inc();
      ctx.output(
          DeadLetters.TAG,
          DeadLetters.of(record, UID, e.getMessage(), ctx.timerService().currentProcessingTime()));
    }
  }
}
