package dev.tributary.gateway.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.tributary.gateway.config.GatewayConfig.Capacity;
import dev.tributary.gateway.config.GatewayConfig.Mode;
import dev.tributary.gateway.config.GatewayConfig.Operations;
import dev.tributary.gateway.config.GatewayConfig.Protection;
import dev.tributary.gateway.config.GatewayConfig.RateLimit;
import dev.tributary.gateway.config.GatewayConfig.Topics;
import dev.tributary.gateway.net.TrustedProxies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds a {@link GatewayConfig} from environment variables and a JSON sites file. Secrets can live
 * in either place; the per-site variables win, so a deployment can keep the file free of secrets.
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><td>TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS</td><td>required</td></tr>
 *   <tr><td>TRIBUTARY_GATEWAY_PORT</td><td>default 8080</td></tr>
 *   <tr><td>TRIBUTARY_MAX_BODY_BYTES</td><td>default 524288</td></tr>
 *   <tr><td>TRIBUTARY_SIGNATURE_TOLERANCE_SECONDS</td><td>default 300</td></tr>
 *   <tr><td>TRIBUTARY_MAX_HEADER_BYTES</td><td>default 8192 (1024 to 65536)</td></tr>
 *   <tr><td>TRIBUTARY_OPS_PORT / TRIBUTARY_OPS_BIND_ADDRESS</td><td>default 9091 / 0.0.0.0: the
 *       listener of /healthz, /readyz and /metrics</td></tr>
 *   <tr><td>TRIBUTARY_MODE</td><td>production (default) or development</td></tr>
 *   <tr><td>TRIBUTARY_EMAIL_HASH_KEY</td><td>≥ 32 characters; empty = bare SHA-256</td></tr>
 *   <tr><td>TRIBUTARY_TRACKING_RATE_PER_SECOND / TRIBUTARY_TRACKING_RATE_BURST</td><td>default
 *       20 / twice the rate, per client address; a rate of 0 turns the limit off</td></tr>
 *   <tr><td>TRIBUTARY_TRACKER_MAX_BODY_BYTES</td><td>default 16384 (1024 to 1048576)</td></tr>
 *   <tr><td>TRIBUTARY_TRUSTED_PROXIES</td><td>comma-separated networks (10.0.0.0/8,fd00::/8);
 *       default none (X-Forwarded-For ignored). TRIBUTARY_TRUSTED_PROXY_HOPS, which it replaces,
 *       stops the start unless it is 0</td></tr>
 *   <tr><td>TRIBUTARY_IDLE_TIMEOUT_SECONDS / TRIBUTARY_BODY_TIMEOUT_SECONDS /
 *       TRIBUTARY_MIN_BODY_BYTES_PER_SECOND</td><td>default 30 / 10 / 1024: slow clients ({@link
 *       GatewayConfig.Capacity})</td></tr>
 *   <tr><td>TRIBUTARY_WEBHOOK_MAX_IN_FLIGHT / TRIBUTARY_TRACKING_MAX_IN_FLIGHT</td><td>default
 *       1024 / 256 requests waiting for Kafka per lane</td></tr>
 *   <tr><td>TRIBUTARY_TOPIC_WEBHOOKS / TRIBUTARY_TOPIC_TRACKING</td><td>default
 *       tributary.webhooks / tributary.tracking</td></tr>
 *   <tr><td>TRIBUTARY_SITES_FILE</td><td>{@code {"sites":[{"id":"acme","stripeSecrets":[…],
 *       "webhookSecrets":{"paddle":[…],…},"apiKeys":[…],"allowedOrigins":[…],
 *       "keptQueryParameters":[…]}]}}; without it there
 *       are no sites</td></tr>
 *   <tr><td>TRIBUTARY_SITE_&lt;ID&gt;_&lt;PROVIDER&gt;_SECRETS, TRIBUTARY_SITE_&lt;ID&gt;_API_KEYS</td>
 *       <td>comma-separated; replace the file's list for that site. &lt;ID&gt; is the site id in
 *       upper case with '-' as '_'; &lt;PROVIDER&gt; one of {@link WebhookProviders#NAMES} in upper
 *       case (STRIPE, LEMONSQUEEZY, PADDLE, RAZORPAY, DODO, POLAR, GUMROAD, PAYSTACK,
 *       CREEM, SHOPIFY, WOOCOMMERCE)</td></tr>
 * </table>
 */
final class EnvironmentConfig {

  static final String PORT = "TRIBUTARY_GATEWAY_PORT";
  static final String BOOTSTRAP = "TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS";
  static final String MAX_BODY_BYTES = "TRIBUTARY_MAX_BODY_BYTES";
  static final String TOLERANCE = "TRIBUTARY_SIGNATURE_TOLERANCE_SECONDS";
  static final String MAX_HEADER_BYTES = "TRIBUTARY_MAX_HEADER_BYTES";
  static final String TRACKING_RATE = "TRIBUTARY_TRACKING_RATE_PER_SECOND";
  static final String TRACKING_BURST = "TRIBUTARY_TRACKING_RATE_BURST";
  static final String TRUSTED_PROXIES = "TRIBUTARY_TRUSTED_PROXIES";
  static final String TRACKER_MAX_BODY_BYTES = "TRIBUTARY_TRACKER_MAX_BODY_BYTES";
  static final String OPS_PORT = "TRIBUTARY_OPS_PORT";
  static final String OPS_BIND_ADDRESS = "TRIBUTARY_OPS_BIND_ADDRESS";
  static final String MODE = "TRIBUTARY_MODE";
  static final String EMAIL_HASH_KEY = "TRIBUTARY_EMAIL_HASH_KEY";
  static final String IDLE_TIMEOUT = "TRIBUTARY_IDLE_TIMEOUT_SECONDS";
  static final String BODY_TIMEOUT = "TRIBUTARY_BODY_TIMEOUT_SECONDS";
  static final String MIN_BODY_RATE = "TRIBUTARY_MIN_BODY_BYTES_PER_SECOND";
  static final String WEBHOOK_MAX_IN_FLIGHT = "TRIBUTARY_WEBHOOK_MAX_IN_FLIGHT";
  static final String TRACKING_MAX_IN_FLIGHT = "TRIBUTARY_TRACKING_MAX_IN_FLIGHT";

  /** Replaced by {@link #TRUSTED_PROXIES}; read only to refuse it. */
  static final String REMOVED_TRUSTED_PROXY_HOPS = "TRIBUTARY_TRUSTED_PROXY_HOPS";

  static final String TOPIC_WEBHOOKS = "TRIBUTARY_TOPIC_WEBHOOKS";
  static final String TOPIC_TRACKING = "TRIBUTARY_TOPIC_TRACKING";
  static final String SITES_FILE = "TRIBUTARY_SITES_FILE";
  static final String SITE_PREFIX = "TRIBUTARY_SITE_";
  static final String SECRETS_SUFFIX = "_SECRETS";
  static final String API_KEYS_SUFFIX = "_API_KEYS";

  /** The sites file as written; unknown fields fail so that a typo does not drop a secret. */
  private record SitesFile(List<SiteEntry> sites) {}

  private record SiteEntry(
      String id,
      List<String> stripeSecrets,
      Map<String, List<String>> webhookSecrets,
      List<String> apiKeys,
      List<String> allowedOrigins,
      List<String> keptQueryParameters) {}

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private EnvironmentConfig() {}

  static GatewayConfig read(Map<String, String> env) {
    String bootstrap = value(env, BOOTSTRAP);
    if (bootstrap == null) {
      throw new IllegalArgumentException(BOOTSTRAP + " is required (Kafka host:port list)");
    }
    Topics topics =
        new Topics(
            valueOr(env, TOPIC_WEBHOOKS, Topics.DEFAULT.webhooks()),
            valueOr(env, TOPIC_TRACKING, Topics.DEFAULT.tracking()));
    return new GatewayConfig(
        (int) number(env, PORT, GatewayConfig.DEFAULT_PORT),
        bootstrap,
        (int) number(env, MAX_BODY_BYTES, GatewayConfig.DEFAULT_MAX_BODY_BYTES),
        number(env, TOLERANCE, GatewayConfig.DEFAULT_SIGNATURE_TOLERANCE_SECONDS),
        withOverrides(sitesFromFile(value(env, SITES_FILE)), env),
        topics,
        protection(env),
        new Operations(
            valueOr(env, OPS_BIND_ADDRESS, Operations.DEFAULT.bindAddress()),
            (int) number(env, OPS_PORT, Operations.DEFAULT.port())),
        mode(env),
        new GatewayConfig.EmailHashKey(value(env, EMAIL_HASH_KEY)),
        capacity(env));
  }

  private static Capacity capacity(Map<String, String> env) {
    Capacity defaults = Capacity.DEFAULT;
    int idle = (int) number(env, IDLE_TIMEOUT, defaults.idleTimeoutSeconds());
    int body = (int) number(env, BODY_TIMEOUT, defaults.bodyTimeoutSeconds());
    int rate = (int) number(env, MIN_BODY_RATE, defaults.minBodyBytesPerSecond());
    int webhooks = (int) number(env, WEBHOOK_MAX_IN_FLIGHT, defaults.webhookMaxInFlight());
    int tracking = (int) number(env, TRACKING_MAX_IN_FLIGHT, defaults.trackingMaxInFlight());
    try {
      return new Capacity(idle, body, rate, webhooks, tracking);
    } catch (IllegalArgumentException e) {
      // name the variable, not the record component
      String message =
          e.getMessage()
              .replace("idleTimeoutSeconds", IDLE_TIMEOUT)
              .replace("bodyTimeoutSeconds", BODY_TIMEOUT)
              .replace("minBodyBytesPerSecond", MIN_BODY_RATE)
              .replace("webhookMaxInFlight", WEBHOOK_MAX_IN_FLIGHT)
              .replace("trackingMaxInFlight", TRACKING_MAX_IN_FLIGHT);
      throw new IllegalArgumentException(message, e);
    }
  }

  private static Mode mode(Map<String, String> env) {
    String mode = value(env, MODE);
    if (mode == null || mode.equalsIgnoreCase("production")) {
      return Mode.PRODUCTION;
    }
    if (mode.equalsIgnoreCase("development")) {
      return Mode.DEVELOPMENT;
    }
    throw new IllegalArgumentException(
        MODE + " must be production or development, was '" + mode + "'");
  }

  private static Protection protection(Map<String, String> env) {
    Protection defaults = Protection.DEFAULT;
    int perSecond = (int) number(env, TRACKING_RATE, defaults.trackingRate().perSecond());
    // The burst follows the rate unless given: twice the rate, and 0 when the limit is off.
    int burst =
        (int) number(env, TRACKING_BURST, Math.min(Integer.MAX_VALUE, Math.max(0, 2L * perSecond)));
    String hops = value(env, REMOVED_TRUSTED_PROXY_HOPS);
    if (hops != null && !hops.equals("0")) {
      // A count of hops believed whoever connected directly: refuse rather than ignore it, since
      // ignoring it would put every client behind the proxy into the proxy's one bucket.
      throw new IllegalArgumentException(
          REMOVED_TRUSTED_PROXY_HOPS
              + " is no longer read: list the networks of the proxies in front of the gateway in "
              + TRUSTED_PROXIES
              + " instead (e.g. 10.0.0.0/8,fd00::/8); X-Forwarded-For is then believed only from"
              + " them");
    }
    TrustedProxies proxies;
    try {
      proxies = TrustedProxies.parse(value(env, TRUSTED_PROXIES));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(TRUSTED_PROXIES + ": " + e.getMessage(), e);
    }
    return new Protection(
        (int) number(env, MAX_HEADER_BYTES, defaults.maxHeaderBytes()),
        new RateLimit(perSecond, burst),
        proxies,
        (int) number(env, TRACKER_MAX_BODY_BYTES, defaults.trackerMaxBodyBytes()));
  }

  /** The environment-name form of a site id: {@code my-shop} → {@code MY_SHOP}. */
  static String envId(String siteId) {
    return siteId.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static List<SiteConfig> sitesFromFile(String file) {
    if (file == null) {
      return List.of();
    }
    Path path = Path.of(file);
    byte[] content;
    try {
      content = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new IllegalArgumentException(SITES_FILE + " " + path + " cannot be read: " + e, e);
    }
    SitesFile parsed;
    try {
      parsed = JSON.readValue(content, SitesFile.class);
    } catch (IOException e) {
      // Jackson's own messages may quote the offending token, which can be a secret: describe the
      // place instead, and drop the cause.
      throw new IllegalArgumentException(
          SITES_FILE + " " + path + " is not a valid sites file: " + describe(e));
    }
    if (parsed == null || parsed.sites() == null) {
      throw new IllegalArgumentException(SITES_FILE + " " + path + " has no \"sites\" array");
    }
    List<SiteConfig> sites = new ArrayList<>();
    for (SiteEntry entry : parsed.sites()) {
      if (entry == null) {
        throw new IllegalArgumentException(SITES_FILE + " " + path + " has a null site entry");
      }
      sites.add(
          new SiteConfig(
              entry.id(),
              entry.stripeSecrets(),
              entry.apiKeys(),
              entry.allowedOrigins(),
              entry.webhookSecrets(),
              entry.keptQueryParameters()));
    }
    return sites;
  }

  private static String describe(IOException e) {
    String where =
        e instanceof JsonProcessingException json && json.getLocation() != null
            ? " (line "
                + json.getLocation().getLineNr()
                + ", column "
                + json.getLocation().getColumnNr()
                + ")"
            : "";
    if (e instanceof UnrecognizedPropertyException unknown) {
      return "unknown field '" + unknown.getPropertyName() + "'" + where;
    }
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      StringBuilder path = new StringBuilder();
      for (JsonMappingException.Reference step : mapping.getPath()) {
        path.append(
            step.getFieldName() != null
                ? (path.isEmpty() ? "" : ".") + step.getFieldName()
                : "[" + step.getIndex() + "]");
      }
      return "invalid value at " + path + where;
    }
    return "malformed JSON" + where;
  }

  private static List<SiteConfig> withOverrides(List<SiteConfig> sites, Map<String, String> env) {
    Map<String, SiteConfig> byEnvId = new HashMap<>();
    for (SiteConfig site : sites) {
      SiteConfig clash = byEnvId.put(envId(site.siteId()), site);
      if (clash != null) {
        throw new IllegalArgumentException(
            "sites '"
                + clash.siteId()
                + "' and '"
                + site.siteId()
                + "' have the same environment name "
                + SITE_PREFIX
                + envId(site.siteId()));
      }
    }
    for (Map.Entry<String, String> variable : env.entrySet()) {
      Override override = override(variable.getKey());
      if (override == null) {
        continue;
      }
      SiteConfig site = byEnvId.get(override.envId());
      if (site == null) {
        throw new IllegalArgumentException(
            variable.getKey() + " names no site of the sites file (" + SITES_FILE + ")");
      }
      List<String> values = split(variable.getValue());
      byEnvId.put(
          override.envId(),
          override.provider() == null
              ? site.withApiKeys(values)
              : site.withSecrets(override.provider(), values));
    }
    return sites.stream().map(site -> byEnvId.get(envId(site.siteId()))).toList();
  }

  /** A per-site variable: the site's environment id and the provider (null for API keys). */
  private record Override(String envId, String provider) {}

  /**
   * What {@code name} overrides, or null if it is not a per-site setting of the gateway. Other
   * {@code TRIBUTARY_SITE_*} names are left to other programs, but a {@code …_SECRETS} name must
   * name a known provider, so that a typo does not silently leave a provider unconfigured.
   */
  private static Override override(String name) {
    if (!name.startsWith(SITE_PREFIX)) {
      return null;
    }
    String rest = name.substring(SITE_PREFIX.length());
    if (rest.endsWith(API_KEYS_SUFFIX) && rest.length() > API_KEYS_SUFFIX.length()) {
      return new Override(rest.substring(0, rest.length() - API_KEYS_SUFFIX.length()), null);
    }
    if (!rest.endsWith(SECRETS_SUFFIX)) {
      return null;
    }
    // <ID>_<PROVIDER>: provider names have no '_', so the provider is the last part.
    String idAndProvider = rest.substring(0, rest.length() - SECRETS_SUFFIX.length());
    int cut = idAndProvider.lastIndexOf('_');
    String provider = idAndProvider.substring(cut + 1).toLowerCase(Locale.ROOT);
    if (cut <= 0 || !WebhookProviders.NAMES.contains(provider)) {
      throw new IllegalArgumentException(
          name
              + " is not TRIBUTARY_SITE_<ID>_<PROVIDER>_SECRETS with a known provider ("
              + String.join(", ", WebhookProviders.NAMES).toUpperCase(Locale.ROOT)
              + ")");
    }
    return new Override(idAndProvider.substring(0, cut), provider);
  }

  private static List<String> split(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  private static String value(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static String valueOr(Map<String, String> env, String name, String fallback) {
    String value = value(env, name);
    return value == null ? fallback : value;
  }

  private static long number(Map<String, String> env, String name, long fallback) {
    String value = value(env, name);
    if (value == null) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed < Integer.MIN_VALUE || parsed > Integer.MAX_VALUE) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, was '" + value + "'", e);
    }
  }
}
