package dev.tributary.job.payments;

import dev.tributary.job.payments.api.ApiPaymentParser;
import dev.tributary.job.payments.dodo.DodoParser;
import dev.tributary.job.payments.gumroad.GumroadParser;
import dev.tributary.job.payments.lemonsqueezy.LemonSqueezyParser;
import dev.tributary.job.payments.paddle.PaddleParser;
import dev.tributary.job.payments.polar.PolarParser;
import dev.tributary.job.payments.razorpay.RazorpayParser;
import dev.tributary.job.payments.shopify.ShopifyParser;
import dev.tributary.job.payments.stripe.StripeParser;
import dev.tributary.job.payments.woocommerce.WooCommerceParser;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The parsers the job knows, by the envelope's {@code provider}. */
public final class PaymentParsers implements Serializable {
  private final Map<String, PaymentParser> byProvider;

  public PaymentParsers(List<PaymentParser> parsers) {
    this.byProvider =
        parsers.stream()
            .collect(Collectors.toUnmodifiableMap(PaymentParser::provider, Function.identity()));
  }

  public static PaymentParsers all() {
    List<PaymentParser> providers =
        List.of(
            new StripeParser(),
            new LemonSqueezyParser(),
            new PaddleParser(),
            new RazorpayParser(),
            new DodoParser(),
            new PolarParser(),
            new GumroadParser(),
            new ShopifyParser(),
            new WooCommerceParser());
    List<PaymentParser> all = new java.util.ArrayList<>(providers);
    // The Payment API books a call naming one of these providers' ids under that provider.
    all.add(new ApiPaymentParser(providers));
    return new PaymentParsers(all);
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
