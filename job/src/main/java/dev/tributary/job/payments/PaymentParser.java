package dev.tributary.job.payments;

import java.io.Serializable;

/**
 * Turns one provider's verified webhook body into canonical events. Adding a provider means one
 * implementation of this interface (plus its tests) and one line in {@code
 * payments.providers.PaymentProviders}.
 *
 * <p>Implementations are stateless and thread-compatible; they throw {@link
 * MalformedPayloadException} with a short reason for a body of a known event type that they cannot
 * read, and return {@link ParseOutcome.Ignored} for event types they do not use.
 */
public interface PaymentParser extends Serializable {

  /** The envelope's {@code provider} value this parser reads. */
  String provider();

  ParseOutcome parse(WebhookEnvelope envelope, MetadataKeys keys);

  /**
   * Where this provider's webhooks book the money a Payment API call names {@code
   * providerPaymentId}, so that one payment reported through both doors counts once; null when the
   * id is not one this provider's webhooks use (the call then stands alone under provider {@code
   * api}). Implement it for every provider whose payment ids a merchant can see.
   */
  default PaymentRef paymentRef(String providerPaymentId) {
    return null;
  }

  /** The refund key this provider's webhooks give the refund a Payment API call names. */
  default String refundKey(String providerRefundId) {
    return providerRefundId;
  }

  /** The number of minor-unit digits this provider counts {@code currency} in. */
  default int exponent(String currency) {
    return CurrencyExponents.iso4217(currency);
  }
}
