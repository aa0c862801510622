package dev.tributary.gateway.ingest;

import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The checks every POST route makes before trusting a body: declared and actual size, media type,
 * and UTF-8. Reading is bounded, so a client cannot make the gateway buffer more than the limit
 * whether or not it declares a length, and asynchronous ({@link AsyncBody}), so a slow client holds
 * no thread while its bytes trickle in, and is cut off ({@link BodyReading}).
 */
final class RequestBody {

  static final Set<String> JSON = Set.of("application/json");

  /** {@code navigator.sendBeacon} with a string sends {@code text/plain}. */
  static final Set<String> JSON_OR_TEXT = Set.of("application/json", "text/plain");

  private final int maxBytes;
  private final BodyReading reading;

  RequestBody(int maxBytes, BodyReading reading) {
    this.maxBytes = maxBytes;
    this.reading = reading;
  }

  /**
   * Checks the headers only, before the body is read: declared length (413) and media type (415).
   */
  void checkHeaders(Context ctx, Set<String> mediaTypes) {
    checkDeclaredLength(ctx);
    checkContentType(RequestHeaders.single(ctx, "Content-Type"), mediaTypes);
  }

  /** 413 if the request declares a body over the limit; reads nothing. */
  void checkDeclaredLength(Context ctx) {
    if (ctx.req().getContentLengthLong() > maxBytes) {
      throw tooLarge(maxBytes);
    }
  }

  /**
   * Reads the body without a waiting thread, at most {@code maxBytes}; the future fails with the
   * {@link ApiError} to answer: 413 if there is more, whatever was declared, 408 if the client is
   * too slow, 400 if the connection broke. Call it only where the request is asynchronous already:
   * inside the supplier given to {@code ctx.future}.
   */
  CompletableFuture<byte[]> read(Context ctx) {
    try {
      return AsyncBody.read(
          ctx.req().getInputStream(), maxBytes, ctx.req().getContentLengthLong(), reading);
    } catch (IOException | IllegalStateException e) {
      return CompletableFuture.failedFuture(
          new ApiError(400, "unreadable_body", "the request body could not be read"));
    }
  }

  /**
   * The body as text. Strict: bytes that are not UTF-8 could not be forwarded byte for byte inside
   * a JSON string, so they are refused rather than replaced.
   */
  static String utf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ApiError(400, "invalid_encoding", "the body is not valid UTF-8");
    }
  }

  static ApiError tooLarge(int maxBytes) {
    return new ApiError(413, "payload_too_large", "the body is larger than " + maxBytes + " bytes");
  }

  /** The media type of a Content-Type header, lower case without parameters; null without one. */
  static String mediaType(String header) {
    return header == null ? null : header.split(";")[0].trim().toLowerCase(Locale.ROOT);
  }

  private static void checkContentType(String header, Set<String> mediaTypes) {
    String expected = String.join(" or ", mediaTypes.stream().sorted().toList());
    if (header == null) {
      throw unsupported("a Content-Type header is required: " + expected);
    }
    String[] parts = header.split(";");
    String mediaType = mediaType(header);
    if (!mediaTypes.contains(mediaType)) {
      throw unsupported("Content-Type must be " + expected);
    }
    boolean otherCharset =
        Arrays.stream(parts)
            .skip(1)
            .map(p -> p.trim().toLowerCase(Locale.ROOT))
            .filter(p -> p.startsWith("charset="))
            .map(p -> p.substring("charset=".length()).replace("\"", ""))
            .anyMatch(charset -> !charset.equals("utf-8") && !charset.equals("utf8"));
    if (otherCharset) {
      throw unsupported("the only supported charset is utf-8");
    }
  }

  private static ApiError unsupported(String message) {
    return new ApiError(415, "unsupported_media_type", message);
  }
}
