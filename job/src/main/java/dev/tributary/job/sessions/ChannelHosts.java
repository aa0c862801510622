package dev.tributary.job.sessions;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Known search engines, social networks, video sites, AI assistants and referrers that never count
 * (payment and and sign-in pages), loaded from {@code channel-hosts.properties}. A name matches a
 * host when the host equals it or ends with "." + it, so "google.com" covers "news.google.com"; a
 * name ending in "." (like "google.") matches any top-level domain.
 */
public final class ChannelHosts implements Serializable {
  private final Set<String> search;
  private final Set<String> social;
  private final Set<String> video;
  private final Set<String> aiAssistants;
  private final Set<String> ignoredReferrers;

  public ChannelHosts(
      Set<String> search,
      Set<String> social,
      Set<String> video,
      Set<String> aiAssistants,
      Set<String> ignoredReferrers) {
    this.search = Set.copyOf(search);
    this.social = Set.copyOf(social);
    this.video = Set.copyOf(video);
    this.aiAssistants = Set.copyOf(aiAssistants);
    this.ignoredReferrers = Set.copyOf(ignoredReferrers);
  }

  public static ChannelHosts defaults() {
    Properties p = new Properties();
    try (InputStream in = ChannelHosts.class.getResourceAsStream("channel-hosts.properties")) {
      if (in == null) {
        throw new IllegalStateException("channel-hosts.properties is missing from the jar");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ChannelHosts(
        list(p, "search"),
        list(p, "social"),
        list(p, "video"),
        list(p, "ai-assistants"),
        list(p, "ignored-referrers"));
  }

  private static Set<String> list(Properties p, String key) {
    return Arrays.stream(p.getProperty(key, "").split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  public boolean isSearch(String hostOrSource) {
    return matches(search, hostOrSource);
  }

  public boolean isSocial(String hostOrSource) {
    return matches(social, hostOrSource);
  }

  public boolean isVideo(String hostOrSource) {
    return matches(video, hostOrSource);
  }

  /** ChatGPT, Perplexity, Claude, Gemini, Copilot and the like, by host or utm_source. */
  public boolean isAiAssistant(String hostOrSource) {
    return matches(aiAssistants, hostOrSource);
  }

  public boolean isIgnoredReferrer(String host) {
    return matches(ignoredReferrers, host);
  }

  private static boolean matches(Set<String> names, String host) {
    if (host == null) {
      return false;
    }
    if (names.contains(host)) {
      return true;
    }
    for (String name : names) {
      if (name.endsWith(".")) {
        // "google." matches google.com, google.co.uk, news.google.de
        if (host.startsWith(name) || host.contains("." + name)) {
          return true;
        }
      } else if (host.endsWith("." + name)) {
        return true;
      }
    }
    return false;
  }
}
