package dev.tributary.job.payments;

import dev.tributary.job.base.MalformedPayloadException;
import java.util.Currency;
import java.util.Locale;
import java.util.Set;

/**
 * How many minor-unit digits a currency has, per provider. Providers do not all follow ISO 4217:
 * Stripe counts ISK in hundredths although ISO says it has no minor unit.
 */
public final class CurrencyExponents {
  private CurrencyExponents() {}

  /** Stripe's zero-decimal currencies (docs: "Zero-decimal currencies"). */
  private static final Set<String> STRIPE_ZERO =
      Set.of(
          "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV",
          "XAF", "XOF", "XPF");

  /** Stripe's three-decimal currencies. */
  private static final Set<String> STRIPE_THREE = Set.of("BHD", "JOD", "KWD", "OMR", "TND");

  /** Stripe's exponent for a currency code in any case; everything not listed is two-decimal. */
  public static int stripe(String currency) {
    String code = normalize(currency);
    if (STRIPE_ZERO.contains(code)) {
      return 0;
    }
    return STRIPE_THREE.contains(code) ? 3 : 2;
  }

  /** ISO 4217 exponent as the JDK knows it; currencies without a minor unit count as 0. */
  public static int iso4217(String currency) {
    try {
      return Math.max(0, Currency.getInstance(normalize(currency)).getDefaultFractionDigits());
    } catch (IllegalArgumentException e) {
      throw new MalformedPayloadException("unknown currency " + currency);
    }
  }

  /** Upper-cases and checks the three-letter form. */
  public static String normalize(String currency) {
    if (currency == null || currency.length() != 3) {
      throw new MalformedPayloadException("currency is not a three-letter code");
    }
    String code = currency.toUpperCase(Locale.ROOT);
    for (int i = 0; i < 3; i++) {
      char c = code.charAt(i);
      if (c < 'A' || c > 'Z') {
        throw new MalformedPayloadException("currency is not a three-letter code");
      }
    }
    return code;
  }
}
