package dev.tributary.gateway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One customer site: its id (the Kafka key of everything it sends) and the credentials that let a
 * request speak for it.
 *
 * <p>Stripe secrets are kept as given because the HMAC needs them. API keys are only ever compared,
 * so the constructor replaces each one with its SHA-256 hash ({@code sha256:<hex>}, see {@link
 * ApiKeys}); a value already in that form is kept, which lets a sites file hold hashes only. {@link
 * #toString()} prints no secret and no key.
 *
 * @param siteId {@code [a-z0-9][a-z0-9_-]{0,63}}
 * @param stripeSecrets Stripe endpoint secrets ({@code whsec_…}); several during a rotation
 * @param apiKeys keys of the custom Payment API, plain (hashed here) or already {@code
 *     sha256:<hex>}
 * @param allowedOrigins browser origins ({@code https://host[:port]}) the tracker may post from;
 *     empty means any origin
 */
public record SiteConfig(
    String siteId, List<String> stripeSecrets, List<String> apiKeys, List<String> allowedOrigins) {

  /** The shape every site id must have; it ends up in Kafka keys, URLs and environment names. */
  public static final Pattern SITE_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  private static final String STRIPE_SECRET_PREFIX = "whsec_";

  public SiteConfig {
    Objects.requireNonNull(siteId, "siteId must not be null");
    if (!SITE_ID.matcher(siteId).matches()) {
      throw new IllegalArgumentException(
          "site id '" + siteId + "' must match " + SITE_ID.pattern());
    }
    stripeSecrets = List.copyOf(orEmpty(stripeSecrets));
    for (String secret : stripeSecrets) {
      if (!secret.startsWith(STRIPE_SECRET_PREFIX)
          || secret.length() == STRIPE_SECRET_PREFIX.length()) {
        // Never echo the value: it is a secret even when it is malformed.
        throw new IllegalArgumentException(
            "site '" + siteId + "': every Stripe secret must start with 'whsec_'");
      }
    }
    apiKeys = orEmpty(apiKeys).stream().map(key -> hashApiKey(siteId, key)).toList();
    allowedOrigins = List.copyOf(orEmpty(allowedOrigins));
    for (String origin : allowedOrigins) {
      checkOrigin(siteId, origin);
    }
  }

  /** This site with other Stripe secrets (used for environment overrides). */
  public SiteConfig withStripeSecrets(List<String> secrets) {
    return new SiteConfig(siteId, secrets, apiKeys, allowedOrigins);
  }

  /** This site with other API keys (used for environment overrides). */
  public SiteConfig withApiKeys(List<String> keys) {
    return new SiteConfig(siteId, stripeSecrets, keys, allowedOrigins);
  }

  /** Whether a browser page served from {@code origin} may send tracking events for this site. */
  public boolean allowsOrigin(String origin) {
    return allowedOrigins.isEmpty() || allowedOrigins.contains(origin);
  }

  @Override
  public String toString() {
    return "SiteConfig[siteId="
        + siteId
        + ", stripeSecrets="
        + stripeSecrets.size()
        + " (redacted), apiKeys="
        + apiKeys.size()
        + " (redacted), allowedOrigins="
        + allowedOrigins
        + "]";
  }

  private static String hashApiKey(String siteId, String key) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("site '" + siteId + "': API keys must not be blank");
    }
    return ApiKeys.isHash(key) ? key : ApiKeys.hash(key);
  }

  private static void checkOrigin(String siteId, String origin) {
    String problem = "site '" + siteId + "': allowed origin '" + origin + "'";
    try {
      URI uri = new URI(origin);
      boolean web = "https".equals(uri.getScheme()) || "http".equals(uri.getScheme());
      boolean bare =
          uri.getRawPath() != null
              && uri.getRawPath().isEmpty()
              && uri.getRawQuery() == null
              && uri.getRawFragment() == null
              && uri.getRawUserInfo() == null;
      if (!web || uri.getHost() == null || !bare) {
        throw new IllegalArgumentException(
            problem + " must look like https://host[:port] (no path, no trailing slash)");
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(problem + " is not a valid URI", e);
    }
  }

  private static List<String> orEmpty(List<String> values) {
    if (values == null) {
      return List.of();
    }
    for (String value : values) {
      Objects.requireNonNull(value, "lists in a site config must not contain null");
    }
    return values;
  }
}
