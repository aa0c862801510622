package dev.tributary.job.testing;

import dev.tributary.job.warehouse.WarehouseSink;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterState;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The production JDBC sink with a fault: once, after {@code failAfter} records and at least one
 * completed checkpoint (so the job really restores state, not just starts over), a write throws and
 * the task fails. Each write is slowed by {@code pauseMillis} so that checkpoints happen
 * mid-stream. Everything else is the real sink, so what a restore replays really reaches PostgreSQL
 * twice.
 *
 * <p>The "failed once" flag is static: the restarted task lives in the same JVM (MiniCluster).
 */
public final class FailOnceSink<T>
    implements Sink<T>, SupportsWriterState<T, JdbcWriterState>, SupportsCommitter<JdbcCommitable> {
  public static final AtomicBoolean FAILED = new AtomicBoolean();
  private static final AtomicInteger WRITTEN = new AtomicInteger();
  private static final java.util.concurrent.atomic.AtomicLong CHECKPOINT =
      new java.util.concurrent.atomic.AtomicLong();

  private final WarehouseSink<T> sink;
  private final int failAfter;
  private final long pauseMillis;

  public FailOnceSink(Sink<T> jdbcSink, int failAfter, long pauseMillis) {
    this.sink = (WarehouseSink<T>) jdbcSink;
    this.failAfter = failAfter;
    this.pauseMillis = pauseMillis;
  }

  /** For the test's report: records written and the highest checkpoint seen. */
  public static String stats() {
    return WRITTEN.get() + " written, checkpoint " + CHECKPOINT.get();
  }

  public static void reset() {
    FAILED.set(false);
    WRITTEN.set(0);
    CHECKPOINT.set(0);
  }

  @Override
  public StatefulSinkWriter<T, JdbcWriterState> createWriter(WriterInitContext context)
      throws IOException {
    return new Writer(sink.createWriter(context));
  }

  @Override
  public StatefulSinkWriter<T, JdbcWriterState> restoreWriter(
      WriterInitContext context, Collection<JdbcWriterState> state) throws IOException {
    return new Writer(sink.restoreWriter(context, state));
  }

  @Override
  public SimpleVersionedSerializer<JdbcWriterState> getWriterStateSerializer() {
    return sink.getWriterStateSerializer();
  }

  @Override
  public Committer<JdbcCommitable> createCommitter(CommitterInitContext context)
      throws IOException {
    return sink.createCommitter(context);
  }

  @Override
  public SimpleVersionedSerializer<JdbcCommitable> getCommittableSerializer() {
    return sink.getCommittableSerializer();
  }

  private final class Writer
      implements StatefulSinkWriter<T, JdbcWriterState>, CommittingSinkWriter<T, JdbcCommitable> {
    private final WarehouseSink.Writer<T> delegate;

    Writer(WarehouseSink.Writer<T> delegate) {
      this.delegate = delegate;
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
      Thread.sleep(pauseMillis);
      if (WRITTEN.incrementAndGet() > failAfter
          && CHECKPOINT.get() >= 2
          && FAILED.compareAndSet(false, true)) {
        throw new IOException("injected failure after " + failAfter + " records");
      }
      delegate.write(element, context);
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
      // On a loaded machine every record can be written before the second checkpoint completes
      // (the full build once ended with 232 written and no failure): then the failure comes at the
      // end of input, still after a completed checkpoint, so the restore and replay happen anyway.
      if (endOfInput && CHECKPOINT.get() >= 1 && FAILED.compareAndSet(false, true)) {
        throw new IOException("injected failure at the end of input");
      }
      delegate.flush(endOfInput);
    }

    @Override
    public Collection<JdbcCommitable> prepareCommit() throws IOException, InterruptedException {
      return delegate.prepareCommit();
    }

    @Override
    public List<JdbcWriterState> snapshotState(long checkpointId) throws IOException {
      // a second checkpoint only starts once the first is done (one at a time)
      CHECKPOINT.accumulateAndGet(checkpointId, Math::max);
      return delegate.snapshotState(checkpointId);
    }

    @Override
    public void close() throws Exception {
      delegate.close();
    }
  }
}
