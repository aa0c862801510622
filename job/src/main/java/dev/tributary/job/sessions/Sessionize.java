package dev.tributary.job.sessions;

import dev.tributary.job.base.StateTtl;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Stage 3, keyed by (site, visitor): pageviews → sessions. The tracker decides session boundaries
 * (30 minutes of inactivity or a new campaign start a new session id); this operator aggregates the
 * pageviews of each id and classifies the session's channel from its earliest pageview. Every
 * update is emitted on the main output (the warehouse upserts the row, the timestamp fallback
 * indexes its activity); attribution keeps only a session's touch — where and when it began — so it
 * gets the updates that change it, on {@link #TOUCHES}: a new session, or a late pageview earlier
 * than its start. That is one record per session instead of one per pageview.
 *
 * <p>State:
 *
 * <ul>
 *   <li>{@code sessions}: MapState sessionId → {@link Session}, TTL {@code
 *       tributary.sessions.retention} (default 1 day) from the last write, i.e. a session is
 *       forgotten a day after its last pageview. A pageview arriving later opens the row anew; the
 *       warehouse upsert keeps the earlier start and the larger count.
 *   <li>{@code seen}: MapState eventId → pageview time, the same TTL: a pageview delivered twice (a
 *       beacon retried, a gateway retry after a lost Kafka ack) counts once.
 * </ul>
 *
 * <p>Timers: none.
 */
public final class Sessionize extends KeyedProcessFunction<String, Pageview, Session> {
  public static final String UID = "sessionize";
  public static final OutputTag<Session> TOUCHES = new OutputTag<>("touches") {};

  private final ChannelClassifier classifier;
  private final Duration retention;
  private transient MapState<String, Session> sessions;
  private transient MapState<String, Long> seen;

  public Sessionize(ChannelClassifier classifier, Duration retention) {
    this.classifier = classifier;
    this.retention = retention;
  }

  @Override
  public void open(OpenContext openContext) {
    MapStateDescriptor<String, Session> descriptor =
        new MapStateDescriptor<>("sessions", Types.STRING, TypeInformation.of(Session.class));
    descriptor.enableTimeToLive(StateTtl.afterLastWrite(retention));
    sessions = getRuntimeContext().getMapState(descriptor);
    MapStateDescriptor<String, Long> seenDescriptor =
        new MapStateDescriptor<>("seen", Types.STRING, Types.LONG);
    seenDescriptor.enableTimeToLive(StateTtl.afterLastWrite(retention));
    seen = getRuntimeContext().getMapState(seenDescriptor);
  }

  @Override
  public void processElement(Pageview p, Context ctx, Collector<Session> out) throws Exception {
    if (p.eventId() != null) {
      if (seen.contains(p.eventId())) {
        return;
      }
      seen.put(p.eventId(), p.receivedAtMillis());
    }
    Session current = sessions.get(p.sessionId());
    // only a session's earliest pageview decides its channel: the others are not classified
    boolean decides = current == null || p.receivedAtMillis() < current.startedAtMillis();
    Channel channel = decides ? classifier.classify(p) : null;
    Session next = current == null ? Session.open(p, channel) : current.plus(p, channel);
    sessions.put(p.sessionId(), next);
    out.collect(next);
    if (current == null || next.startedAtMillis() < current.startedAtMillis()) {
      ctx.output(TOUCHES, next);
    }
  }
}
