package dev.tributary.job.payments.providers;

import dev.tributary.job.payments.PaymentParser;
import dev.tributary.job.payments.PaymentParsers;
import dev.tributary.job.payments.api.ApiPaymentParser;
import dev.tributary.job.payments.creem.CreemParser;
import dev.tributary.job.payments.dodo.DodoParser;
import dev.tributary.job.payments.gumroad.GumroadParser;
import dev.tributary.job.payments.lemonsqueezy.LemonSqueezyParser;
import dev.tributary.job.payments.paddle.PaddleParser;
import dev.tributary.job.payments.paystack.PaystackParser;
import dev.tributary.job.payments.polar.PolarParser;
import dev.tributary.job.payments.razorpay.RazorpayParser;
import dev.tributary.job.payments.shopify.ShopifyParser;
import dev.tributary.job.payments.stripe.StripeParser;
import dev.tributary.job.payments.woocommerce.WooCommerceParser;
import java.util.ArrayList;
import java.util.List;

/**
 * The payment providers the job reads: adding one is its parser package plus one line here. It sits
 * above {@code payments} and the provider packages, which only know {@link PaymentParser}.
 */
public final class PaymentProviders {
  private PaymentProviders() {}

  /** Every provider's parser, and the Payment API's, which books calls under those providers. */
  public static PaymentParsers parsers() {
    List<PaymentParser> providers =
        List.of(
            new StripeParser(),
            new LemonSqueezyParser(),
            new PaddleParser(),
            new RazorpayParser(),
            new DodoParser(),
            new PolarParser(),
            new GumroadParser(),
            new PaystackParser(),
            new CreemParser(),
            new ShopifyParser(),
            new WooCommerceParser());
    List<PaymentParser> all = new ArrayList<>(providers);
    all.add(new ApiPaymentParser(providers));
    return new PaymentParsers(all);
  }
}
