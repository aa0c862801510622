package dev.tributary.gateway.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An open-loop HTTP/1.1 load generator: request {@code i} is due at {@code start + i / rate},
 * whatever happened to the requests before it, and its latency is measured from that due time, not
 * from when a connection was free to send it. A server that falls behind therefore shows its
 * queueing in the latency (no coordinated omission) and an achieved rate below the offered one.
 *
 * <p>Plain sockets with keep-alive and pre-built request bytes keep the generator's own CPU use
 * low; that matters on a 2-core machine where it shares the cores with the server. {@code rate <=
 * 0} runs closed-loop instead (every connection sends its next request as soon as the answer is
 * in): the saturation throughput.
 */
final class HttpLoad {

  /** What one run measured. Latencies in microseconds; {@code achieved} in 2xx answers/s. */
  record Result(
      double offered,
      double achieved,
      Histogram latencyMicros,
      long ok,
      long failed,
      long notSent,
      Map<Integer, Long> statuses) {

    double p50Millis() {
      return latencyMicros.getValueAtPercentile(50) / 1000.0;
    }

    double p99Millis() {
      return latencyMicros.getValueAtPercentile(99) / 1000.0;
    }

    double maxMillis() {
      return latencyMicros.getMaxValue() / 1000.0;
    }
  }

  private static final long MAX_LATENCY_MICROS = 120_000_000L;

  private HttpLoad() {}

  /**
   * Runs {@code warmupMillis} of unrecorded load, then {@code measureMillis} of recorded load, over
   * {@code connections} keep-alive connections to {@code localhost:port}. {@code requests} gives
   * the raw bytes of request {@code i}.
   */
  static Result run(
      int port,
      LongFunction<byte[]> requests,
      double rate,
      long warmupMillis,
      long measureMillis,
      int connections)
      throws Exception {
    boolean openLoop = rate > 0;
    long intervalNanos = openLoop ? Math.max(1, Math.round(1e9 / rate)) : 0;
    long start = System.nanoTime() + 20_000_000L;
    long measureFrom = start + warmupMillis * 1_000_000L;
    long end = measureFrom + measureMillis * 1_000_000L;
    // Requests still queued this long after the end are abandoned and counted as not sent.
    long hardStop = end + 2_000_000_000L;

    AtomicLong sequence = new AtomicLong();
    Recorder recorder = new Recorder(MAX_LATENCY_MICROS, 3);
    LongAdder okInWindow = new LongAdder();
    LongAdder ok = new LongAdder();
    LongAdder failed = new LongAdder();
    LongAdder notSent = new LongAdder();
    Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();

    List<Thread> workers = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      Thread worker =
          new Thread(
              () -> {
                Connection connection = null;
                try {
                  while (true) {
                    long due;
                    long i = sequence.getAndIncrement();
                    if (openLoop) {
                      due = start + i * intervalNanos;
                      if (due >= end) {
                        return;
                      }
                      long wait;
                      while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                      }
                      if (System.nanoTime() > hardStop) {
                        if (due >= measureFrom) {
                          notSent.increment();
                          recorder.recordValue(
                              Math.min(MAX_LATENCY_MICROS, (hardStop - due) / 1000));
                        }
                        continue;
                      }
                    } else {
                      due = Math.max(System.nanoTime(), start);
                      if (due >= end) {
                        return;
                      }
                      long wait;
                      while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                      }
                    }
                    byte[] request = requests.apply(i);
                    int status;
                    try {
                      if (connection == null) {
                        connection = new Connection(port);
                      }
                      status = connection.exchange(request);
                    } catch (IOException e) {
                      status = -1;
                      if (connection != null) {
                        connection.close();
                      }
                      connection = null;
                    }
                    long done = System.nanoTime();
                    boolean success = status >= 200 && status < 300;
                    if (due >= measureFrom && due < end) {
                      recorder.recordValue(Math.min(MAX_LATENCY_MICROS, (done - due) / 1000));
                      statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                      if (success) {
                        ok.increment();
                      } else {
                        failed.increment();
                      }
                    }
                    if (success && done >= measureFrom && done < end) {
                      okInWindow.increment();
                    }
                  }
                } finally {
                  if (connection != null) {
                    connection.close();
                  }
                }
              },
              "load-" + c);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    Map<Integer, Long> counts = new TreeMap<>();
    statuses.forEach((status, n) -> counts.put(status, n.sum()));
    double achieved = okInWindow.sum() / (measureMillis / 1000.0);
    return new Result(
        rate,
        achieved,
        recorder.getIntervalHistogram(),
        ok.sum(),
        failed.sum(),
        notSent.sum(),
        counts);
  }

  /** One keep-alive HTTP/1.1 connection; answers with Content-Length or chunked bodies. */
  private static final class Connection {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    Connection(int port) throws IOException {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(30_000);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    }

    int exchange(byte[] request) throws IOException {
      out.write(request);
      out.flush();
      String statusLine = line();
      int status = Integer.parseInt(statusLine.substring(9, 12));
      long length = -1;
      boolean chunked = false;
      boolean close = false;
      String header;
      while (!(header = line()).isEmpty()) {
        int colon = header.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = header.substring(0, colon).trim();
        String value = header.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("Content-Length")) {
          length = Long.parseLong(value);
        } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
          chunked = value.toLowerCase().contains("chunked");
        } else if (name.equalsIgnoreCase("Connection")) {
          close = value.equalsIgnoreCase("close");
        }
      }
      if (chunked) {
        long size;
        while ((size = Long.parseLong(line().split(";")[0].trim(), 16)) > 0) {
          skip(size);
          line();
        }
        while (!line().isEmpty()) {
          // trailers
        }
      } else if (length > 0) {
        skip(length);
      }
      if (close) {
        throw new IOException("server closed the connection");
      }
      return status;
    }

    private void skip(long n) throws IOException {
      long left = n;
      while (left > 0) {
        long skipped = in.skip(left);
        if (skipped <= 0) {
          if (in.read() < 0) {
            throw new IOException("connection closed in a body");
          }
          skipped = 1;
        }
        left -= skipped;
      }
    }

    private final StringBuilder lineBuffer = new StringBuilder(128);

    private String line() throws IOException {
      lineBuffer.setLength(0);
      int b;
      while ((b = in.read()) != '\n') {
        if (b < 0) {
          throw new IOException("connection closed");
        }
        if (b != '\r') {
          lineBuffer.append((char) b);
        }
      }
      return lineBuffer.toString();
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  /** The bytes of one POST with the given headers (name, value pairs). */
  static byte[] post(String path, byte[] body, String... headers) {
    StringBuilder head = new StringBuilder(256);
    head.append("POST ").append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    byte[] h = head.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }
}
