package dev.tributary.job.testing;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/**
 * Operator harnesses that can be restored from a snapshot. Expired TTL entries are dropped when a
 * full snapshot is taken, so "snapshot after the TTL, restore, count" shows deterministically that
 * a state empties, without depending on when background cleanup happens to run.
 */
public final class Harnesses {
  private Harnesses() {}

  /** Takes a snapshot at TTL time {@code ttlNow}; entries older than their TTL are left out. */
  public static OperatorSubtaskState snapshotAt(AbstractStreamOperatorTestHarness<?> h, long ttlNow)
      throws Exception {
    h.setStateTtlProcessingTime(ttlNow);
    return h.snapshot(1L, ttlNow);
  }

  public static <K, I, O> KeyedOneInputStreamOperatorTestHarness<K, I, O> keyed(
      KeyedProcessFunction<K, I, O> fn,
      KeySelector<I, K> key,
      TypeInformation<K> keyType,
      OperatorSubtaskState restoreFrom,
      long ttlNow)
      throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn), key, keyType);
    h.setStateTtlProcessingTime(ttlNow);
    if (restoreFrom != null) {
      h.initializeState(restoreFrom);
    }
    h.open();
    return h;
  }

  public static <K, I1, I2, O> KeyedTwoInputStreamOperatorTestHarness<K, I1, I2, O> keyedCo(
      KeyedCoProcessFunction<K, I1, I2, O> fn,
      KeySelector<I1, K> key1,
      KeySelector<I2, K> key2,
      TypeInformation<K> keyType,
      OperatorSubtaskState restoreFrom,
      long ttlNow)
      throws Exception {
    var h =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(fn), key1, key2, keyType);
    h.setStateTtlProcessingTime(ttlNow);
    if (restoreFrom != null) {
      h.initializeState(restoreFrom);
    }
    h.open();
    return h;
  }
}
