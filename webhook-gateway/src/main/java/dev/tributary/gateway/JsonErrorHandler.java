package dev.tributary.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own refusals — a request head over the size limit (431), a malformed request line or
 * header, two Content-Lengths (400) — answered in the gateway's JSON form instead of an HTML page.
 * The message is the status's standard reason phrase, never Jetty's detail, which may quote the
 * request.
 */
final class JsonErrorHandler extends ErrorHandler {

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    if (HttpStatus.hasNoBody(status)) {
      return ByteBuffer.allocate(0);
    }
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    return ByteBuffer.wrap(body(status));
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    if (HttpStatus.hasNoBody(code)) {
      callback.succeeded();
      return;
    }
    byte[] body = body(code);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  static byte[] body(int status) {
    String code =
        switch (status) {
          case 400 -> "bad_request";
          case 413 -> "payload_too_large";
          case 414 -> "uri_too_long";
          case 431 -> "header_too_large";
          default -> "http_" + status;
        };
    String reason = HttpStatus.getMessage(status);
    return ("{\"error\":\"" + code + "\",\"message\":\"" + reason + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
