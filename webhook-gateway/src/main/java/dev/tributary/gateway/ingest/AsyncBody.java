package dev.tributary.gateway.ingest;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One request body read without a waiting thread: Jetty calls {@link #onDataAvailable} when bytes
 * arrive, the bytes are appended, and the future completes with the whole body at its end, or fails
 * with the {@link ApiError} to answer: 413 over {@code maxBytes}, 408 when the client is too slow
 * ({@link BodyReading#minBytesPerSecond}) or the body's deadline passed, 503 when the shared budget
 * of body bytes is used up, 400 when the connection broke.
 *
 * <p>Only one Jetty callback runs at a time for a request; the deadline runs on the timer and
 * completes the future on the server's pool. Whatever ends the read first wins; later callbacks do
 * nothing.
 */
final class AsyncBody implements ReadListener {

  private static final int INITIAL_CAPACITY = 8 * 1024;

  private final ServletInputStream in;
  private final int maxBytes;
  private final BodyReading reading;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private final long startNanos;
  private final ScheduledFuture<?> deadline;
  private final long declared;
  private final byte[] probe = new byte[1];
  private byte[] buffer;
  private int size;
  private long reserved;
  private boolean ended;

  private AsyncBody(ServletInputStream in, int maxBytes, long declared, BodyReading reading) {
    this.in = in;
    this.maxBytes = maxBytes;
    this.reading = reading;
    this.startNanos = reading.nanoTime().getAsLong();
    this.declared = declared;
    // Never allocate what was only declared: a client may declare the limit and send one byte.
    this.buffer = new byte[(int) Math.min(INITIAL_CAPACITY, declared >= 0 ? declared : maxBytes)];
    this.deadline =
        reading
            .timers()
            .schedule(this::deadlinePassed, reading.timeoutMillis(), TimeUnit.MILLISECONDS);
    result.whenComplete((body, error) -> end());
  }

  /**
   * Starts reading {@code in}, which must belong to a request in async mode, and returns the body.
   *
   * @param declared the declared Content-Length, or -1
   */
  static CompletableFuture<byte[]> read(
      ServletInputStream in, int maxBytes, long declared, BodyReading reading) {
    AsyncBody body = new AsyncBody(in, maxBytes, declared, reading);
    in.setReadListener(body);
    return body.result;
  }

  @Override
  public void onDataAvailable() {
    try {
      while (!result.isDone() && in.isReady()) {
        int n;
        if (size < buffer.length) {
          n = in.read(buffer, size, buffer.length - size);
        } else if (size == declared) {
          // All that was declared is here: only the end can follow (Jetty refuses more), so look
          // for it without growing the buffer.
          n = in.read(probe, 0, 1);
          if (n > 0) {
            grow();
            buffer[size] = probe[0];
          }
        } else {
          grow();
          n = in.read(buffer, size, buffer.length - size);
        }
        if (n < 0) {
          return; // onAllDataRead follows
        }
        if (!reserve(n)) {
          result.completeExceptionally(
              new ApiError(
                  503,
                  "overloaded",
                  "too many request bodies are being received; retry later",
                  Map.of(),
                  Map.of("Retry-After", IngestRoutes.RETRY_AFTER_SECONDS)));
          return;
        }
        size += n;
        if (size > maxBytes) {
          result.completeExceptionally(RequestBody.tooLarge(maxBytes));
          return;
        }
        checkRate();
      }
    } catch (IOException | RuntimeException e) {
      result.completeExceptionally(unreadable(e));
    }
  }

  @Override
  public void onAllDataRead() {
    result.complete(size == buffer.length ? buffer : Arrays.copyOf(buffer, size));
  }

  @Override
  public void onError(Throwable error) {
    result.completeExceptionally(unreadable(error));
  }

  private void checkRate() {
    int rate = reading.minBytesPerSecond();
    if (rate <= 0) {
      return;
    }
    long elapsed = reading.nanoTime().getAsLong() - startNanos - BodyReading.GRACE_NANOS;
    if (elapsed > 0 && size < (double) rate * elapsed / 1e9) {
      result.completeExceptionally(
          new ApiError(
              408, "body_too_slow", "the body arrived slower than " + rate + " bytes per second"));
    }
  }

  private void deadlinePassed() {
    ApiError timeout =
        new ApiError(
            408,
            "body_timeout",
            "the body did not arrive within " + reading.timeoutMillis() / 1000 + " s");
    try {
      reading.completions().execute(() -> result.completeExceptionally(timeout));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(timeout);
    }
  }

  /**
   * Doubles the buffer, up to the declared length while that has not all arrived, else up to one
   * byte over the limit (to see it passed).
   */
  private void grow() {
    long cap = (long) maxBytes + 1;
    if (declared >= 0 && size < declared) {
      cap = Math.min(cap, declared);
    }
    int next = (int) Math.min(cap, Math.max(16L, buffer.length * 2L));
    if (next <= buffer.length) {
      next = buffer.length + 1;
    }
    buffer = Arrays.copyOf(buffer, next);
  }

  /** Counts bytes held against the shared budget; false if it is used up. */
  private synchronized boolean reserve(int bytes) {
    if (ended) {
      return true; // answered already: these bytes are dropped with the request
    }
    reserved += bytes;
    return reading.budget().addAndGet(bytes) <= reading.budgetBytes();
  }

  /** Once, whoever ended the read: stops the deadline, gives the bytes back to the budget. */
  private synchronized void end() {
    if (ended) {
      return;
    }
    ended = true;
    deadline.cancel(false);
    reading.budget().addAndGet(-reserved);
    reserved = 0;
  }

  private static ApiError unreadable(Throwable error) {
    if (error instanceof ApiError apiError) {
      return apiError;
    }
    if (error instanceof TimeoutException || error.getCause() instanceof TimeoutException) {
      // Jetty's idle timeout: nothing arrived for that long
      return new ApiError(408, "body_timeout", "the body stopped arriving");
    }
    return new ApiError(400, "unreadable_body", "the request body could not be read");
  }
}
