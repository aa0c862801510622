package dev.tributary.job.deadletter;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.job.base.MalformedPayloadException;
import java.io.IOException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * Per-record isolation for the job's operators: one record whose processing throws costs that
 * record only. It goes to the dead letters ({@link DeadLetters#TAG}) with the stage (the operator's
 * uid), the reason and the record itself as JSON, is counted in {@code deadLettered}, and the job
 * goes on, where an uncaught exception would fail the task, restore it, replay the same record and
 * fail again for as long as the record is in Kafka.
 *
 * <p>The wrappers delegate everything, including the runtime context, so the wrapped operator's
 * state, timers and uid are unchanged: a savepoint taken without the wrapper restores with it.
 * Failures of the machinery rather than of a record — the state backend, I/O, {@link Error}s — are
 * not caught: they fail the task as before and Flink restores it from the last checkpoint.
 */
public final class Isolated {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Isolated() {}

  /** {@code fn}, isolating each record and timer. */
  public static <K, I, O> KeyedProcessFunction<K, I, O> keyed(
      String stage, KeyedProcessFunction<K, I, O> fn) {
    return new Keyed<>(stage, fn);
  }

  /** {@code fn}, isolating each record of both inputs and each timer. */
  public static <K, I1, I2, O> KeyedCoProcessFunction<K, I1, I2, O> keyedCo(
      String stage, KeyedCoProcessFunction<K, I1, I2, O> fn) {
    return new KeyedCo<>(stage, fn);
  }

  /** True for a failure of one record's processing, false for the machinery's. */
  static boolean isRecordFailure(RuntimeException e) {
    if (e instanceof MalformedPayloadException) {
      return true;
    }
    if (e instanceof FlinkRuntimeException) {
      return false;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return false;
      }
    }
    return true;
  }

  /** A side output's emitter ({@code ctx::output}). */
  @FunctionalInterface
  interface SideOutput {
    void emit(org.apache.flink.util.OutputTag<DeadLetter> tag, DeadLetter d);
  }

  /**
   * What both wrappers do with a failure: rethrow one of the machinery, dead-letter (and count) one
   * of the record.
   */
  static void isolate(
      RuntimeException e,
      String stage,
      Counter deadLettered,
      Object key,
      Object value,
      org.apache.flink.streaming.api.TimerService timers,
      SideOutput out) {
    if (!isRecordFailure(e)) {
      throw e;
    }
    deadLettered.inc();
    out.emit(DeadLetters.TAG, deadLetter(stage, key, value, e, timers.currentProcessingTime()));
  }

  /** The dead letter of {@code element}, processed under {@code key} in {@code stage}. */
  public static DeadLetter deadLetter(
      String stage, Object key, Object element, RuntimeException e, long nowMillis) {
    return new DeadLetter(
        DeadLetters.reason(e),
        stage,
        null,
        key == null ? null : key.toString(),
        nowMillis,
        render(element));
  }

  private static String render(Object element) {
    try {
      return JSON.writeValueAsString(element);
    } catch (Exception e) {
      return String.valueOf(element);
    }
  }

  private static final class Keyed<K, I, O> extends KeyedProcessFunction<K, I, O> {
    private final String stage;
    private final KeyedProcessFunction<K, I, O> fn;
    private transient Counter deadLettered;

    Keyed(String stage, KeyedProcessFunction<K, I, O> fn) {
      this.stage = stage;
      this.fn = fn;
    }

    @Override
    public void setRuntimeContext(RuntimeContext context) {
      super.setRuntimeContext(context);
      fn.setRuntimeContext(context);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
      fn.open(openContext);
      deadLettered = getRuntimeContext().getMetricGroup().counter("deadLettered");
    }

    @Override
    public void close() throws Exception {
      fn.close();
    }

    @Override
    public void processElement(I value, Context ctx, Collector<O> out) throws Exception {
      try {
        fn.processElement(value, ctx, out);
      } catch (RuntimeException e) {
        isolate(
            e, stage, deadLettered, ctx.getCurrentKey(), value, ctx.timerService(), ctx::output);
      }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<O> out) throws Exception {
      try {
        fn.onTimer(timestamp, ctx, out);
      } catch (RuntimeException e) {
        isolate(
            e,
            stage,
            deadLettered,
            ctx.getCurrentKey(),
            "timer at " + timestamp,
            ctx.timerService(),
            ctx::output);
      }
    }
  }

  private static final class KeyedCo<K, I1, I2, O> extends KeyedCoProcessFunction<K, I1, I2, O> {
    private final String stage;
    private final KeyedCoProcessFunction<K, I1, I2, O> fn;
    private transient Counter deadLettered;

    KeyedCo(String stage, KeyedCoProcessFunction<K, I1, I2, O> fn) {
      this.stage = stage;
      this.fn = fn;
    }

    @Override
    public void setRuntimeContext(RuntimeContext context) {
      super.setRuntimeContext(context);
      fn.setRuntimeContext(context);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
      fn.open(openContext);
      deadLettered = getRuntimeContext().getMetricGroup().counter("deadLettered");
    }

    @Override
    public void close() throws Exception {
      fn.close();
    }

    @Override
    public void processElement1(I1 value, Context ctx, Collector<O> out) throws Exception {
      try {
        fn.processElement1(value, ctx, out);
      } catch (RuntimeException e) {
        failed(e, value, ctx);
      }
    }

    @Override
    public void processElement2(I2 value, Context ctx, Collector<O> out) throws Exception {
      try {
        fn.processElement2(value, ctx, out);
      } catch (RuntimeException e) {
        failed(e, value, ctx);
      }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<O> out) throws Exception {
      try {
        fn.onTimer(timestamp, ctx, out);
      } catch (RuntimeException e) {
        failed(e, "timer at " + timestamp, ctx);
      }
    }

    private void failed(RuntimeException e, Object value, Context ctx) {
      isolate(e, stage, deadLettered, ctx.getCurrentKey(), value, ctx.timerService(), ctx::output);
    }
  }
}
