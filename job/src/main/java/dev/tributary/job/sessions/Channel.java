package dev.tributary.job.sessions;

/**
 * Where a session came from: the channel group plus the source / medium pair it was derived from.
 * {@code referrer} is null when the referrer did not count (the site's own host, a payment page).
 */
public record Channel(
    String group, String source, String medium, String referrer, String referrerHost) {}
