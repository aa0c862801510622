package dev.tributary.job.sessions;

import dev.tributary.job.deadletter.DeadLetters;
import dev.tributary.job.ingest.RawRecord;
import dev.tributary.job.payments.MalformedPayloadException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Stateless: tracking record → {@link Pageview}; malformed records go to the dead letters. */
public final class ParseTracking extends ProcessFunction<RawRecord, Pageview> {
  public static final String UID = "parse-tracking";
  private transient Counter deadLettered;

  @Override
  public void open(OpenContext openContext) {
    deadLettered = getRuntimeContext().getMetricGroup().counter("deadLettered");
  }

  @Override
  public void processElement(RawRecord record, Context ctx, Collector<Pageview> out) {
    try {
      Pageview p = TrackingParser.parse(record.value());
      if (p != null) {
        out.collect(p);
      }
    } catch (MalformedPayloadException e) {
      deadLettered.inc();
      ctx.output(
          DeadLetters.TAG,
          DeadLetters.of(record, UID, e.getMessage(), ctx.timerService().currentProcessingTime()));
    }
  }
}
