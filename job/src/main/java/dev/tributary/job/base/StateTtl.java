package dev.tributary.job.base;

import java.time.Duration;
import org.apache.flink.api.common.state.StateTtlConfig;

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
}
