package dev.tributary.job.identity;

import dev.tributary.job.sessions.Session;

/** A session update addressed to one time bucket of {@link ResolveByTime}. */
public record BucketedSession(String bucketKey, Session session) {}
