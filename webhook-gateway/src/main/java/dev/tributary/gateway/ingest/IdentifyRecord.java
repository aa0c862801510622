package dev.tributary.gateway.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One identify call as written to {@code tributary.tracking}, beside the pageviews and under the
 * same key {@code siteId:visitorId}, so that a visitor's pageviews and identify calls stay in order
 * on one partition. It carries the email only as a hash: the record type cannot hold anything else.
 *
 * @param sessionId the tracker's session at the time, or null
 * @param emailHash lower-case hex SHA-256 of the normalized email ({@link EmailHash})
 * @param clientTs the tracker's epoch millis, or null
 * @param receivedAt the server's clock, the job's event time
 * @param eventId a fresh UUID, for deduplication downstream
 * @param verified true only for a call the merchant's server made with the site's API key ({@code
 *     POST /api/v1/identify/verified}); the job ranks such evidence above the public tracker's,
 *     which anyone can send for any email
 */
public record IdentifyRecord(
    String siteId,
    String visitorId,
    String sessionId,
    String emailHash,
    Long clientTs,
    Instant receivedAt,
    String eventId,
    boolean verified) {

  public static final String TYPE = "identify";

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  public IdentifyRecord {
    Objects.requireNonNull(emailHash, "emailHash");
    if (!SHA256_HEX.matcher(emailHash).matches()) {
      // Never print the value: a caller that got this wrong may be holding a raw email.
      throw new IllegalArgumentException("emailHash must be 64 lower-case hex digits");
    }
    receivedAt = Timestamps.toMillis(receivedAt);
  }

  /** A call of the public tracker: unverified. */
  public IdentifyRecord(
      String siteId,
      String visitorId,
      String sessionId,
      String emailHash,
      Long clientTs,
      Instant receivedAt,
      String eventId) {
    this(siteId, visitorId, sessionId, emailHash, clientTs, receivedAt, eventId, false);
  }

  public String kafkaKey() {
    return siteId + ":" + visitorId;
  }

  /** The wire form, fields in the order of the contract. */
  public byte[] toJson() {
    ObjectNode json = Json.object();
    json.put("v", TrackingRecord.VERSION);
    json.put("type", TYPE);
    json.put("siteId", siteId);
    json.put("visitorId", visitorId);
    json.put("sessionId", sessionId);
    json.put("emailHash", emailHash);
    json.put("clientTs", clientTs);
    json.put("receivedAt", Timestamps.format(receivedAt));
    json.put("eventId", eventId);
    json.put("verified", verified);
    return Json.bytes(json);
  }
}
