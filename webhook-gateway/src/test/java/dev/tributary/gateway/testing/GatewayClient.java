package dev.tributary.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Real HTTP calls to a running gateway, the way a provider or a browser makes them. */
public final class GatewayClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String host;
  private final int port;

  public GatewayClient(int port) {
    this("localhost", port);
  }

  /**
   * A client connecting to {@code host} ({@code 127.0.0.1}, {@code ::1}, …): the gateway sees that
   * address as the peer.
   */
  public GatewayClient(String host, int port) {
    this.host = host;
    this.base = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    this.port = port;
  }

  /** POST with a known length; {@code headers} are name, value pairs. */
  public HttpResponse<String> post(
      String path, String contentType, byte[] body, String... headers) {
    return send(
        request(path, contentType, headers).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** What {@link #postDeclaringLength} read back. */
  public record RawResponse(int status, String head, String body) {}

  /**
   * Sends only the head of a POST that declares {@code declaredLength} body bytes, over a plain
   * socket, and reads the answer: shows that a refusal comes from the declared length alone. (A
   * client that uploads the body races the early answer and may see a broken pipe; the JDK client's
   * 100-continue support hangs on a final non-100 answer in Java 17.)
   */
  public RawResponse postDeclaringLength(String path, String contentType, long declaredLength) {
    try (Socket socket = new Socket(host, port)) {
      socket.setSoTimeout(10_000);
      String head =
          "POST "
              + path
              + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
              + contentType
              + "\r\nContent-Length: "
              + declaredLength
              + "\r\n\r\n";
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String responseHead = readHead(in);
      int status = Integer.parseInt(responseHead.split(" ", 3)[1]);
      int length = -1;
      for (String line : responseHead.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring("content-length:".length()).trim());
        }
      }
      byte[] body = length >= 0 ? in.readNBytes(length) : in.readAllBytes();
      return new RawResponse(status, responseHead, new String(body, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes {@code raw} (one or several HTTP/1.1 requests, exactly as given) on one connection and
   * reads {@code count} answers: for what the JDK client will not send, such as requests pipelined
   * on one connection or headers beyond the server's limit.
   */
  public List<RawResponse> sendRaw(byte[] raw, int count) {
    try (Socket socket = new Socket(host, port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(raw);
      out.flush();
      InputStream in = socket.getInputStream();
      List<RawResponse> responses = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String head = readHead(in);
        int status = Integer.parseInt(head.split(" ", 3)[1]);
        int length = 0;
        for (String line : head.split("\r\n")) {
          if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(line.substring("content-length:".length()).trim());
          }
        }
        responses.add(
            new RawResponse(
                status, head, new String(in.readNBytes(length), StandardCharsets.UTF_8)));
      }
      return responses;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed before the response head ended: " + head);
      }
      head.append((char) b);
    }
    return head.toString();
  }

  /** POST without Content-Length (chunked), as a client that streams its body would. */
  public HttpResponse<String> postChunked(String path, String contentType, byte[] body) {
    BodyPublisher streamed =
        HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
    return send(request(path, contentType).POST(streamed));
  }

  /** GET; {@code headers} are name, value pairs. */
  public HttpResponse<String> get(String path, String... headers) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (headers.length > 0) {
      builder.headers(headers);
    }
    return send(builder);
  }

  public HttpResponse<String> options(String path, String... headers) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path))
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      builder.headers(headers);
    }
    return send(builder);
  }

  /** The response body as JSON. */
  public static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + response.body(), e);
    }
  }

  private HttpRequest.Builder request(String path, String contentType, String... headers) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    if (headers.length > 0) {
      builder.headers(headers);
    }
    return builder;
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
