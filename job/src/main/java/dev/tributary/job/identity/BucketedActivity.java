package dev.tributary.job.identity;

/**
 * A session's activity addressed to one time bucket of {@link ResolveByTime}: only what the
 * timestamp correlation reads, not the whole session row, since every pageview sends two of these.
 */
public record BucketedActivity(String bucketKey, long bucket, Activity activity) {}
