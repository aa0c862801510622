package dev.tributary.gateway.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the site a request speaks for: by the id in its URL or body, or by its API key. Built once
 * from the validated config; immutable, so handlers share it without locking.
 */
public final class SiteDirectory {

  private final Map<String, SiteConfig> byId = new LinkedHashMap<>();

  public SiteDirectory(List<SiteConfig> sites) {
    for (SiteConfig site : sites) {
      byId.put(site.siteId(), site);
    }
  }

  public Optional<SiteConfig> byId(String siteId) {
    return Optional.ofNullable(siteId).map(byId::get);
  }

  /** Whether some site's tracker may post from {@code origin} (for CORS preflights). */
  public boolean anyAllowsOrigin(String origin) {
    return byId.values().stream().anyMatch(site -> site.allowsOrigin(origin));
  }

  /**
   * The site owning {@code presentedKey}. Compares the key's hash with every configured hash,
   * without stopping at the first match, so the answer time says nothing about which key or site
   * matched.
   */
  public Optional<SiteConfig> byApiKey(String presentedKey) {
    if (presentedKey == null || presentedKey.isEmpty()) {
      return Optional.empty();
    }
    String presented = ApiKeys.hash(presentedKey);
    SiteConfig match = null;
    for (SiteConfig site : byId.values()) {
      for (String stored : site.apiKeys()) {
        if (ApiKeys.sameHash(presented, stored) && match == null) {
          match = site;
        }
      }
    }
    return Optional.ofNullable(match);
  }
}
