package dev.tributary.job.sessions;

/**
 * One pageview from the tracker, as the gateway forwarded it. {@code receivedAtMillis} (the
 * gateway's clock) is the event time; the client's own clock is advisory and not kept.
 */
public record Pageview(
    String siteId,
    String visitorId,
    String sessionId,
    String eventId,
    String url,
    String referrer,
    String utmSource,
    String utmMedium,
    String utmCampaign,
    String utmTerm,
    String utmContent,
    long receivedAtMillis) {

  public String visitorKey() {
    return siteId + '|' + visitorId;
  }

  /** This pageview at another receive time (a time beyond belief clamped). */
  public Pageview withReceivedAt(long millis) {
    return new Pageview(
        siteId,
        visitorId,
        sessionId,
        eventId,
        url,
        referrer,
        utmSource,
        utmMedium,
        utmCampaign,
        utmTerm,
        utmContent,
        millis);
  }
}
