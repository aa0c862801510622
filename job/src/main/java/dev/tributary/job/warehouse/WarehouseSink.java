package dev.tributary.job.warehouse;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriter;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterState;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Flink JDBC sink, with one difference: closing a writer never throws.
 *
 * <p>When the database goes away, a task fails, and Flink closes its operators; the JDBC writer's
 * close flushes what it still buffers, fails again, and throws. Flink treats an exception while a
 * failed task cleans up as fatal and shuts the whole TaskManager down, so a database outage took
 * every task of the job with it, and a standalone cluster had no slots left to restart on (found by
 * {@code WarehouseExactnessIT}'s outage run). Swallowing that failure loses nothing: the writer
 * flushes on every checkpoint and at the end of input (where a failure still fails the task), so
 * rows it never wrote are replayed from the last checkpoint and upserted on their keys.
 */
public final class WarehouseSink<T>
    implements Sink<T>, SupportsWriterState<T, JdbcWriterState>, SupportsCommitter<JdbcCommitable> {
  private static final Logger LOG = LoggerFactory.getLogger(WarehouseSink.class);
  private final JdbcSink<T> jdbc;

  public WarehouseSink(JdbcSink<T> jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Writer<T> createWriter(WriterInitContext context) throws IOException {
    return new Writer<>(jdbc.createWriter(context));
  }

  @Override
  public Writer<T> restoreWriter(WriterInitContext context, Collection<JdbcWriterState> state)
      throws IOException {
    return new Writer<>(jdbc.restoreWriter(context, state));
  }

  @Override
  public SimpleVersionedSerializer<JdbcWriterState> getWriterStateSerializer() {
    return jdbc.getWriterStateSerializer();
  }

  @Override
  public Committer<JdbcCommitable> createCommitter(CommitterInitContext context)
      throws IOException {
    return jdbc.createCommitter(context);
  }

  @Override
  public SimpleVersionedSerializer<JdbcCommitable> getCommittableSerializer() {
    return jdbc.getCommittableSerializer();
  }

  /** The JDBC writer; {@link #close()} logs instead of throwing. */
  public static final class Writer<T>
      implements StatefulSinkWriter<T, JdbcWriterState>, CommittingSinkWriter<T, JdbcCommitable> {
    private final JdbcWriter<T> delegate;

    Writer(JdbcWriter<T> delegate) {
      this.delegate = delegate;
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
      delegate.write(element, context);
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
      delegate.flush(endOfInput);
    }

    @Override
    public Collection<JdbcCommitable> prepareCommit() throws IOException, InterruptedException {
      return delegate.prepareCommit();
    }

    @Override
    public List<JdbcWriterState> snapshotState(long checkpointId) throws IOException {
      return delegate.snapshotState(checkpointId);
    }

    @Override
    public void close() {
      try {
        delegate.close();
      } catch (Exception e) {
        LOG.warn(
            "closing a warehouse writer failed; rows it had not flushed are replayed from the last"
                + " checkpoint: {}",
            e.toString());
      }
    }
  }
}
