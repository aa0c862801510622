package dev.tributary.job.deadletter;

/**
 * A record the job could not use, with the reason, written to the dead-letter topic under its
 * original key so that it can be inspected and replayed once the cause is fixed.
 */
public record DeadLetter(
    String reason,
    String stage,
    String sourceTopic,
    String key,
    long failedAtMillis,
    String record) {}
