package dev.tributary.gateway.config;

import dev.tributary.gateway.net.IpAddress;
import dev.tributary.gateway.net.TrustedProxies;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything the gateway needs to run, validated at construction so that a bad deployment fails at
 * start with a clear message instead of at the first webhook.
 *
 * <p>Build it directly (tests, the local runner) or with {@link #fromEnvironment(Map)} (the
 * service). {@link #toString()} prints no secret.
 *
 * @param port HTTP port of the public routes (webhooks, APIs, tracker); 0 picks a free one
 * @param kafkaBootstrapServers Kafka {@code host:port[,host:port…]}
 * @param maxBodyBytes largest accepted request body
 * @param signatureToleranceSeconds how far a signed timestamp may be from now, either way
 * @param sites the configured sites, unique ids and unique API keys
 * @param topics where records go
 * @param protection limits against abusive clients: request header size, the rate limit and body
 *     limit of the public tracker endpoints, and which proxies' {@code X-Forwarded-For} to trust
 * @param operations where {@code /healthz}, {@code /readyz} and {@code /metrics} are served: a
 *     listener of their own, never the public port
 * @param mode production (the default) or development; only changes which start-up warnings are
 *     logged ({@link #warnings()}), never a check or a limit
 * @param emailHashKey the key identify emails are hashed with
 * @param capacity how long a connection may be idle or take to send a body, and how many requests
 *     of each lane may wait for Kafka at once
 */
public record GatewayConfig(
    int port,
    String kafkaBootstrapServers,
    int maxBodyBytes,
    long signatureToleranceSeconds,
    List<SiteConfig> sites,
    Topics topics,
    Protection protection,
    Operations operations,
    Mode mode,
    EmailHashKey emailHashKey,
    Capacity capacity) {

  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_MAX_BODY_BYTES = 512 * 1024;
  public static final long DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

  /** Bodies are held in memory while they are checked; no webhook comes close to this. */
  public static final int MAX_BODY_BYTES_LIMIT = 16 * 1024 * 1024;

  /**
   * The deployment's email hashing key ({@code TRIBUTARY_EMAIL_HASH_KEY}, the job's {@code
   * tributary.privacy.email-hash-secret}): identify emails are hashed with HMAC-SHA256 under a key
   * derived from it per site. {@link #NONE}: bare SHA-256, as before 0.2. Never printed.
   */
  public record EmailHashKey(String value) {
    public static final int MIN_LENGTH = 32;
    public static final EmailHashKey NONE = new EmailHashKey("");

    public EmailHashKey {
      value = value == null ? "" : value;
      if (!value.isEmpty() && value.length() < MIN_LENGTH) {
        throw new IllegalArgumentException(
            "the email hashing key must be at least "
                + MIN_LENGTH
                + " characters, was "
                + value.length());
      }
    }

    public boolean isSet() {
      return !value.isEmpty();
    }

    @Override
    public String toString() {
      return isSet() ? "EmailHashKey[set]" : "EmailHashKey[none]";
    }
  }

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
   * @param trackingRate the token bucket of the public tracker endpoints ({@code /api/v1/events},
   *     {@code /api/v1/identify}) per client address (an IPv4 address, an IPv6 /64), taken before
   *     the body is read
   * @param trustedProxies the reverse proxies whose {@code X-Forwarded-For} is believed: the header
   *     is read only when the TCP peer is one of them, from the right, and the client is the first
   *     address that is not one of them. Empty (the default) ignores the header, since anyone can
   *     send it
   * @param trackerMaxBodyBytes the largest body of a tracker call (a pageview is well under 8 KiB);
   *     the smaller of this and {@code maxBodyBytes} applies
   */
  public record Protection(
      int maxHeaderBytes,
      RateLimit trackingRate,
      TrustedProxies trustedProxies,
      int trackerMaxBodyBytes) {

    public static final int DEFAULT_MAX_HEADER_BYTES = 8 * 1024;
    public static final int MIN_MAX_HEADER_BYTES = 1024;
    public static final int MAX_MAX_HEADER_BYTES = 64 * 1024;
    public static final int DEFAULT_TRACKER_MAX_BODY_BYTES = 16 * 1024;
    public static final int MIN_TRACKER_MAX_BODY_BYTES = 1024;
    public static final int MAX_TRACKER_MAX_BODY_BYTES = 1024 * 1024;

    public static final Protection DEFAULT =
        new Protection(
            DEFAULT_MAX_HEADER_BYTES,
            RateLimit.DEFAULT,
            TrustedProxies.NONE,
            DEFAULT_TRACKER_MAX_BODY_BYTES);

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
      trustedProxies = trustedProxies == null ? TrustedProxies.NONE : trustedProxies;
      if (trackerMaxBodyBytes < MIN_TRACKER_MAX_BODY_BYTES
          || trackerMaxBodyBytes > MAX_TRACKER_MAX_BODY_BYTES) {
        throw new IllegalArgumentException(
            "trackerMaxBodyBytes must be between "
                + MIN_TRACKER_MAX_BODY_BYTES
                + " and "
                + MAX_TRACKER_MAX_BODY_BYTES
                + ", was "
                + trackerMaxBodyBytes);
      }
    }

    /** These limits with another request-head limit. */
    public Protection withMaxHeaderBytes(int bytes) {
      return new Protection(bytes, trackingRate, trustedProxies, trackerMaxBodyBytes);
    }

    /** These limits with another tracking rate limit. */
    public Protection withTrackingRate(RateLimit rate) {
      return new Protection(maxHeaderBytes, rate, trustedProxies, trackerMaxBodyBytes);
    }

    /** These limits with other trusted proxies. */
    public Protection withTrustedProxies(TrustedProxies proxies) {
      return new Protection(maxHeaderBytes, trackingRate, proxies, trackerMaxBodyBytes);
    }

    /** These limits with another tracker body limit. */
    public Protection withTrackerMaxBodyBytes(int bytes) {
      return new Protection(maxHeaderBytes, trackingRate, trustedProxies, bytes);
    }
  }

  /**
   * The operations listener: {@code /healthz}, {@code /readyz}, {@code /metrics}, on a port of its
   * own so that the public port never serves them and a load balancer or Ingress routes only the
   * public one. It must stay reachable by the probes and the scraper (kubelet, Prometheus), so in a
   * container it listens on every interface; keep its port out of any public route.
   *
   * @param bindAddress an IP literal ({@code 0.0.0.0}, {@code 127.0.0.1}, {@code ::}); no host
   *     names
   * @param port 0 picks a free one
   */
  public record Operations(String bindAddress, int port) {

    public static final int DEFAULT_PORT = 9091;

    /** What {@code TRIBUTARY_OPS_*} default to: every interface, port 9091. */
    public static final Operations DEFAULT = new Operations("0.0.0.0", DEFAULT_PORT);

    /**
     * Loopback, any free port: the default of the Java constructors (tests, embedding), which must
     * never collide with another instance or expose anything.
     */
    public static final Operations LOOPBACK_ANY_PORT = new Operations("127.0.0.1", 0);

    public Operations {
      if (bindAddress == null || IpAddress.parse(bindAddress.strip()) == null) {
        throw new IllegalArgumentException(
            "the operations bind address must be an IP address (e.g. 0.0.0.0, 127.0.0.1, ::), was '"
                + bindAddress
                + "'");
      }
      bindAddress = bindAddress.strip();
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(
            "the operations port must be between 0 and 65535, was " + port);
      }
    }
  }

  /**
   * What keeps the public port answering webhooks whatever else arrives: slow clients cost no
   * thread and are cut off, and each lane has its own budget of requests waiting for Kafka.
   *
   * <p>Bodies are read asynchronously (no thread waits for a byte), and every request is answered
   * from the Kafka producer's callback (no thread waits for an ack). What a slow or stalled client
   * can still hold is a connection and the bytes it sent, for a bounded time:
   *
   * @param idleTimeoutSeconds a connection without a byte in either direction for this long is
   *     closed (between requests, in a request head, in a body); never cuts a request that waits
   *     for Kafka, which has its own bound
   * @param bodyTimeoutSeconds the whole body must have arrived this long after the request head,
   *     else {@code 408}
   * @param minBodyBytesPerSecond after the first second of a body, the bytes received must keep up
   *     with this rate on average, else {@code 408} at once; 0 turns the check off
   * @param webhookMaxInFlight requests of the webhook lane (webhooks of every provider, the Payment
   *     API, verified identify: authenticated, money) that may wait for their Kafka ack at once;
   *     more get {@code 503} with {@code Retry-After}
   * @param trackingMaxInFlight the same for the tracking lane (pageviews and the public identify);
   *     a tracker call beyond it is refused {@code 503} before its body is read. The lanes have a
   *     Kafka producer each, so a tracker flood or its backlog in a broker brownout never sits in
   *     front of a webhook
   */
  public record Capacity(
      int idleTimeoutSeconds,
      int bodyTimeoutSeconds,
      int minBodyBytesPerSecond,
      int webhookMaxInFlight,
      int trackingMaxInFlight) {

    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 30;
    public static final int DEFAULT_BODY_TIMEOUT_SECONDS = 10;
    public static final int DEFAULT_MIN_BODY_BYTES_PER_SECOND = 1024;
    public static final int DEFAULT_WEBHOOK_MAX_IN_FLIGHT = 1024;
    public static final int DEFAULT_TRACKING_MAX_IN_FLIGHT = 256;
    public static final int MAX_TIMEOUT_SECONDS = 3600;
    public static final int MAX_IN_FLIGHT = 100_000;

    public static final Capacity DEFAULT =
        new Capacity(
            DEFAULT_IDLE_TIMEOUT_SECONDS,
            DEFAULT_BODY_TIMEOUT_SECONDS,
            DEFAULT_MIN_BODY_BYTES_PER_SECOND,
            DEFAULT_WEBHOOK_MAX_IN_FLIGHT,
            DEFAULT_TRACKING_MAX_IN_FLIGHT);

    public Capacity {
      requireBetween("idleTimeoutSeconds", idleTimeoutSeconds, 1, MAX_TIMEOUT_SECONDS);
      requireBetween("bodyTimeoutSeconds", bodyTimeoutSeconds, 1, MAX_TIMEOUT_SECONDS);
      requireBetween("minBodyBytesPerSecond", minBodyBytesPerSecond, 0, 1 << 30);
      requireBetween("webhookMaxInFlight", webhookMaxInFlight, 1, MAX_IN_FLIGHT);
      requireBetween("trackingMaxInFlight", trackingMaxInFlight, 1, MAX_IN_FLIGHT);
    }

    /** This capacity with other timeouts and body rate. */
    public Capacity withTimeouts(int idleSeconds, int bodySeconds, int minBytesPerSecond) {
      return new Capacity(
          idleSeconds, bodySeconds, minBytesPerSecond, webhookMaxInFlight, trackingMaxInFlight);
    }

    /** This capacity with other in-flight budgets. */
    public Capacity withMaxInFlight(int webhooks, int tracking) {
      return new Capacity(
          idleTimeoutSeconds, bodyTimeoutSeconds, minBodyBytesPerSecond, webhooks, tracking);
    }

    private static void requireBetween(String name, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            name + " must be between " + min + " and " + max + ", was " + value);
      }
    }
  }

  /**
   * Production or development. Production (the default) warns at start about settings that are fine
   * on a laptop and not on the internet: a site without {@code allowedOrigins}.
   */
  public enum Mode {
    PRODUCTION,
    DEVELOPMENT
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
    operations = operations == null ? Operations.LOOPBACK_ANY_PORT : operations;
    mode = mode == null ? Mode.PRODUCTION : mode;
    emailHashKey = emailHashKey == null ? EmailHashKey.NONE : emailHashKey;
    capacity = capacity == null ? Capacity.DEFAULT : capacity;
    if (port != 0 && operations.port() == port) {
      throw new IllegalArgumentException(
          "the operations port must differ from the public port " + port);
    }
    checkUnique(sites);
    checkSecretsNotShared(sites);
  }

  /**
   * A config with operations on loopback at a free port ({@link Operations#LOOPBACK_ANY_PORT}),
   * production mode, no email hashing key and the default {@link Capacity}.
   */
  public GatewayConfig(
      int port,
      String kafkaBootstrapServers,
      int maxBodyBytes,
      long signatureToleranceSeconds,
      List<SiteConfig> sites,
      Topics topics,
      Protection protection) {
    this(
        port,
        kafkaBootstrapServers,
        maxBodyBytes,
        signatureToleranceSeconds,
        sites,
        topics,
        protection,
        Operations.LOOPBACK_ANY_PORT,
        Mode.PRODUCTION,
        EmailHashKey.NONE,
        Capacity.DEFAULT);
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
        limits,
        operations,
        mode,
        emailHashKey,
        capacity);
  }

  /** This config with another operations listener. */
  public GatewayConfig withOperations(Operations listener) {
    return new GatewayConfig(
        port,
        kafkaBootstrapServers,
        maxBodyBytes,
        signatureToleranceSeconds,
        sites,
        topics,
        protection,
        listener,
        mode,
        emailHashKey,
        capacity);
  }

  /** This config in another mode. */
  public GatewayConfig withMode(Mode other) {
    return new GatewayConfig(
        port,
        kafkaBootstrapServers,
        maxBodyBytes,
        signatureToleranceSeconds,
        sites,
        topics,
        protection,
        operations,
        other,
        emailHashKey,
        capacity);
  }

  /** This config with an email hashing key. */
  public GatewayConfig withEmailHashKey(EmailHashKey key) {
    return new GatewayConfig(
        port,
        kafkaBootstrapServers,
        maxBodyBytes,
        signatureToleranceSeconds,
        sites,
        topics,
        protection,
        operations,
        mode,
        key,
        capacity);
  }

  /** This config with other capacity limits. */
  public GatewayConfig withCapacity(Capacity other) {
    return new GatewayConfig(
        port,
        kafkaBootstrapServers,
        maxBodyBytes,
        signatureToleranceSeconds,
        sites,
        topics,
        protection,
        operations,
        mode,
        emailHashKey,
        other);
  }

  /** The body limit of the tracker routes: the smaller of the two limits. */
  public int trackerMaxBodyBytes() {
    return Math.min(maxBodyBytes, protection.trackerMaxBodyBytes());
  }

  /**
   * What the gateway should warn about at start: settings that work but leave a door open. In
   * production, every site without {@code allowedOrigins} (any web page may post its tracker
   * calls). None in development. The messages name sites, never a secret or key.
   */
  public List<String> warnings() {
    List<String> warnings = new ArrayList<>();
    if (mode == Mode.PRODUCTION) {
      for (SiteConfig site : sites) {
        if (site.allowedOrigins().isEmpty()) {
          warnings.add(
              "site '"
                  + site.siteId()
                  + "' has no allowedOrigins: any web page can post tracker calls (pageviews,"
                  + " identify) for it; list the site's origins, or set TRIBUTARY_MODE=development"
                  + " if this is not a production gateway");
        }
      }
      if (!emailHashKey.isSet()) {
        warnings.add(
            "TRIBUTARY_EMAIL_HASH_KEY is not set: identify emails are hashed with bare SHA-256,"
                + " which an email list reverses and which links one person across sites; set it"
                + " (and the job's tributary.privacy.email-hash-secret) to the same random secret");
      }
    }
    return warnings;
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

  /**
   * Refuses a webhook secret (or Gumroad URL token) held by two sites, whichever providers: whoever
   * holds one site's secret could sign webhooks for the other, and a payment signed with it would
   * be booked for whichever site its URL names. The message names the sites and providers, never
   * the secret.
   */
  private static void checkSecretsNotShared(List<SiteConfig> sites) {
    record Holder(String siteId, String provider) {}
    Map<String, Holder> holders = new HashMap<>();
    Map<String, Set<String>> clashes = new LinkedHashMap<>();
    for (SiteConfig site : sites) {
      for (String provider : WebhookProviders.NAMES) {
        for (String secret : site.secrets(provider)) {
          Holder first = holders.putIfAbsent(secret, new Holder(site.siteId(), provider));
          if (first != null && !first.siteId().equals(site.siteId())) {
            clashes
                .computeIfAbsent(
                    "sites '" + first.siteId() + "' and '" + site.siteId() + "'",
                    k -> new TreeSet<>())
                .add(
                    first.siteId()
                        + " "
                        + first.provider()
                        + ", "
                        + site.siteId()
                        + " "
                        + provider);
          }
        }
      }
    }
    if (!clashes.isEmpty()) {
      StringBuilder message = new StringBuilder();
      clashes.forEach(
          (pair, where) ->
              message
                  .append(message.isEmpty() ? "" : "; ")
                  .append(pair)
                  .append(" share a webhook secret (")
                  .append(String.join("; ", where))
                  .append(")"));
      throw new IllegalArgumentException(
          message
              + ": each site needs its own secrets, or one site's secret signs the other's"
              + " webhooks");
    }
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
  }
}
