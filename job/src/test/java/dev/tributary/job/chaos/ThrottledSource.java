package dev.tributary.job.chaos;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A source that reads at most {@code perSecond} records a second in each reader subtask, and is
 * otherwise the source it wraps (same splits, same enumerator, same checkpointed state).
 *
 * <p>Why: the chaos run kills the TaskManager when the job has written given shares of the month.
 * Unthrottled, the job reads a short month in seconds, so on a fast machine the month could end
 * before the last kill, and on a loaded one a restore (up to 25 s seen) outlasted what was left:
 * the number of kills depended on the machine. Read at a fixed pace, the month takes the same time
 * everywhere and every kill target is reached while the job runs. Pacing changes when records are
 * read, never which records or in what order, so it cannot change the result.
 *
 * <p>The wait is a sleep in the task's thread, between two records, at most {@code 1/perSecond}
 * long: checkpoint barriers and timers wait at most that long behind it.
 */
final class ThrottledSource<T, S extends SourceSplit, E>
    implements Source<T, S, E>, ResultTypeQueryable<T> {
  private static final long serialVersionUID = 1L;

  private final Source<T, S, E> delegate;
  private final double perSecond;

  private ThrottledSource(Source<T, S, E> delegate, double perSecond) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("perSecond must be positive, was " + perSecond);
    }
    this.delegate = delegate;
    this.perSecond = perSecond;
  }

  static <T, S extends SourceSplit, E> ThrottledSource<T, S, E> of(
      Source<T, S, E> delegate, double perSecond) {
    return new ThrottledSource<>(delegate, perSecond);
  }

  @Override
  @SuppressWarnings("unchecked")
  public TypeInformation<T> getProducedType() {
    if (delegate instanceof ResultTypeQueryable<?> q) {
      return (TypeInformation<T>) q.getProducedType();
    }
    throw new IllegalStateException(delegate.getClass() + " does not tell its produced type");
  }

  @Override
  public Boundedness getBoundedness() {
    return delegate.getBoundedness();
  }

  @Override
  public SourceReader<T, S> createReader(SourceReaderContext context) throws Exception {
    return new Reader<>(delegate.createReader(context), perSecond);
  }

  @Override
  public SplitEnumerator<S, E> createEnumerator(SplitEnumeratorContext<S> context)
      throws Exception {
    return delegate.createEnumerator(context);
  }

  @Override
  public SplitEnumerator<S, E> restoreEnumerator(SplitEnumeratorContext<S> context, E checkpoint)
      throws Exception {
    return delegate.restoreEnumerator(context, checkpoint);
  }

  @Override
  public SimpleVersionedSerializer<S> getSplitSerializer() {
    return delegate.getSplitSerializer();
  }

  @Override
  public SimpleVersionedSerializer<E> getEnumeratorCheckpointSerializer() {
    return delegate.getEnumeratorCheckpointSerializer();
  }

  /** The wrapped reader; every record it emits, through any output, takes one permit. */
  private static final class Reader<T, S extends SourceSplit> implements SourceReader<T, S> {
    private final SourceReader<T, S> delegate;
    private final long nanosPerRecord;
    private long nextPermit = System.nanoTime();
    private ReaderOutput<T> seen;
    private ReaderOutput<T> paced;

    Reader(SourceReader<T, S> delegate, double perSecond) {
      this.delegate = delegate;
      this.nanosPerRecord = Math.max(1, Math.round(1e9 / perSecond));
    }

    /** Sleeps until the next record may go; the budget is not saved up while the reader waits. */
    private void acquire() {
      long now = System.nanoTime();
      if (nextPermit < now) {
        nextPermit = now;
      }
      long wait = nextPermit - now;
      nextPermit += nanosPerRecord;
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public void start() {
      delegate.start();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
      if (output != seen) {
        seen = output;
        paced = new PacedReaderOutput(output);
      }
      return delegate.pollNext(paced);
    }

    @Override
    public List<S> snapshotState(long checkpointId) {
      return delegate.snapshotState(checkpointId);
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
      return delegate.isAvailable();
    }

    @Override
    public void addSplits(List<S> splits) {
      delegate.addSplits(splits);
    }

    @Override
    public void notifyNoMoreSplits() {
      delegate.notifyNoMoreSplits();
    }

    @Override
    public void handleSourceEvents(SourceEvent event) {
      delegate.handleSourceEvents(event);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
      delegate.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
      delegate.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void pauseOrResumeSplits(Collection<String> pause, Collection<String> resume) {
      delegate.pauseOrResumeSplits(pause, resume);
    }

    @Override
    public void close() throws Exception {
      delegate.close();
    }

    /** A split's output (where the Kafka reader emits, for per-split watermarks), paced. */
    private class PacedOutput implements SourceOutput<T> {
      private final SourceOutput<T> out;

      PacedOutput(SourceOutput<T> out) {
        this.out = out;
      }

      @Override
      public void collect(T record) {
        acquire();
        out.collect(record);
      }

      @Override
      public void collect(T record, long timestamp) {
        acquire();
        out.collect(record, timestamp);
      }

      @Override
      public void emitWatermark(Watermark watermark) {
        out.emitWatermark(watermark);
      }

      @Override
      public void markIdle() {
        out.markIdle();
      }

      @Override
      public void markActive() {
        out.markActive();
      }
    }

    private final class PacedReaderOutput extends PacedOutput implements ReaderOutput<T> {
      private final ReaderOutput<T> out;

      PacedReaderOutput(ReaderOutput<T> out) {
        super(out);
        this.out = out;
      }

      @Override
      public SourceOutput<T> createOutputForSplit(String splitId) {
        return new PacedOutput(out.createOutputForSplit(splitId));
      }

      @Override
      public void releaseOutputForSplit(String splitId) {
        out.releaseOutputForSplit(splitId);
      }
    }
  }
}
