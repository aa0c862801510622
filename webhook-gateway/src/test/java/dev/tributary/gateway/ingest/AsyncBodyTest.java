package dev.tributary.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The body reader against a scripted input stream that behaves as Jetty's asynchronous one does:
 * bytes arrive in chunks, {@code isReady} is false between them, the end is a read of -1 followed
 * by {@code onAllDataRead}.
 */
class AsyncBodyTest {

  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final AtomicLong budget = new AtomicLong();
  private final AtomicLong now = new AtomicLong();

  @AfterEach
  void stop() {
    timers.shutdownNow();
  }

  private BodyReading reading(long timeoutMillis, int minBytesPerSecond, long budgetBytes) {
    return new BodyReading(
        timeoutMillis, minBytesPerSecond, timers, Runnable::run, budget, budgetBytes, now::get);
  }

  @Test
  void readsABodyThatArrivesInPiecesAndGivesTheBudgetBack() throws Exception {
    Script in = new Script();
    CompletableFuture<byte[]> body = AsyncBody.read(in, 1024, 11, reading(10_000, 1024, 1 << 20));
    in.arrive("hello ");
    assertThat(body).isNotDone();
    assertThat(budget.get()).isEqualTo(6);
    in.arrive("world");
    in.end();
    assertThat(new String(body.get(), StandardCharsets.UTF_8)).isEqualTo("hello world");
    assertThat(budget.get()).isZero();
  }

  @Test
  void aBodyWithoutDeclaredLengthGrowsUpToTheLimitAndNoFurther() throws Exception {
    Script in = new Script();
    CompletableFuture<byte[]> ok = AsyncBody.read(in, 20_000, -1, reading(10_000, 0, 1 << 20));
    in.arrive("x".repeat(20_000));
    in.end();
    assertThat(ok.get()).hasSize(20_000);

    Script over = new Script();
    CompletableFuture<byte[]> tooLarge =
        AsyncBody.read(over, 20_000, -1, reading(10_000, 0, 1 << 20));
    over.arrive("x".repeat(20_001));
    assertRefused(tooLarge, 413, "payload_too_large");
    assertThat(budget.get()).isZero();
  }

  @Test
  void aBodyBelowTheMinimumRateIsRefusedAfterTheGraceSecond() throws Exception {
    Script in = new Script();
    CompletableFuture<byte[]> body = AsyncBody.read(in, 1024, 1000, reading(10_000, 1024, 1 << 20));
    in.arrive("{");
    now.set(TimeUnit.MILLISECONDS.toNanos(900)); // within the grace second: no check
    in.arrive("\"");
    assertThat(body).isNotDone();
    now.set(TimeUnit.SECONDS.toNanos(2)); // 3 bytes in 2 s: far below 1024 B/s after the grace
    in.arrive("a");
    assertRefused(body, 408, "body_too_slow");
  }

  @Test
  void aSmallBodyWhoseEndIsReadLateIsNotTooSlow() throws Exception {
    // What Jetty's own minimum data rate gets wrong: 300 bytes at once, the end read 5 ms later.
    Script in = new Script();
    CompletableFuture<byte[]> body = AsyncBody.read(in, 1024, 300, reading(10_000, 1024, 1 << 20));
    in.arrive("y".repeat(300));
    now.set(TimeUnit.MILLISECONDS.toNanos(5));
    in.end();
    assertThat(body.get()).hasSize(300);
  }

  @Test
  void aStalledBodyEndsAtItsDeadline() throws Exception {
    Script in = new Script();
    CompletableFuture<byte[]> body = AsyncBody.read(in, 1024, 1000, reading(200, 0, 1 << 20));
    in.arrive("{");
    assertRefused(body, 408, "body_timeout");
    assertThat(budget.get()).isZero();
    in.arrive("late bytes are ignored");
    assertThat(budget.get()).isZero();
  }

  @Test
  void bodiesBeyondTheSharedBudgetAreRefused() throws Exception {
    BodyReading small = reading(10_000, 0, 100);
    Script first = new Script();
    CompletableFuture<byte[]> holding = AsyncBody.read(first, 1024, 1000, small);
    first.arrive("a".repeat(80));
    Script second = new Script();
    CompletableFuture<byte[]> refused = AsyncBody.read(second, 1024, 1000, small);
    second.arrive("b".repeat(30));
    assertRefused(refused, 503, "overloaded");
    assertThat(budget.get()).isEqualTo(80);
    assertThat(holding).isNotDone();
  }

  @Test
  void aBrokenConnectionOrJettysIdleTimeoutIsAnAnswerToo() throws Exception {
    Script broken = new Script();
    CompletableFuture<byte[]> body = AsyncBody.read(broken, 1024, 10, reading(10_000, 0, 1 << 20));
    broken.listener.onError(new IOException("reset"));
    assertRefused(body, 400, "unreadable_body");

    Script idle = new Script();
    CompletableFuture<byte[]> quiet = AsyncBody.read(idle, 1024, 10, reading(10_000, 0, 1 << 20));
    idle.listener.onError(new TimeoutException("Idle timeout expired"));
    assertRefused(quiet, 408, "body_timeout");
  }

  private static void assertRefused(CompletableFuture<byte[]> body, int status, String code)
      throws Exception {
    try {
      body.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ApiError.class);
      ApiError error = (ApiError) e.getCause();
      assertThat(error.status()).isEqualTo(status);
      assertThat(error.code()).isEqualTo(code);
      return;
    }
    throw new AssertionError("expected " + status + " " + code);
  }

  /** Jetty's asynchronous input as the listener sees it, fed by the test. */
  private static final class Script extends ServletInputStream {
    private final Deque<byte[]> chunks = new ArrayDeque<>();
    private byte[] current;
    private int position;
    private boolean ended;
    private boolean eofRead;
    ReadListener listener;

    void arrive(String text) throws IOException {
      chunks.add(text.getBytes(StandardCharsets.UTF_8));
      listener.onDataAvailable();
    }

    void end() throws IOException {
      ended = true;
      listener.onDataAvailable();
      if (eofRead) {
        listener.onAllDataRead();
      }
    }

    @Override
    public boolean isFinished() {
      return eofRead;
    }

    @Override
    public boolean isReady() {
      return (current != null && position < current.length) || !chunks.isEmpty() || ended;
    }

    @Override
    public void setReadListener(ReadListener readListener) {
      this.listener = readListener;
    }

    @Override
    public int read() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (current == null || position == current.length) {
        current = chunks.poll();
        position = 0;
      }
      if (current == null) {
        if (!ended) {
          throw new IllegalStateException("read on unready input");
        }
        eofRead = true;
        return -1;
      }
      int n = Math.min(len, current.length - position);
      System.arraycopy(current, position, b, off, n);
      position += n;
      return n;
    }
  }
}
