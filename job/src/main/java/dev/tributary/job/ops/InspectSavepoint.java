package dev.tributary.job.ops;

import dev.tributary.job.attribution.AttributePayments;
import dev.tributary.job.attribution.AttributedPayment;
import dev.tributary.job.attribution.Touch;
import dev.tributary.job.base.StateTtl;
import dev.tributary.job.identity.Activity;
import dev.tributary.job.identity.ResolveByCustomer;
import dev.tributary.job.identity.ResolveByEmail;
import dev.tributary.job.identity.ResolveByTime;
import dev.tributary.job.ledger.book.Ledger;
import dev.tributary.job.payments.ConsolidatePayments;
import dev.tributary.job.payments.LinkPaymentKeys;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.sessions.Session;
import dev.tributary.job.sessions.Sessionize;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

/**
 * What a savepoint (or a retained checkpoint) holds, per operator: its uid, bytes of state,
 * parallelism and max parallelism from the metadata, and for the keyed operators of the job the
 * number of keys and entries of their main state, read with the State Processor API.
 *
 * <p>Run it where Flink's {@code lib/} is on the class path, e.g. {@code flink run -c
 * dev.tributary.job.ops.InspectSavepoint tributary-job-…-all.jar <savepoint-path>}, or {@code java
 * -cp "tributary-job-…-all.jar:$FLINK_HOME/lib/*" dev.tributary.job.ops.InspectSavepoint <path>}.
 * It reads; it never changes the savepoint.
 */
public final class InspectSavepoint {
  private InspectSavepoint() {}

  /** A keyed operator's main state: one key per entity, entries per key. */
  private record Probe(String uid, String state, TypeInformation<?> valueType, boolean map) {}

  /** Reading needs the state's TTL switched on (the duration may differ: nothing looks expired). */
  private static final Duration READ_TTL = Duration.ofDays(36_500);

  private static final List<Probe> PROBES =
      List.of(
          new Probe(LinkPaymentKeys.UID, "paymentKey", Types.STRING, false),
          new Probe(
              ConsolidatePayments.UID, "emitted", TypeInformation.of(PaymentEvent.class), false),
          new Probe(ResolveByCustomer.UID, "visitor", Types.STRING, false),
          new Probe(ResolveByEmail.UID, "visitor", Types.STRING, false),
          new Probe(ResolveByTime.UID, "activity", TypeInformation.of(Activity.class), true),
          new Probe(Sessionize.UID, "sessions", TypeInformation.of(Session.class), true),
          new Probe(AttributePayments.UID, "touches", TypeInformation.of(Touch.class), true),
          new Probe(Ledger.UID, "booked", TypeInformation.of(AttributedPayment.class), false));

  /**
   * One operator in the savepoint.
   *
   * @param uid the operator's uid, or its hash when it is not one of this job's
   * @param keys keys with main state (null for operators without a probe)
   * @param entries entries of the main state (map entries, or one per key for value state)
   */
  public record Operator(
      String uid,
      String state,
      long stateBytes,
      int parallelism,
      int maxParallelism,
      Long keys,
      Long entries) {}

  public static List<Operator> inspect(String path) throws Exception {
    CheckpointMetadata metadata = SavepointLoader.loadSavepointMetadata(path);
    Map<String, Probe> probesById = new HashMap<>();
    for (Probe p : PROBES) {
      probesById.put(OperatorIdentifier.forUid(p.uid()).getOperatorId().toHexString(), p);
    }
    Map<String, String> knownUids = new HashMap<>();
    for (String uid : JobUids.ALL) {
      knownUids.put(OperatorIdentifier.forUid(uid).getOperatorId().toHexString(), uid);
    }
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(1);
    SavepointReader reader = SavepointReader.read(env, path, new EmbeddedRocksDBStateBackend());

    List<Operator> out = new ArrayList<>();
    for (OperatorState op : metadata.getOperatorStates()) {
      String id = op.getOperatorID().toHexString();
      Probe probe = probesById.get(id);
      Long keys = null;
      Long entries = null;
      if (probe != null && op.getStateSize() > 0) {
        long[] counted = count(reader, probe);
        keys = counted[0];
        entries = counted[1];
      }
      out.add(
          new Operator(
              knownUids.getOrDefault(id, "#" + id),
              probe == null ? null : probe.state(),
              op.getStateSize(),
              op.getParallelism(),
              op.getMaxParallelism(),
              keys,
              entries));
    }
    out.sort(java.util.Comparator.comparing(Operator::uid));
    return out;
  }

  private static long[] count(SavepointReader reader, Probe probe) throws Exception {
    long keys = 0;
    long entries = 0;
    try (CloseableIterator<Long> it =
        reader
            .readKeyedState(
                OperatorIdentifier.forUid(probe.uid()),
                new CountEntries(probe.state(), probe.valueType(), probe.map()),
                Types.STRING,
                Types.LONG)
            .executeAndCollect("inspect " + probe.uid())) {
      while (it.hasNext()) {
        long n = it.next();
        if (n > 0) {
          keys++;
          entries += n;
        }
      }
    }
    return new long[] {keys, entries};
  }

  /** Emits, per key, how many entries its main state holds. */
  private static final class CountEntries extends KeyedStateReaderFunction<String, Long> {
    private final String name;
    private final TypeInformation<?> valueType;
    private final boolean map;
    private transient State state;

    CountEntries(String name, TypeInformation<?> valueType, boolean map) {
      this.name = name;
      this.valueType = valueType;
      this.map = map;
    }

    @Override
    public void open(OpenContext ctx) {
      StateDescriptor<?, ?> d =
          map
              ? new MapStateDescriptor<>(name, Types.STRING, valueType)
              : new ValueStateDescriptor<>(name, valueType);
      d.enableTimeToLive(StateTtl.afterLastWrite(READ_TTL));
      state =
          map
              ? getRuntimeContext().getMapState((MapStateDescriptor<?, ?>) d)
              : getRuntimeContext().getState((ValueStateDescriptor<?>) d);
    }

    @Override
    public void readKey(String key, Context ctx, Collector<Long> out) throws Exception {
      if (map) {
        long n = 0;
        for (Object ignored : ((MapState<?, ?>) state).keys()) {
          n++;
        }
        out.collect(n);
      } else {
        out.collect(((ValueState<?>) state).value() == null ? 0L : 1L);
      }
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: InspectSavepoint <savepoint-or-checkpoint-path>");
    }
    List<Operator> ops;
    try {
      ops = inspect(args[0]);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read a savepoint at " + args[0], e);
    }
    System.out.printf(
        "%-32s %-10s %12s %5s %5s %10s %10s%n",
        "operator uid", "state", "bytes", "par", "max", "keys", "entries");
    for (Operator o : ops) {
      System.out.printf(
          "%-32s %-10s %12d %5d %5d %10s %10s%n",
          o.uid(),
          o.state() == null ? "" : o.state(),
          o.stateBytes(),
          o.parallelism(),
          o.maxParallelism(),
          o.keys() == null ? "" : o.keys(),
          o.entries() == null ? "" : o.entries());
    }
  }
}
