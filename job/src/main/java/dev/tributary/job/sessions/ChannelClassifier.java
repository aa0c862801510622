package dev.tributary.job.sessions;

import java.io.Serializable;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Channel groups in the spirit of GA4's default channel grouping, from utm tags, click ids and the
 * referrer host. Known hosts are data ({@link ChannelHosts}); the order of the rules follows GA4:
 * paid before organic, email and affiliates by medium, then the referrer.
 */
public final class ChannelClassifier implements Serializable {
  private static final Pattern PAID_MEDIUM = Pattern.compile("^(.*cp.*|ppc|retargeting|paid.*)$");
  private static final Set<String> EMAIL =
      Set.of("email", "e-mail", "e_mail", "e mail", "newsletter");
  private static final Set<String> DISPLAY =
      Set.of("display", "banner", "expandable", "interstitial", "cpm");
  private static final Map<String, String> SEARCH_CLICK_IDS =
      Map.of("gclid", "google", "gbraid", "google", "wbraid", "google", "msclkid", "bing");

  private final ChannelHosts hosts;

  /** The channel of visits an AI assistant sent (#17). */
  public static final String AI_ASSISTANTS = "AI Assistants";

  /**
   * Every channel group {@link #classify} gives a session; what reference data may name (a
   * promotion code's channel), so that dashboards group the code's revenue with the visits'.
   */
  public static final java.util.Set<String> GROUPS =
      java.util.Set.of(
          "Direct",
          AI_ASSISTANTS,
          "Paid Search",
          "Paid Social",
          "Paid Video",
          "Paid Other",
          "Display",
          "Email",
          "Affiliates",
          "Organic Search",
          "Organic Social",
          "Organic Video",
          "Referral",
          "Other");

  public ChannelClassifier(ChannelHosts hosts) {
    this.hosts = hosts;
  }

  public Channel classify(Pageview p) {
    String pageHost = hostOf(p.url());
    String refHost = hostOf(p.referrer());
    boolean refCounts =
        refHost != null && !refHost.equals(pageHost) && !hosts.isIgnoredReferrer(refHost);
    String referrer = refCounts ? p.referrer() : null;
    String referrerHost = refCounts ? refHost : null;

    String source = lower(p.utmSource());
    String medium = lower(p.utmMedium());
    String clickIdSource = clickIdSource(p.url());
    if (source == null && clickIdSource != null) {
      source = clickIdSource;
      medium = medium == null ? "cpc" : medium;
    }
    if (source == null && referrerHost != null) {
      source = referrerHost;
      medium =
          medium != null
              ? medium
              : hosts.isAiAssistant(referrerHost)
                  ? "referral"
                  : hosts.isSearch(referrerHost) ? "organic" : "referral";
    }
    if (source == null && medium == null) {
      return new Channel("Direct", "(direct)", "(none)", referrer, referrerHost);
    }
    source = source == null ? "(not set)" : source;
    medium = medium == null ? "(not set)" : medium;
    return new Channel(
        group(source, medium, clickIdSource != null), source, medium, referrer, referrerHost);
  }

  private String group(String source, String medium, boolean searchClickId) {
    boolean paid = PAID_MEDIUM.matcher(medium).matches() || searchClickId;
    if (paid) {
      if (hosts.isSocial(source)) {
        return "Paid Social";
      }
      if (hosts.isVideo(source)) {
        return "Paid Video";
      }
      if (hosts.isSearch(source) || searchClickId) {
        return "Paid Search";
      }
      return "Paid Other";
    }
    if (DISPLAY.contains(medium)) {
      return "Display";
    }
    if (EMAIL.contains(medium) || EMAIL.contains(source)) {
      return "Email";
    }
    if ("affiliate".equals(medium)) {
      return "Affiliates";
    }
    // ahead of search and referral: gemini.google.com is not Google search, and an assistant's
    // answer is neither a search result nor a site linking to this one
    if (hosts.isAiAssistant(source)) {
      return AI_ASSISTANTS;
    }
    if (hosts.isSearch(source) || "organic".equals(medium)) {
      return "Organic Search";
    }
    if (hosts.isSocial(source) || Set.of("social", "social-network", "sm").contains(medium)) {
      return "Organic Social";
    }
    if (hosts.isVideo(source)) {
      return "Organic Video";
    }
    if ("referral".equals(medium)) {
      return "Referral";
    }
    return "Other";
  }

  private static String clickIdSource(String url) {
    var query = TrackingParser.queryOf(url == null ? "" : url);
    for (var e : SEARCH_CLICK_IDS.entrySet()) {
      if (query.containsKey(e.getKey())) {
        return e.getValue();
      }
    }
    return null;
  }

  /** Lower-cased host without a leading "www.", or null. */
  static String hostOf(String url) {
    if (url == null || url.isBlank()) {
      return null;
    }
    try {
      String host = URI.create(url.trim()).getHost();
      if (host == null) {
        return null;
      }
      host = host.toLowerCase(Locale.ROOT);
      return host.startsWith("www.") ? host.substring(4) : host;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String lower(String s) {
    return s == null || s.isBlank() ? null : s.trim().toLowerCase(Locale.ROOT);
  }
}
