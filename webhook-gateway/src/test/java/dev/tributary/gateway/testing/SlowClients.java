package dev.tributary.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hundreds of clients that send as slowly as they can, on one thread with non-blocking sockets, as
 * an attacker's single machine would: a connection the gateway closes is opened again at once, so
 * the pressure stays. What the gateway answered each kind is counted by status and error code.
 *
 * <ul>
 *   <li>{@link Kind#TRICKLE_BODY}: a webhook POST whose head declares a 1,000-byte body, then one
 *       body byte every {@code interval};
 *   <li>{@link Kind#STALLED_BODY}: the same head and one byte of the body, then nothing;
 *   <li>{@link Kind#SLOW_HEAD}: the request head itself, one byte every {@code interval}.
 * </ul>
 */
public final class SlowClients implements AutoCloseable {

  /** How a slow client sends. */
  public enum Kind {
    TRICKLE_BODY,
    STALLED_BODY,
    SLOW_HEAD
  }

  private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3})");
  private static final Pattern CODE = Pattern.compile("\"error\":\"([a-z_0-9]+)\"");
  private static final int DECLARED = 1000;

  private final InetSocketAddress address;
  private final String path;
  private final long intervalNanos;
  private final Selector selector;
  private final List<Client> clients = new ArrayList<>();
  private final AtomicInteger open = new AtomicInteger();
  private final LongAdder opened = new LongAdder();
  private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  private final Thread loop;
  private volatile boolean running = true;
  private volatile IOException failure;

  /** One connection of one kind and what it still has to send. */
  private final class Client {
    final Kind kind;
    SocketChannel channel;
    byte[] toSend;
    int sent;
    long nextWriteNanos;
    boolean connected;
    final StringBuilder answer = new StringBuilder();

    Client(Kind kind) {
      this.kind = kind;
    }
  }

  private SlowClients(int port, String path, Duration interval) throws IOException {
    this.address = new InetSocketAddress("127.0.0.1", port);
    this.path = path;
    this.intervalNanos = interval.toNanos();
    this.selector = Selector.open();
    this.loop = new Thread(this::run, "slow-clients");
    this.loop.setDaemon(true);
  }

  /**
   * Opens {@code counts.get(kind)} connections of each kind to {@code 127.0.0.1:port}, all posting
   * to {@code path}, and keeps them going until {@link #close}.
   */
  public static SlowClients start(
      int port, String path, Duration interval, Map<Kind, Integer> counts) throws IOException {
    SlowClients slow = new SlowClients(port, path, interval);
    counts.forEach(
        (kind, count) -> {
          for (int i = 0; i < count; i++) {
            slow.clients.add(slow.new Client(kind));
          }
        });
    slow.loop.start();
    return slow;
  }

  /** Connections open now. */
  public int open() {
    return open.get();
  }

  /** Connections opened so far, re-openings included. */
  public long opened() {
    return opened.sum();
  }

  /**
   * What the gateway answered, as {@code KIND status code} (or {@code KIND closed} when it closed
   * the connection without an answer) → count.
   */
  public Map<String, Long> outcomes() {
    Map<String, Long> copy = new TreeMap<>();
    outcomes.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }

  @Override
  public void close() throws Exception {
    running = false;
    selector.wakeup();
    loop.join(5_000);
    for (Client client : clients) {
      if (client.channel != null) {
        client.channel.close();
      }
    }
    selector.close();
    if (failure != null) {
      throw new UncheckedIOException(failure);
    }
  }

  private void run() {
    try {
      long start = System.nanoTime();
      for (int i = 0; i < clients.size(); i++) {
        // spread the writes over the interval
        connect(clients.get(i), start + intervalNanos * i / clients.size());
      }
      while (running) {
        selector.select(20);
        for (SelectionKey key : selector.selectedKeys()) {
          Client client = (Client) key.attachment();
          try {
            if (key.isConnectable()) {
              client.channel.finishConnect();
              client.connected = true;
              open.incrementAndGet();
              key.interestOps(SelectionKey.OP_READ);
              writeDue(client, System.nanoTime(), true);
            } else if (key.isReadable()) {
              read(client, key);
            }
          } catch (IOException e) {
            closed(client, key);
          }
        }
        selector.selectedKeys().clear();
        long now = System.nanoTime();
        for (Client client : clients) {
          if (client.channel != null
              && client.channel.isConnected()
              && client.nextWriteNanos <= now) {
            try {
              writeDue(client, now, false);
            } catch (IOException e) {
              closed(client, client.channel.keyFor(selector));
            }
          }
        }
      }
    } catch (IOException e) {
      failure = e;
    }
  }

  private void connect(Client client, long firstWriteNanos) throws IOException {
    client.channel = SocketChannel.open();
    client.channel.configureBlocking(false);
    client.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    client.toSend = request(client.kind);
    client.sent = 0;
    client.answer.setLength(0);
    client.nextWriteNanos = firstWriteNanos;
    client.channel.connect(address);
    client.channel.register(selector, SelectionKey.OP_CONNECT, client);
    opened.increment();
  }

  /**
   * Sends what is due: at connect, a body-sender's whole head (and a stalled one's first body
   * byte); then one byte per interval.
   */
  private void writeDue(Client client, long now, boolean justConnected) throws IOException {
    int headLength = headLength(client.toSend);
    int upTo;
    if (client.kind == Kind.SLOW_HEAD) {
      upTo = client.sent + 1;
    } else if (justConnected) {
      upTo = headLength + 1;
    } else if (client.kind == Kind.TRICKLE_BODY) {
      upTo = client.sent + 1;
    } else {
      upTo = client.sent; // stalled: nothing more, ever
    }
    upTo = Math.min(upTo, client.toSend.length);
    if (upTo > client.sent) {
      ByteBuffer bytes = ByteBuffer.wrap(client.toSend, client.sent, upTo - client.sent);
      while (bytes.hasRemaining()) {
        if (client.channel.write(bytes) == 0) {
          break;
        }
      }
      client.sent = bytes.position();
    }
    client.nextWriteNanos = justConnected ? client.nextWriteNanos : now + intervalNanos;
    if (client.nextWriteNanos <= now) {
      client.nextWriteNanos = now + intervalNanos;
    }
  }

  private void read(Client client, SelectionKey key) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(4096);
    int n = client.channel.read(buffer);
    if (n < 0) {
      closed(client, key);
      return;
    }
    client.answer.append(new String(buffer.array(), 0, n, StandardCharsets.ISO_8859_1));
  }

  /** The gateway closed the connection (or it broke): count what it answered, open a new one. */
  private void closed(Client client, SelectionKey key) {
    if (key != null) {
      key.cancel();
    }
    try {
      client.channel.close();
    } catch (IOException e) {
      // closed already
    }
    if (client.connected) {
      client.connected = false;
      open.decrementAndGet();
    }
    String answer = client.answer.toString();
    Matcher status = STATUS.matcher(answer);
    Matcher code = CODE.matcher(answer);
    String outcome =
        client.kind
            + (status.find() ? " " + status.group(1) : " closed")
            + (code.find() ? " " + code.group(1) : "");
    outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    if (running) {
      try {
        connect(client, System.nanoTime());
      } catch (IOException e) {
        failure = e;
      }
    }
  }

  private byte[] request(Kind kind) {
    String head =
        "POST "
            + path
            + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Stripe-Signature: t=1,v1=00\r\nContent-Length: "
            + DECLARED
            + "\r\n\r\n";
    String body = "{\"id\":\"evt_slow\",\"pad\":\"" + "x".repeat(DECLARED - 26) + "\"}";
    if (body.length() != DECLARED) {
      throw new IllegalStateException("body is " + body.length());
    }
    return (head + body).getBytes(StandardCharsets.US_ASCII);
  }

  private static int headLength(byte[] request) {
    for (int i = 3; i < request.length; i++) {
      if (request[i - 3] == '\r'
          && request[i - 2] == '\n'
          && request[i - 1] == '\r'
          && request[i] == '\n') {
        return i + 1;
      }
    }
    throw new IllegalStateException("no end of head");
  }
}
