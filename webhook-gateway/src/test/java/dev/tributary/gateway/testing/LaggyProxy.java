package dev.tributary.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on localhost that delivers every byte {@link #delay} late, in both directions, on
 * connections that stay open: a broker in a brownout (slow disk, GC pauses, an overloaded network)
 * as its clients see it. A long delay is a broker that accepts connections and never answers. A
 * changed delay applies to bytes still waiting too, so {@code delay(Duration.ZERO)} delivers the
 * backlog at once.
 *
 * <p>Plain blocking sockets, two threads per direction and connection: for the few connections of
 * Kafka clients, not for load.
 */
public final class LaggyProxy implements AutoCloseable {

  private final ServerSocket server;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile long delayNanos;
  private volatile boolean closed;

  private LaggyProxy(ServerSocket server, int targetPort) {
    this.server = server;
    this.targetPort = targetPort;
  }

  /** Listens on a free port of localhost and forwards to {@code localhost:targetPort}. */
  public static LaggyProxy start(int targetPort) throws IOException {
    LaggyProxy proxy =
        new LaggyProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), targetPort);
    Thread acceptor = new Thread(proxy::accept, "laggy-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    return proxy;
  }

  public int port() {
    return server.getLocalPort();
  }

  /** From now on, and for bytes still queued, each byte is delivered this long after it arrived. */
  public void delay(Duration delay) {
    delayNanos = delay.toNanos();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket upstream;
        try {
          upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        } catch (IOException e) {
          closeQuietly(client);
          continue;
        }
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        pipe(client, upstream, "up");
        pipe(upstream, client, "down");
      } catch (IOException e) {
        if (!closed) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  /** A chunk of bytes and when it arrived. */
  private record Chunk(byte[] bytes, long arrivedNanos) {}

  private static final Chunk END = new Chunk(new byte[0], 0);

  private void pipe(Socket from, Socket to, String direction) {
    BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              byte[] buffer = new byte[64 * 1024];
              try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  queue.add(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime()));
                }
              } catch (IOException e) {
                // closed: end the other direction too
              }
              queue.add(END);
            },
            "laggy-proxy-read-" + direction);
    Thread writer =
        new Thread(
            () -> {
              try (OutputStream out = to.getOutputStream()) {
                while (true) {
                  Chunk chunk = queue.take();
                  if (chunk == END) {
                    break;
                  }
                  // Re-read the delay while waiting, so that a shorter one takes effect at once.
                  long wait;
                  while ((wait = chunk.arrivedNanos() + delayNanos - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.sleep(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(20)));
                  }
                  out.write(chunk.bytes());
                  out.flush();
                }
              } catch (IOException | InterruptedException e) {
                // the other side is gone
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "laggy-proxy-write-" + direction);
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
