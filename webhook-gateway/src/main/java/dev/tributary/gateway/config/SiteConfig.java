package dev.tributary.gateway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One customer site: its id (the Kafka key of everything it sends) and the credentials that let a
 * request speak for it.
 *
 * <p>Webhook secrets are kept as given because the HMAC needs them (Gumroad URL tokens too; they
 * are compared as digests). API keys are only ever compared, so the constructor replaces each one
 * with its SHA-256 hash ({@code sha256:<hex>}, see {@link ApiKeys}); a value already in that form
 * is kept, which lets a sites file hold hashes only. {@link #toString()} prints no secret and no
 * key.
 *
 * @param siteId {@code [a-z0-9][a-z0-9_-]{0,63}}
 * @param stripeSecrets Stripe endpoint secrets ({@code whsec_…}); several during a rotation
 * @param apiKeys keys of the custom Payment API, plain (hashed here) or already {@code
 *     sha256:<hex>}; a plain key must pass {@link ApiKeys#weakness} (at least 32 characters, not a
 *     pattern), a hashed one cannot be checked
 * @param allowedOrigins browser origins ({@code https://host[:port]}) the tracker may post from;
 *     empty means any origin
 * @param webhookSecrets the other providers' secrets by provider name ({@link
 *     WebhookProviders#NAMES} except {@code stripe}, which has its own list): several during a
 *     rotation; a provider without secrets has no endpoint for this site. Dodo Payments secrets
 *     must be {@code whsec_<base64>}, Gumroad URL tokens at least 16 URL-safe characters
 */
public record SiteConfig(
    String siteId,
    List<String> stripeSecrets,
    List<String> apiKeys,
    List<String> allowedOrigins,
    Map<String, List<String>> webhookSecrets,
    List<String> keptQueryParameters) {

  /** The shape every site id must have; it ends up in Kafka keys, URLs and environment names. */
  public static final Pattern SITE_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  public SiteConfig {
    Objects.requireNonNull(siteId, "siteId must not be null");
    if (!SITE_ID.matcher(siteId).matches()) {
      throw new IllegalArgumentException(
          "site id '" + siteId + "' must match " + SITE_ID.pattern());
    }
    stripeSecrets = List.copyOf(orEmpty(stripeSecrets));
    for (String secret : stripeSecrets) {
      WebhookProviders.checkSecret(siteId, WebhookProviders.STRIPE, secret);
    }
    List<String> hashed = new ArrayList<>();
    for (String key : orEmpty(apiKeys)) {
      hashed.add(hashApiKey(siteId, hashed.size() + 1, key));
    }
    apiKeys = List.copyOf(hashed);
    allowedOrigins = List.copyOf(orEmpty(allowedOrigins));
    for (String origin : allowedOrigins) {
      checkOrigin(siteId, origin);
    }
    webhookSecrets = checkedWebhookSecrets(siteId, webhookSecrets);
    keptQueryParameters =
        orEmpty(keptQueryParameters).stream()
            .map(p -> p.trim().toLowerCase(java.util.Locale.ROOT))
            .filter(p -> !p.isEmpty())
            .toList();
  }

  /** A site that keeps only the default query parameters of page addresses. */
  public SiteConfig(
      String siteId,
      List<String> stripeSecrets,
      List<String> apiKeys,
      List<String> allowedOrigins,
      Map<String, List<String>> webhookSecrets) {
    this(siteId, stripeSecrets, apiKeys, allowedOrigins, webhookSecrets, List.of());
  }

  /** A site with Stripe secrets only (besides API keys and origins). */
  public SiteConfig(
      String siteId,
      List<String> stripeSecrets,
      List<String> apiKeys,
      List<String> allowedOrigins) {
    this(siteId, stripeSecrets, apiKeys, allowedOrigins, Map.of());
  }

  /** The site's secrets for {@code provider} (any name of {@link WebhookProviders#NAMES}). */
  public List<String> secrets(String provider) {
    return WebhookProviders.STRIPE.equals(provider)
        ? stripeSecrets
        : webhookSecrets.getOrDefault(provider, List.of());
  }

  /** This site with other secrets for {@code provider} (used for environment overrides). */
  public SiteConfig withSecrets(String provider, List<String> secrets) {
    if (WebhookProviders.STRIPE.equals(provider)) {
      return withStripeSecrets(secrets);
    }
    Map<String, List<String>> changed = new LinkedHashMap<>(webhookSecrets);
    changed.put(provider, secrets);
    return new SiteConfig(
        siteId, stripeSecrets, apiKeys, allowedOrigins, changed, keptQueryParameters);
  }

  /** This site with other Stripe secrets (used for environment overrides). */
  public SiteConfig withStripeSecrets(List<String> secrets) {
    return new SiteConfig(
        siteId, secrets, apiKeys, allowedOrigins, webhookSecrets, keptQueryParameters);
  }

  /** This site with other API keys (used for environment overrides). */
  public SiteConfig withApiKeys(List<String> keys) {
    return new SiteConfig(
        siteId, stripeSecrets, keys, allowedOrigins, webhookSecrets, keptQueryParameters);
  }

  /** Whether a browser page served from {@code origin} may send tracking events for this site. */
  public boolean allowsOrigin(String origin) {
    return allowedOrigins.isEmpty() || allowedOrigins.contains(origin);
  }

  @Override
  public String toString() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    webhookSecrets.forEach((provider, secrets) -> counts.put(provider, secrets.size()));
    return "SiteConfig[siteId="
        + siteId
        + ", stripeSecrets="
        + stripeSecrets.size()
        + " (redacted), apiKeys="
        + apiKeys.size()
        + " (redacted), allowedOrigins="
        + allowedOrigins
        + ", webhookSecrets="
        + counts
        + " (redacted), keptQueryParameters="
        + keptQueryParameters
        + "]";
  }

  /**
   * The secrets map, validated, in {@link WebhookProviders#NAMES} order, without empty lists (so
   * that "no secrets" has one form), unmodifiable.
   */
  private static Map<String, List<String>> checkedWebhookSecrets(
      String siteId, Map<String, List<String>> given) {
    Map<String, List<String>> secrets = given == null ? Map.of() : given;
    for (String provider : secrets.keySet()) {
      if (WebhookProviders.STRIPE.equals(provider)) {
        throw new IllegalArgumentException(
            "site '" + siteId + "': Stripe secrets belong in stripeSecrets, not webhookSecrets");
      }
      if (provider == null || !WebhookProviders.NAMES.contains(provider)) {
        throw WebhookProviders.unknown(siteId, provider);
      }
    }
    Map<String, List<String>> checked = new LinkedHashMap<>();
    for (String provider : WebhookProviders.NAMES) {
      List<String> list = List.copyOf(orEmpty(secrets.get(provider)));
      for (String secret : list) {
        WebhookProviders.checkSecret(siteId, provider, secret);
      }
      if (!list.isEmpty()) {
        checked.put(provider, list);
      }
    }
    return Collections.unmodifiableMap(checked);
  }

  private static String hashApiKey(String siteId, int position, String key) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("site '" + siteId + "': API keys must not be blank");
    }
    if (ApiKeys.isHash(key)) {
      return key;
    }
    String weakness = ApiKeys.weakness(key);
    if (weakness != null) {
      // The position, never the key: it is a secret even when it is a bad one.
      throw new IllegalArgumentException(
          "site '"
              + siteId
              + "': API key #"
              + position
              + " "
              + weakness
              + "; use a random key of at least "
              + ApiKeys.MIN_LENGTH
              + " characters (e.g. openssl rand -hex 32)");
    }
    return ApiKeys.hash(key);
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
