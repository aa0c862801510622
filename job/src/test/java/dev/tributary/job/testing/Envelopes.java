package dev.tributary.job.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.job.payments.WebhookEnvelope;
import java.time.Instant;
import java.util.Map;

/** Builds the gateway's wire records for tests, exactly as the README documents them. */
public final class Envelopes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Envelopes() {}

  public static String webhook(
      String siteId, String provider, String deliveryId, Instant receivedAt, String body) {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", 1);
    n.put("siteId", siteId);
    n.put("provider", provider);
    n.put("deliveryId", deliveryId);
    n.put("receivedAt", receivedAt.toString());
    n.put("contentType", "application/json");
    n.put("body", body);
    return n.toString();
  }

  /** The envelope the job would read; received 2026-11-23T10:00:00Z with delivery id "dlv_1". */
  public static WebhookEnvelope parsed(String siteId, String provider, String body) {
    return parsed(siteId, provider, "dlv_1", body);
  }

  /** As above with a given delivery id (Razorpay's comes from the x-razorpay-event-id header). */
  public static WebhookEnvelope parsed(
      String siteId, String provider, String deliveryId, String body) {
    return WebhookEnvelope.parse(
        webhook(siteId, provider, deliveryId, Instant.parse("2026-11-23T10:00:00Z"), body));
  }

  /** A pageview record as the gateway forwards it; {@code utm} may be empty. */
  public static String pageview(
      String siteId,
      String visitorId,
      String sessionId,
      String url,
      String referrer,
      Map<String, String> utm,
      Instant receivedAt) {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", 1);
    n.put("type", "pageview");
    n.put("siteId", siteId);
    n.put("visitorId", visitorId);
    n.put("sessionId", sessionId);
    n.put("url", url);
    n.put("referrer", referrer);
    ObjectNode u = n.putObject("utm");
    utm.forEach(u::put);
    n.putNull("clientTs");
    n.put("receivedAt", receivedAt.toString());
    n.put("eventId", sessionId + "-" + receivedAt.toEpochMilli());
    return n.toString();
  }

  /** An identify record as the gateway forwards it: the email only as its hash. */
  /** An identify call of the public tracker (unverified). */
  public static String identify(
      String siteId, String visitorId, String sessionId, String email, Instant receivedAt) {
    return identify(siteId, visitorId, sessionId, email, receivedAt, false);
  }

  /**
   * An identify call; {@code verified} as the gateway marks one the merchant's server made with the
   * site's API key.
   */
  public static String identify(
      String siteId,
      String visitorId,
      String sessionId,
      String email,
      Instant receivedAt,
      boolean verified) {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", 1);
    n.put("type", "identify");
    n.put("siteId", siteId);
    n.put("visitorId", visitorId);
    n.put("sessionId", sessionId);
    n.put("emailHash", dev.tributary.job.base.EmailHash.of(email));
    n.putNull("clientTs");
    n.put("receivedAt", receivedAt.toString());
    n.put("eventId", "id-" + receivedAt.toEpochMilli());
    if (verified) {
      n.put("verified", true);
    }
    return n.toString();
  }
}
