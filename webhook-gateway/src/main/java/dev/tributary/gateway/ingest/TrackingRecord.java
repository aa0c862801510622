package dev.tributary.gateway.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;

/**
 * One tracker event as written to {@code tributary.tracking}, keyed {@code siteId:visitorId} so
 * that a visitor's events stay in order on one partition. {@code receivedAt} is the event time the
 * job uses; the client's clock is only advisory.
 *
 * @param type {@code pageview} unless the tracker says otherwise
 * @param referrer null when the page had none
 * @param utm only the utm keys the tracker sent
 * @param clientTs the tracker's epoch millis, or null
 * @param eventId a fresh UUID, for deduplication downstream
 */
public record TrackingRecord(
    String type,
    String siteId,
    String visitorId,
    String sessionId,
    String url,
    String referrer,
    Map<String, String> utm,
    Long clientTs,
    Instant receivedAt,
    String eventId) {

  public static final int VERSION = 1;

  public TrackingRecord {
    utm = Map.copyOf(utm);
    receivedAt = Timestamps.toMillis(receivedAt);
  }

  public String kafkaKey() {
    return siteId + ":" + visitorId;
  }

  /** The wire form, fields in the order of the contract. */
  public byte[] toJson() {
    ObjectNode json = Json.object();
    json.put("v", VERSION);
    json.put("type", type);
    json.put("siteId", siteId);
    json.put("visitorId", visitorId);
    json.put("sessionId", sessionId);
    json.put("url", url);
    json.put("referrer", referrer);
    ObjectNode utmJson = json.putObject("utm");
    for (String key : TrackingHandler.UTM_KEYS) {
      if (utm.containsKey(key)) {
        utmJson.put(key, utm.get(key));
      }
    }
    json.put("clientTs", clientTs);
    json.put("receivedAt", Timestamps.format(receivedAt));
    json.put("eventId", eventId);
    return Json.bytes(json);
  }
}
