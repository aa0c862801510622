package dev.tributary.job.sessions;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

/**
 * What of a page's address is kept: the tracker sends {@code location.href}, whose query and
 * fragment can carry secrets (password-reset and magic-link tokens, {@code #access_token=} of an
 * OAuth implicit flow, session ids in the query). Before a URL is stored, its fragment is dropped
 * and its query keeps only the parameters attribution reads: {@code utm_*}, ad click ids and
 * referral tags ({@link #KEPT}). A referrer keeps only its scheme, host and path: another site's
 * query is none of this site's business.
 *
 * <p>A URL that does not parse keeps nothing but what precedes its first {@code ?} or {@code #}.
 */
public final class UrlHygiene {
  /** Query parameters kept besides every {@code utm_*}: click ids and referral tags. */
  public static final Set<String> KEPT =
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
  public static String page(String url) {
    return page(url, Set.of());
  }

  /** {@link #page(String)}, also keeping the (lower-case) parameters {@code alsoKept}. */
  public static String page(String url, Set<String> alsoKept) {
    if (url == null) {
      return null;
    }
    String base = beforeQueryOrFragment(url);
    if (url.indexOf('?') < 0) {
      return base; // no query to keep: the common page, without parsing it
    }
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
  public static String referrer(String url) {
    return url == null ? null : beforeQueryOrFragment(url);
  }

  private static String beforeQueryOrFragment(String url) {
    int q = url.indexOf('?');
    int h = url.indexOf('#');
    int end = q < 0 ? h : h < 0 ? q : Math.min(q, h);
    return end < 0 ? url : url.substring(0, end);
  }
}
