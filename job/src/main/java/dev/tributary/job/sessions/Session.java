package dev.tributary.job.sessions;

/**
 * One visit: the pageviews of one tracker session id. The landing page, referrer and utm tags are
 * those of its earliest pageview; they decide the session's channel.
 */
public record Session(
    String siteId,
    String visitorId,
    String sessionId,
    long startedAtMillis,
    long lastSeenAtMillis,
    int pageviews,
    String channel,
    String source,
    String medium,
    String campaign,
    String term,
    String content,
    String referrer,
    String referrerHost,
    String landingPage) {

  public String visitorKey() {
    return siteId + '|' + visitorId;
  }

  /** Key of the session → visitor lookup; the same as {@code PaymentEvent.sessionKey()}. */
  public String sessionKey() {
    return siteId + '|' + sessionId;
  }

  /** The session a first pageview opens. */
  public static Session open(Pageview p, Channel c) {
    return new Session(
        p.siteId(),
        p.visitorId(),
        p.sessionId(),
        p.receivedAtMillis(),
        p.receivedAtMillis(),
        1,
        c.group(),
        c.source(),
        c.medium(),
        p.utmCampaign(),
        p.utmTerm(),
        p.utmContent(),
        c.referrer(),
        c.referrerHost(),
        p.url());
  }

  /**
   * This session with one more pageview. An out-of-order pageview that is earlier than the start
   * becomes the landing page and decides the channel, so arrival order does not change the result.
   *
   * @param c the pageview's channel; read only when the pageview is earlier than the start (the
   *     caller may pass null otherwise and save classifying it)
   */
  public Session plus(Pageview p, Channel c) {
    if (p.receivedAtMillis() < startedAtMillis) {
      Session earlier = open(p, c);
      return new Session(
          siteId,
          visitorId,
          sessionId,
          earlier.startedAtMillis,
          lastSeenAtMillis,
          pageviews + 1,
          earlier.channel,
          earlier.source,
          earlier.medium,
          earlier.campaign,
          earlier.term,
          earlier.content,
          earlier.referrer,
          earlier.referrerHost,
          earlier.landingPage);
    }
    return new Session(
        siteId,
        visitorId,
        sessionId,
        startedAtMillis,
        Math.max(lastSeenAtMillis, p.receivedAtMillis()),
        pageviews + 1,
        channel,
        source,
        medium,
        campaign,
        term,
        content,
        referrer,
        referrerHost,
        landingPage);
  }
}
