package dev.tributary.gateway.ingest;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

/**
 * What of a page's address is forwarded: the tracker sends {@code location.href}, whose query and
 * fragment can carry secrets (password-reset and magic-link tokens, {@code #access_token=} of an
 * OAuth implicit flow, session ids). Before a pageview reaches Kafka its fragment is dropped and
 * its query keeps only the parameters attribution reads — every {@code utm_*}, ad click ids,
 * referral tags ({@link #KEPT}) — plus those the site lists in {@code keptQueryParameters}. A
 * referrer keeps its scheme, host and path. The job applies the same default rule again before it
 * stores a session (its {@code sessions.UrlHygiene}).
 *
 * <p>A URL that does not parse keeps nothing but what precedes its first {@code ?} or {@code #}.
 */
final class UrlHygiene {
  /** Query parameters kept besides every {@code utm_*}: click ids and referral tags. */
  static final Set<String> KEPT =
      Set.of(
          "gclid",
          "gbraid",
          "wbraid",
          "dclid",
          "msclkid",
          "fbclid",
          "ttclid",
          "twclid",
          "li_fat_id",
          "rdt_cid",
          "sccid",
          "epik",
          "yclid",
          "mc_cid",
          "ref",
          "via",
          "source",
          "aff",
          "affiliate",
          "affiliate_id",
          "campaign");

  private UrlHygiene() {}

  /** {@code url} without its fragment and without query parameters attribution does not read. */
  static String page(String url, List<String> alsoKept) {
    if (url == null) {
      return null;
    }
    String base = beforeQueryOrFragment(url);
    String query;
    try {
      query = new URI(url).getRawQuery();
    } catch (URISyntaxException e) {
      return base;
    }
    if (query == null) {
      return base;
    }
    StringJoiner kept = new StringJoiner("&");
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = (eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
      if (key.startsWith("utm_") || KEPT.contains(key) || alsoKept.contains(key)) {
        kept.add(pair);
      }
    }
    return kept.length() == 0 ? base : base + "?" + kept;
  }

  /** A referrer's scheme, host and path only. */
  static String referrer(String url) {
    return url == null ? null : beforeQueryOrFragment(url);
  }

  private static String beforeQueryOrFragment(String url) {
    int q = url.indexOf('?');
    int h = url.indexOf('#');
    int end = q < 0 ? h : h < 0 ? q : Math.min(q, h);
    return end < 0 ? url : url.substring(0, end);
  }
}
