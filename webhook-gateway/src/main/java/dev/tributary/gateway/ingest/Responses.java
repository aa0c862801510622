package dev.tributary.gateway.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/** Writes the gateway's few JSON answers; errors are always {@code {"error":…,"message":…}}. */
final class Responses {

  private Responses() {}

  static void accepted(Context ctx, int status, String deliveryId) {
    ObjectNode json = Json.object().put("status", "accepted");
    if (deliveryId != null) {
      json.put("deliveryId", deliveryId);
    }
    write(ctx, status, json);
  }

  /** 202 for a call that was received and deliberately not recorded, with the reason. */
  static void dropped(Context ctx, String reason, String message) {
    dropped(ctx, 202, reason, message);
  }

  /** As above with another status (a provider's URL check requires exactly 200). */
  static void dropped(Context ctx, int status, String reason, String message) {
    write(
        ctx,
        status,
        Json.object().put("status", "dropped").put("reason", reason).put("message", message));
  }

  static void error(Context ctx, ApiError error) {
    ObjectNode json = Json.object().put("error", error.code()).put("message", error.getMessage());
    if (!error.fields().isEmpty()) {
      ObjectNode fields = json.putObject("fields");
      error.fields().forEach(fields::put);
    }
    error.headers().forEach(ctx::header);
    write(ctx, error.status(), json);
  }

  static void write(Context ctx, int status, ObjectNode json) {
    ctx.status(status).contentType("application/json").result(Json.bytes(json));
  }
}
