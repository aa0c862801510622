package dev.tributary.gateway.kafka;

/**
 * Kafka did not acknowledge a record, so the request must not be answered as accepted. Usually
 * transient (broker unreachable, leader moving); {@link #recordTooLarge()} marks the one case a
 * retry cannot fix.
 */
public final class PublishException extends RuntimeException {

  private final boolean recordTooLarge;

  public PublishException(String message, Throwable cause, boolean recordTooLarge) {
    super(message, cause);
    this.recordTooLarge = recordTooLarge;
  }

  public boolean recordTooLarge() {
    return recordTooLarge;
  }
}
