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
 */
public record GatewayConfig(
    int port,
    String kafkaBootstrapServers,
    int maxBodyBytes,
    long signatureToleranceSeconds,
    List<SiteConfig> sites,
    Topics topics) {

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
    checkUnique(sites);
  }

  /** A config with default limits and topics. */
  public GatewayConfig(int port, String kafkaBootstrapServers, List<SiteConfig> sites) {
    this(
        port,
        kafkaBootstrapServers,
        DEFAULT_MAX_BODY_BYTES,
        DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
        sites,
        Topics.DEFAULT);
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
