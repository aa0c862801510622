package dev.tributary.gateway.config;

import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The webhook providers a site can hold secrets for, by the names used in URLs ({@code
 * /webhooks/<name>/…}), in the sites file ({@code "webhookSecrets":{"<name>":[…]}}), in environment
 * names ({@code TRIBUTARY_SITE_<ID>_<NAME>_SECRETS}) and as the envelope's {@code provider}; and
 * what a usable secret of each looks like, so that a bad one stops the gateway at start instead of
 * failing every delivery.
 */
public final class WebhookProviders {

  public static final String STRIPE = "stripe";
  public static final String LEMON_SQUEEZY = "lemonsqueezy";
  public static final String PADDLE = "paddle";
  public static final String RAZORPAY = "razorpay";
  public static final String DODO = "dodo";
  public static final String POLAR = "polar";
  public static final String GUMROAD = "gumroad";
  public static final String PAYSTACK = "paystack";
  public static final String CREEM = "creem";
  public static final String SHOPIFY = "shopify";
  public static final String WOOCOMMERCE = "woocommerce";

  /** Every provider name, in the order the documentation lists them. */
  public static final List<String> NAMES =
      List.of(
          STRIPE,
          LEMON_SQUEEZY,
          PADDLE,
          RAZORPAY,
          DODO,
          POLAR,
          GUMROAD,
          PAYSTACK,
          CREEM,
          SHOPIFY,
          WOOCOMMERCE);

  /** The shortest Gumroad URL token: the token is the only thing that authenticates a ping. */
  public static final int MIN_URL_TOKEN_LENGTH = 16;

  private static final String WHSEC = "whsec_";

  /** Paystack signs with the integration's secret key, {@code sk_live_…} or {@code sk_test_…}. */
  private static final String PAYSTACK_SECRET_KEY = "sk_";

  private static final Pattern URL_TOKEN =
      Pattern.compile("[A-Za-z0-9_-]{" + MIN_URL_TOKEN_LENGTH + ",256}");

  private static final Pattern NAME_LIKE = Pattern.compile("[a-z]{1,20}");

  private WebhookProviders() {}

  /**
   * Throws if {@code secret} cannot be a secret of {@code provider}. Messages name the site and the
   * rule, never the value: it is a secret even when it is malformed.
   */
  static void checkSecret(String siteId, String provider, String secret) {
    String where = "site '" + siteId + "': ";
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException(where + provider + " secrets must not be blank");
    }
    if (!secret.equals(secret.strip())) {
      throw new IllegalArgumentException(
          where + provider + " secrets must not start or end with white space");
    }
    switch (provider) {
      case STRIPE -> {
        if (!secret.startsWith(WHSEC) || secret.length() == WHSEC.length()) {
          throw new IllegalArgumentException(
              where + "every Stripe secret must start with 'whsec_'");
        }
      }
      case DODO -> {
        if (!secret.startsWith(WHSEC) || !isBase64Key(secret.substring(WHSEC.length()))) {
          throw new IllegalArgumentException(
              where + "every Dodo Payments secret must be 'whsec_' followed by base64");
        }
      }
      case GUMROAD -> {
        if (!URL_TOKEN.matcher(secret).matches()) {
          throw new IllegalArgumentException(
              where
                  + "every Gumroad URL token must be "
                  + MIN_URL_TOKEN_LENGTH
                  + " to 256 characters of A-Z, a-z, 0-9, '_' or '-' (e.g. openssl rand -hex 32)");
        }
      }
      case PAYSTACK -> {
        // The public key (pk_…) is the usual mistake: it is shown beside the secret key.
        if (!secret.startsWith(PAYSTACK_SECRET_KEY)
            || secret.length() == PAYSTACK_SECRET_KEY.length()) {
          throw new IllegalArgumentException(
              where + "every Paystack secret must be the secret key 'sk_live_…' or 'sk_test_…'");
        }
      }
      case LEMON_SQUEEZY, PADDLE, RAZORPAY, POLAR, CREEM, SHOPIFY, WOOCOMMERCE -> {
        // Any non-blank text: the providers let users choose or format these freely.
      }
      default -> throw unknown(siteId, provider);
    }
  }

  static IllegalArgumentException unknown(String siteId, String provider) {
    // Named only if it looks like a name: a secret pasted into the wrong place must not be echoed.
    String named =
        provider != null && NAME_LIKE.matcher(provider).matches() ? " '" + provider + "'" : "";
    return new IllegalArgumentException(
        "site '"
            + siteId
            + "': unknown webhook provider"
            + named
            + " (known: "
            + String.join(", ", NAMES)
            + ")");
  }

  private static boolean isBase64Key(String encoded) {
    try {
      return Base64.getDecoder().decode(encoded).length > 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
