package dev.tributary.gateway.config;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the gateway needs to run, validated at construction so that a bad deployment fails at
 * start with a clear message instead of at the first webhook.
 *
 * <p>Build it directly (tests, the local runner) or with {@link #fromEnvironment(Map)} (the
 * service). {@link #toString()} prints no secret.
 *
 * @param port HTTP port; 0 picks a free one
 * @param kafkaBootstrapServers Kafka {@code host:port[,host:port…]}
 * @param maxBodyBytes largest accepted request body
 * @param signatureToleranceSeconds how far a signed timestamp may be from now, either way
 * @param sites the configured sites, unique ids and unique API keys
 * @param topics where records go
 * @param protection limits against abusive clients: request header size, the rate limit of the
 *     public tracking endpoints, and which proxies' {@code X-Forwarded-For} to trust
 */
public record GatewayConfig(
    int port,
    String kafkaBootstrapServers,
    int maxBodyBytes,
    long signatureToleranceSeconds,
    List<SiteConfig> sites,
    Topics topics,
    Protection protection) {

  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_MAX_BODY_BYTES = 512 * 1024;
  public static final long DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

  /** Bodies are held in memory while they are checked; no webhook comes close to this. */
  public static final int MAX_BODY_BYTES_LIMIT = 16 * 1024 * 1024;

  /** Kafka topic names; the defaults are the ones in the contracts. */
  public record Topics(String webhooks, String tracking) {
    public static final Topics DEFAULT = new Topics("tributary.webhooks", "tributary.tracking");

    public Topics {
      requireText(webhooks, "topics.webhooks");
      requireText(tracking, "topics.tracking");
    }
  }

  /**
   * How much one client may ask of the gateway.
   *
   * @param maxHeaderBytes the largest request head (request line and headers) Jetty reads; a larger
   *     one is answered 431 before any handler runs
   * @param trackingRate the token bucket of the public tracking endpoints ({@code /api/v1/events},
   *     {@code /api/v1/identify}), per site and client IP
   * @param trustedProxyHops how many reverse proxies in front of the gateway append to {@code
   *     X-Forwarded-For}: the client IP is the entry that many places from the right; 0 (the
   *     default) ignores the header and uses the connection's address, since anyone can send it
   */
  public record Protection(int maxHeaderBytes, RateLimit trackingRate, int trustedProxyHops) {

    public static final int DEFAULT_MAX_HEADER_BYTES = 8 * 1024;
    public static final int MIN_MAX_HEADER_BYTES = 1024;
    public static final int MAX_MAX_HEADER_BYTES = 64 * 1024;
    public static final int MAX_TRUSTED_PROXY_HOPS = 10;

    public static final Protection DEFAULT =
        new Protection(DEFAULT_MAX_HEADER_BYTES, RateLimit.DEFAULT, 0);

    public Protection {
      if (maxHeaderBytes < MIN_MAX_HEADER_BYTES || maxHeaderBytes > MAX_MAX_HEADER_BYTES) {
        throw new IllegalArgumentException(
            "maxHeaderBytes must be between "
                + MIN_MAX_HEADER_BYTES
                + " and "
                + MAX_MAX_HEADER_BYTES
                + ", was "
                + maxHeaderBytes);
      }
      Objects.requireNonNull(trackingRate, "trackingRate must not be null");
      if (trustedProxyHops < 0 || trustedProxyHops > MAX_TRUSTED_PROXY_HOPS) {
        throw new IllegalArgumentException(
            "trustedProxyHops must be between 0 and "
                + MAX_TRUSTED_PROXY_HOPS
                + ", was "
                + trustedProxyHops);
      }
    }

    /** These limits with another tracking rate limit. */
    public Protection withTrackingRate(RateLimit rate) {
      return new Protection(maxHeaderBytes, rate, trustedProxyHops);
    }
  }

  /**
   * A token bucket: {@code perSecond} requests on average, bursts of up to {@code burst}. Both 0
   * turns the limit off.
   */
  public record RateLimit(int perSecond, int burst) {

    /** A person's browser sends a pageview per page; 20/s with bursts of 40 is far above that. */
    public static final RateLimit DEFAULT = new RateLimit(20, 40);

    public static final RateLimit OFF = new RateLimit(0, 0);

    public RateLimit {
      boolean off = perSecond == 0 && burst == 0;
      if (!off && (perSecond <= 0 || burst < 1)) {
        throw new IllegalArgumentException(
            "a rate limit needs perSecond > 0 and burst >= 1 (or both 0 to turn it off), was "
                + perSecond
                + "/s, burst "
                + burst);
      }
    }

    public boolean enabled() {
      return perSecond > 0;
    }
  }

  public GatewayConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
    }
    requireText(kafkaBootstrapServers, "kafkaBootstrapServers");
    if (maxBodyBytes <= 0 || maxBodyBytes > MAX_BODY_BYTES_LIMIT) {
      throw new IllegalArgumentException(
          "maxBodyBytes must be between 1 and " + MAX_BODY_BYTES_LIMIT + ", was " + maxBodyBytes);
    }
    if (signatureToleranceSeconds <= 0) {
      throw new IllegalArgumentException(
          "signatureToleranceSeconds must be > 0, was " + signatureToleranceSeconds);
    }
    sites = List.copyOf(Objects.requireNonNull(sites, "sites must not be null"));
    topics = topics == null ? Topics.DEFAULT : topics;
    protection = protection == null ? Protection.DEFAULT : protection;
    checkUnique(sites);
  }

  /** A config with the default {@link Protection}. */
  public GatewayConfig(
      int port,
      String kafkaBootstrapServers,
      int maxBodyBytes,
      long signatureToleranceSeconds,
      List<SiteConfig> sites,
      Topics topics) {
    this(
        port,
        kafkaBootstrapServers,
        maxBodyBytes,
        signatureToleranceSeconds,
        sites,
        topics,
        Protection.DEFAULT);
  }

  /** A config with default limits and topics. */
  public GatewayConfig(int port, String kafkaBootstrapServers, List<SiteConfig> sites) {
    this(
        port,
        kafkaBootstrapServers,
        DEFAULT_MAX_BODY_BYTES,
        DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
        sites,
        Topics.DEFAULT,
        Protection.DEFAULT);
  }

  /** This config with other protection limits. */
  public GatewayConfig withProtection(Protection limits) {
    return new GatewayConfig(
        port,
        kafkaBootstrapServers,
        maxBodyBytes,
        signatureToleranceSeconds,
        sites,
        topics,
        limits);
  }

  /**
   * Reads the {@code TRIBUTARY_*} variables and the sites file they name; see {@link
   * EnvironmentConfig} for the list. The only place the gateway looks at the environment.
   */
  public static GatewayConfig fromEnvironment(Map<String, String> env) {
    return EnvironmentConfig.read(env);
  }

  private static void checkUnique(List<SiteConfig> sites) {
    Set<String> ids = new HashSet<>();
    Set<String> keys = new HashSet<>();
    for (SiteConfig site : sites) {
      if (!ids.add(site.siteId())) {
        throw new IllegalArgumentException("site id '" + site.siteId() + "' is configured twice");
      }
      for (String key : site.apiKeys()) {
        if (!keys.add(key)) {
          throw new IllegalArgumentException(
              "site '" + site.siteId() + "' shares an API key with another site or repeats one");
        }
      }
    }
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
  }
}
