package dev.tributary.job.payments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.job.base.Json;
import java.io.Serializable;
import java.util.List;

/**
 * The metadata keys under which a checkout carries the tracker's ids. Configurable because sites
 * often already pass {@code visitorId} or similar from their own code.
 */
public record MetadataKeys(List<String> visitorKeys, List<String> sessionKeys)
    implements Serializable {

  /**
   * Tributary's own keys, the plain names, and those of the tools merchants switch from (Metrivo,
   * DataFast), so that a checkout written for one of them keeps linking.
   */
  public static final MetadataKeys DEFAULT =
      new MetadataKeys(
          List.of(
              "tributary_visitor_id",
              "visitorId",
              "visitor_id",
              "metrivo_visitor_id",
              "datafast_visitor_id"),
          List.of(
              "tributary_session_id",
              "sessionId",
              "session_id",
              "metrivo_session_id",
              "datafast_session_id"));

  public MetadataKeys {
    visitorKeys = List.copyOf(visitorKeys);
    sessionKeys = List.copyOf(sessionKeys);
  }

  /** The visitor id in the first metadata object that has one, or null. */
  public String visitorId(JsonNode... metadataObjects) {
    return first(visitorKeys, metadataObjects);
  }

  public String sessionId(JsonNode... metadataObjects) {
    return first(sessionKeys, metadataObjects);
  }

  private static String first(List<String> keys, JsonNode... objects) {
    for (JsonNode o : objects) {
      String s = Json.firstText(o, keys);
      if (s != null) {
        return s;
      }
    }
    return null;
  }
}
