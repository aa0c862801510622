package dev.tributary.gateway.ingest;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code GET /t.js}: the tracker script ({@code src/main/resources/public/t.js}), read once at
 * start and served from memory.
 *
 * <p>Five minutes of caching: every page of every site asks for it, so browsers and CDNs should
 * keep it, but a fix must reach browsers the same day. After that the ETag turns a revalidation
 * into a 304 without the body. {@code Cross-Origin-Resource-Policy: cross-origin} and {@code
 * Access-Control-Allow-Origin: *} let pages embed it under {@code Cross-Origin-Embedder-Policy} or
 * with a {@code crossorigin} attribute; it is public code, so nothing leaks.
 */
public final class TrackerScript implements Handler {

  public static final String PATH = "/t.js";

  static final String RESOURCE = "/public/t.js";
  static final String CONTENT_TYPE = "application/javascript; charset=utf-8";
  static final String CACHE_CONTROL = "public, max-age=300";

  private final byte[] script;
  private final String etag;

  private TrackerScript(byte[] script) {
    this.script = script;
    this.etag = "\"" + sha256Hex(script).substring(0, 32) + "\"";
  }

  /** Reads the script from the classpath; fails at start, not at the first request, if missing. */
  public static TrackerScript load() {
    try (InputStream in = TrackerScript.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "the tracker script " + RESOURCE + " is not on the classpath");
      }
      return new TrackerScript(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the tracker script " + RESOURCE, e);
    }
  }

  @Override
  public void handle(Context ctx) {
    ctx.header("Cache-Control", CACHE_CONTROL);
    ctx.header("ETag", etag);
    ctx.header("Cross-Origin-Resource-Policy", "cross-origin");
    ctx.header("Access-Control-Allow-Origin", "*");
    ctx.header("X-Content-Type-Options", "nosniff");
    if (etag.equals(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return;
    }
    ctx.status(200).contentType(CONTENT_TYPE).result(script);
  }

  private static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
