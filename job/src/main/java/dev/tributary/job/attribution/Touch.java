package dev.tributary.job.attribution;

import dev.tributary.job.sessions.Session;

/** The part of a session attribution needs: kept per visitor for the lookback window. */
public record Touch(
    String sessionId,
    long startedAtMillis,
    String channel,
    String source,
    String medium,
    String campaign) {

  public static Touch of(Session s) {
    return new Touch(
        s.sessionId(), s.startedAtMillis(), s.channel(), s.source(), s.medium(), s.campaign());
  }
}
