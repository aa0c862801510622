package dev.tributary.job.base;

/**
 * A payload the job cannot use. The message is the short reason written to the dead-letter topic,
 * so it names the field and never quotes personal data.
 */
public class MalformedPayloadException extends RuntimeException {
  public MalformedPayloadException(String reason) {
    super(reason, null, false, false);
  }
}
