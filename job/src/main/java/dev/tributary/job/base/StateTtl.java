package dev.tributary.job.base;

import java.time.Duration;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * The one TTL policy of the job's keyed state: the clock restarts on every write, expired values
 * are never read, and they are removed in the background on the heap backend (a few entries per
 * record), by RocksDB's compaction filter, and from full snapshots. Keeping one policy keeps
 * savepoints compatible: changing a state's TTL settings is a state migration (job/STATE.md).
 */
public final class StateTtl {
  private StateTtl() {}

  public static StateTtlConfig afterLastWrite(Duration ttl) {
    return StateTtlConfig.newBuilder(ttl)
        .updateTtlOnCreateAndWrite()
        .neverReturnExpired()
        .cleanupFullSnapshot()
        .cleanupIncrementally(10, false)
        .cleanupInRocksdbCompactFilter(1000)
        .build();
  }

  /** Value state {@code name} whose value expires {@code ttl} after its last write. */
  public static <T> ValueState<T> value(
      RuntimeContext ctx, String name, TypeInformation<T> type, Duration ttl) {
    ValueStateDescriptor<T> d = new ValueStateDescriptor<>(name, type);
    d.enableTimeToLive(afterLastWrite(ttl));
    return ctx.getState(d);
  }

  /** Map state {@code name} whose entries expire {@code ttl} after their last write. */
  public static <K, V> MapState<K, V> map(
      RuntimeContext ctx,
      String name,
      TypeInformation<K> keys,
      TypeInformation<V> values,
      Duration ttl) {
    MapStateDescriptor<K, V> d = new MapStateDescriptor<>(name, keys, values);
    d.enableTimeToLive(afterLastWrite(ttl));
    return ctx.getMapState(d);
  }
}
