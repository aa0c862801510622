package dev.tributary.job.sessions;

/**
 * An identify call: the visitor told the site their email (sign-up, login, newsletter form). The
 * gateway forwards only the hash, normalized as {@link EmailHash} does, so it matches payment
 * emails without any address entering Kafka or the warehouse.
 *
 * @param receivedAtMillis the gateway's receive time, the event time
 * @param verified whether the site vouched for it: sent by the merchant's server with the site's
 *     API key, rather than by the public tracker, which anyone can call with any email
 * @param forget an erasure request instead ({@code ForgetEmail}): whatever links this email to a
 *     visitor is dropped; {@code visitorId} is empty
 */
public record Identify(
    String siteId,
    String visitorId,
    String sessionId,
    String emailHash,
    long receivedAtMillis,
    boolean verified,
    boolean forget) {

  /** An identify call. */
  public Identify(
      String siteId,
      String visitorId,
      String sessionId,
      String emailHash,
      long receivedAtMillis,
      boolean verified) {
    this(siteId, visitorId, sessionId, emailHash, receivedAtMillis, verified, false);
  }

  /** The erasure request for {@code emailHash} on {@code siteId}. */
  public static Identify forget(String siteId, String emailHash, long receivedAtMillis) {
    return new Identify(siteId, "", null, emailHash, receivedAtMillis, true, true);
  }

  public String emailKey() {
    return siteId + '|' + emailHash;
  }

  /** This call at another receive time (a time beyond belief clamped). */
  public Identify withReceivedAt(long millis) {
    return new Identify(siteId, visitorId, sessionId, emailHash, millis, verified, forget);
  }
}
