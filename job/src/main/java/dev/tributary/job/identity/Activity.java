package dev.tributary.job.identity;

import dev.tributary.job.attribution.Touch;
import dev.tributary.job.sessions.Session;

/** A session as the timestamp correlation needs it: who, when active, and the touch it is. */
public record Activity(
    String visitorId,
    String sessionId,
    long firstAtMillis,
    long lastAtMillis,
    String channel,
    String source,
    String medium,
    String campaign) {

  public static Activity of(Session s) {
    return new Activity(
        s.visitorId(),
        s.sessionId(),
        s.startedAtMillis(),
        s.lastSeenAtMillis(),
        s.channel(),
        s.source(),
        s.medium(),
        s.campaign());
  }

  /** True when the session was active at some point of [from, to]. */
  public boolean activeWithin(long from, long to) {
    return firstAtMillis <= to && lastAtMillis >= from;
  }

  public Touch touch() {
    return new Touch(sessionId, firstAtMillis, channel, source, medium, campaign);
  }
}
