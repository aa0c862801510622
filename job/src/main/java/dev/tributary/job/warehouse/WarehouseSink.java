package dev.tributary.job.warehouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.job.deadletter.DeadLetter;
import dev.tributary.job.deadletter.DeadLetterProducer;
import java.io.IOException;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriter;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterState;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A warehouse table's sink: the Flink JDBC connector's at-least-once sink, which writes every
 * batch, with three things around it that it lacks.
 *
 * <ol>
 *   <li><b>A row PostgreSQL refuses for its content costs that row only.</b> When a batch fails
 *       with a refused-content error ({@link SqlFaults}: a NUL byte, a value out of range, a CHECK
 *       such as {@code payments_refunded_within_amount}), the same rows are written once more, one
 *       statement each, in one transaction with a savepoint before each row: a refused row is
 *       rolled back to its savepoint and goes to the dead-letter topic with PostgreSQL's message;
 *       the rest commit. Row by row on the failure path, rather than bisecting the batch: refusals
 *       are rare, one pass finds every refused row of the batch (bisection needs log n passes per
 *       row and resends good rows each time), and every statement is an idempotent upsert or
 *       insert-or-ignore, so writing a row the failed batch had already committed changes nothing.
 *   <li><b>Transient faults back off and retry</b> (connection lost, failover, deadlock: {@link
 *       SqlFaults}): up to {@link #ATTEMPTS} attempts with exponential back-off from 100 ms to 5 s
 *       (about 20 s in all), each on a fresh connector writer holding the same rows; then the task
 *       fails and Flink restores it from the last checkpoint, which replays the rows. Never
 *       dead-lettered.
 *   <li><b>The batch interval runs on the task's own timer</b> (the mailbox), not on the
 *       connector's background thread, so a failed periodic flush fails the task at once instead of
 *       waiting, unseen, for the next record; and a flush the checkpoint asks for completes before
 *       the checkpoint does.
 * </ol>
 *
 * <p>Closing a writer never throws and never retries: when the database goes away, a task fails and
 * Flink closes its operators; an exception while a failed task cleans up is fatal to the whole
 * TaskManager, so a database outage took every task of the job with it. Swallowing it loses
 * nothing: rows not yet flushed are replayed from the last checkpoint and upserted on their keys.
 *
 * <p>The connector's writer state and committables (empty for at-least-once) are passed through, so
 * savepoints of the plain connector sink restore.
 */
public final class WarehouseSink<T>
    implements Sink<T>, SupportsWriterState<T, JdbcWriterState>, SupportsCommitter<JdbcCommitable> {
  private static final Logger LOG = LoggerFactory.getLogger(WarehouseSink.class);

  /** Attempts at a batch through transient faults before the task fails. */
  static final int ATTEMPTS = 8;

  /**
   * Where and how a table's rows are written.
   *
   * @param latestPerKey when true, each row is the whole state of its {@code key} and a batch
   *     writes only the latest row per key ({@link HeldRows})
   */
  public record Table<T>(
      String name,
      String url,
      String user,
      String password,
      String sql,
      JdbcStatementBuilder<T> binder,
      RowKey<T> key,
      boolean latestPerKey)
      implements Serializable {
    /** The password is left out. */
    @Override
    public String toString() {
      return "Table[" + name + ", " + url + "]";
    }
  }

  /** The natural key of a row, for its dead letter. */
  @FunctionalInterface
  public interface RowKey<T> extends Function<T, String>, Serializable {}

  private final JdbcSink<T> jdbc;
  private final Table<T> table;
  private final int batchSize;
  private final Duration batchInterval;
  private final DeadLetterProducer deadLetters;

  /**
   * @param jdbc the connector's sink for the table, built without a batch interval, size or retries
   *     of its own (this sink decides when to flush and how to handle a failure)
   */
  public WarehouseSink(
      JdbcSink<T> jdbc,
      Table<T> table,
      int batchSize,
      Duration batchInterval,
      DeadLetterProducer deadLetters) {
    this.jdbc = jdbc;
    this.table = table;
    this.batchSize = batchSize;
    this.batchInterval = batchInterval;
    this.deadLetters = deadLetters;
  }

  @Override
  public Writer<T> createWriter(WriterInitContext context) throws IOException {
    return new Writer<>(this, context, jdbc.createWriter(context));
  }

  @Override
  public Writer<T> restoreWriter(WriterInitContext context, Collection<JdbcWriterState> state)
      throws IOException {
    return new Writer<>(this, context, jdbc.restoreWriter(context, state));
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

  /** The writer: the connector's, the rows it holds, and the refusal and retry paths. */
  public static final class Writer<T>
      implements StatefulSinkWriter<T, JdbcWriterState>, CommittingSinkWriter<T, JdbcCommitable> {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WarehouseSink<T> sink;
    private final WriterInitContext context;
    private final ProcessingTimeService time;
    private final Counter refused;
    private final Counter retries;
    private final HeldRows<T> rows;
    private JdbcWriter<T> delegate;
    private DeadLetterProducer.Channel deadLetters;
    private boolean timerSet;

    Writer(WarehouseSink<T> sink, WriterInitContext context, JdbcWriter<T> delegate) {
      this.sink = sink;
      this.context = context;
      this.time = context.getProcessingTimeService();
      this.refused = context.metricGroup().counter("refusedRows");
      this.retries = context.metricGroup().counter("transientRetries");
      this.delegate = delegate;
      this.rows = new HeldRows<>(sink.table.latestPerKey() ? sink.table.key() : null);
    }

    @Override
    public void write(T element, Context ctx) throws IOException, InterruptedException {
      // held here, handed to the connector only when the batch is written (HeldRows keeps the
      // latest row per key for state tables)
      rows.add(element);
      if (rows.size() >= sink.batchSize) {
        flushRows();
      } else if (!timerSet && sink.batchInterval.toMillis() > 0) {
        timerSet = true;
        time.registerTimer(
            time.getCurrentProcessingTime() + sink.batchInterval.toMillis(),
            t -> {
              timerSet = false;
              flushRows();
            });
      }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
      flushRows();
    }

    @Override
    public Collection<JdbcCommitable> prepareCommit() throws IOException, InterruptedException {
      return delegate == null ? List.of() : delegate.prepareCommit();
    }

    @Override
    public List<JdbcWriterState> snapshotState(long checkpointId) throws IOException {
      return delegate == null ? List.of() : delegate.snapshotState(checkpointId);
    }

    /** Writes the rows held, through refusals and transient faults (see the class comment). */
    void flushRows() throws IOException, InterruptedException {
      if (rows.isEmpty()) {
        return;
      }
      long backoff = 100;
      for (int attempt = 1; ; attempt++) {
        IOException failure;
        boolean connecting = delegate == null;
        try {
          if (delegate == null) {
            // opening connects: during an outage this fails like a flush, and is retried
            delegate = sink.jdbc.createWriter(context);
          }
          connecting = false;
          for (T row : rows.rows()) {
            delegate.write(row, null);
          }
          delegate.flush(false);
          rows.clear();
          return;
        } catch (IOException e) {
          failure = e;
        }
        // the connector keeps a failed batch and would send it again: the next attempt (or the
        // next write) starts a fresh writer
        discardWriter();
        SQLException cause = SqlFaults.sqlCause(failure);
        try {
          if (cause != null && SqlFaults.refusedContent(cause)) {
            writeRowByRow();
            rows.clear();
            return;
          }
        } catch (SQLException e) {
          cause = e;
        }
        // not being able to connect at all (refused, the database closed to connections, a
        // failover in progress) is transient whatever SQLSTATE the server gave
        boolean transientFault = connecting || (cause != null && SqlFaults.transientFault(cause));
        if (!transientFault || attempt >= ATTEMPTS) {
          throw new IOException(
              "writing " + rows.size() + " row(s) to " + sink.table.name() + " failed", failure);
        }
        retries.inc();
        LOG.warn(
            "{}: transient database fault (attempt {} of {}), retrying in {} ms: {}",
            sink.table.name(),
            attempt,
            ATTEMPTS,
            backoff,
            String.valueOf(cause != null ? cause : failure));
        Thread.sleep(backoff);
        backoff = Math.min(5_000, backoff * 2);
      }
    }

    /**
     * One transaction, one statement per row, a savepoint before each: a refused row is rolled back
     * alone and dead-lettered, the others commit. A transient fault on the way throws, and the
     * caller retries the whole batch.
     */
    private void writeRowByRow() throws SQLException, IOException {
      Table<T> t = sink.table;
      List<DeadLetter> refusals = new ArrayList<>();
      Connection opened;
      try {
        opened = DriverManager.getConnection(t.url(), t.user(), t.password());
      } catch (SQLException e) {
        // cannot connect: transient, whatever the SQLSTATE (see flushRows)
        throw new java.sql.SQLTransientConnectionException(e.getMessage(), "08001", e);
      }
      try (Connection c = opened) {
        c.setAutoCommit(false);
        try (PreparedStatement st = c.prepareStatement(t.sql())) {
          for (T row : rows.rows()) {
            Savepoint sp = c.setSavepoint();
            try {
              t.binder().accept(st, row);
              st.executeUpdate();
              c.releaseSavepoint(sp);
            } catch (SQLException e) {
              if (!SqlFaults.refusedContent(e)) {
                c.rollback();
                throw e;
              }
              c.rollback(sp);
              refusals.add(deadLetter(row, e));
            }
          }
        }
        c.commit();
      }
      if (refusals.isEmpty()) {
        return;
      }
      if (deadLetters == null) {
        deadLetters = sink.deadLetters.open();
      }
      for (DeadLetter d : refusals) {
        deadLetters.send(d);
      }
      // durable before the flush that a checkpoint waits for completes
      deadLetters.flush();
      refused.inc(refusals.size());
      LOG.warn(
          "{}: the database refused {} row(s) for their content; they are in the dead letters",
          sink.table.name(),
          refusals.size());
    }

    private DeadLetter deadLetter(T row, SQLException e) {
      String rendered;
      try {
        rendered = JSON.writeValueAsString(row);
      } catch (Exception x) {
        rendered = String.valueOf(row);
      }
      return new DeadLetter(
          "warehouse refused the row: " + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")",
          "sink-" + sink.table.name(),
          null,
          sink.table.key().apply(row),
          time.getCurrentProcessingTime(),
          rendered);
    }

    private void discardWriter() {
      if (delegate == null) {
        return;
      }
      try {
        delegate.close();
      } catch (Exception e) {
        LOG.debug("closing a failed warehouse writer: {}", e.toString());
      }
      delegate = null;
    }

    @Override
    public void close() {
      // no retries here: a task that fails is closed too, and its rows come back with the replay
      try {
        if (delegate != null) {
          delegate.close();
        }
      } catch (Exception e) {
        LOG.warn(
            "{}: closing the writer failed; rows it had not flushed are replayed from the last"
                + " checkpoint: {}",
            sink.table.name(),
            e.toString());
      }
      if (deadLetters != null) {
        deadLetters.close();
      }
    }
  }
}
