package dev.tributary.job.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.payments.MetadataKeys;
import dev.tributary.job.payments.ParseOutcome;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.payments.PaymentParser;
import dev.tributary.job.payments.RefundEvent;

/**
 * One provider parser fed bodies as the gateway would envelope them for site "acme", with the
 * default metadata keys: what every parser test needs.
 */
public record ParserProbe(PaymentParser parser) {

  public ParseOutcome parse(String deliveryId, String body) {
    return parser.parse(
        Envelopes.parsed("acme", parser.provider(), deliveryId, body), MetadataKeys.DEFAULT);
  }

  /** The body's payment; fails the test if it is not one. */
  public PaymentEvent payment(String deliveryId, String body) {
    ParseOutcome outcome = parse(deliveryId, body);
    assertThat(outcome).isInstanceOf(ParseOutcome.Payment.class);
    return ((ParseOutcome.Payment) outcome).event();
  }

  /** The body's refund; fails the test if it is not one. */
  public RefundEvent refund(String deliveryId, String body) {
    ParseOutcome outcome = parse(deliveryId, body);
    assertThat(outcome).isInstanceOf(ParseOutcome.Refund.class);
    return ((ParseOutcome.Refund) outcome).event();
  }
}
