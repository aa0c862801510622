package dev.tributary.job.payments;

import dev.tributary.job.base.MalformedPayloadException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Parsers by the envelope's {@code provider}. The job's own list is {@code
 * payments.providers.PaymentProviders}, which depends on every provider package; this class and the
 * rest of {@code payments} depend on none of them.
 */
public final class PaymentParsers implements Serializable {
  private final Map<String, PaymentParser> byProvider;

  public PaymentParsers(List<PaymentParser> parsers) {
    this.byProvider =
        parsers.stream()
            .collect(Collectors.toUnmodifiableMap(PaymentParser::provider, Function.identity()));
  }

  /** Parses the envelope with its provider's parser; an unknown provider is malformed input. */
  public ParseOutcome parse(WebhookEnvelope envelope, MetadataKeys keys) {
    PaymentParser parser = byProvider.get(envelope.provider());
    if (parser == null) {
      throw new MalformedPayloadException("no parser for provider " + envelope.provider());
    }
    return parser.parse(envelope, keys);
  }
}
