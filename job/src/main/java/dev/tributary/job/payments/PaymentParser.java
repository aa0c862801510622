package dev.tributary.job.payments;

import java.io.Serializable;

/**
 * Turns one provider's verified webhook body into canonical events. Adding a provider means one
 * implementation of this interface (plus its tests) and one line in {@link PaymentParsers}.
 *
 * <p>Implementations are stateless and thread-compatible; they throw {@link
 * MalformedPayloadException} with a short reason for a body of a known event type that they cannot
 * read, and return {@link ParseOutcome.Ignored} for event types they do not use.
 */
public interface PaymentParser extends Serializable {

  /** The envelope's {@code provider} value this parser reads. */
  String provider();

  ParseOutcome parse(WebhookEnvelope envelope, MetadataKeys keys);
}
