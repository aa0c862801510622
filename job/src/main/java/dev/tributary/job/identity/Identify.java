package dev.tributary.job.identity;

/**
 * An identify call: the visitor told the site their email (sign-up, login, newsletter form). The
 * gateway forwards only the hash, normalized as {@link EmailHash} does, so it matches payment
 * emails without any address entering Kafka or the warehouse.
 *
 * @param receivedAtMillis the gateway's receive time, the event time
 * @param verified whether the site vouched for it: sent by the merchant's server with the site's
 *     API key, rather than by the public tracker, which anyone can call with any email
 */
public record Identify(
    String siteId,
    String visitorId,
    String sessionId,
    String emailHash,
    long receivedAtMillis,
    boolean verified) {

  public String emailKey() {
    return siteId + '|' + emailHash;
  }

  /** This call at another receive time (a time beyond belief clamped). */
  public Identify withReceivedAt(long millis) {
    return new Identify(siteId, visitorId, sessionId, emailHash, millis, verified);
  }
}
