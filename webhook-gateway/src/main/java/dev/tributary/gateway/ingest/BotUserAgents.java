package dev.tributary.gateway.ingest;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * User agents whose tracker calls are dropped: crawlers, link previewers, HTTP libraries, headless
 * and audit browsers. None of them is a person who could pay, and their "visits" would show up as
 * Direct sessions and dilute every channel's conversion rate.
 *
 * <p>The list is short on purpose: it catches what announces itself, not what disguises itself as a
 * desktop browser (no list can). A request without a User-Agent is not a bot here: a site's own
 * backend may send server-side pageviews, and privacy proxies strip the header.
 *
 * <p>{@code HeadlessChrome} is on the list: it is the default user agent of Puppeteer, Playwright,
 * prerender services, SEO audits and uptime checkers, while people browse with headed Chrome. A
 * synthetic test that should be counted sets a normal user agent (the browser test does).
 */
final class BotUserAgents {

  /**
   * Regular expressions searched in the lower-cased User-Agent; one match makes a bot. Keep each
   * entry simple: this runs on every tracker call.
   */
  static final List<String> PATTERNS =
      List.of(
          "(?<!cu)bot", // Googlebot, bingbot, Slackbot, AhrefsBot, …; not CUBOT phones
          "crawl",
          "spider",
          "slurp", // Yahoo
          "facebookexternalhit",
          "preview", // Google Web Preview, SkypeUriPreview, link-preview services
          "^curl/",
          "^wget/",
          "python-requests",
          "python-urllib",
          "aiohttp",
          "go-http-client",
          "scrapy",
          "headlesschrome",
          "phantomjs",
          "lighthouse",
          "pagespeed",
          "gtmetrix",
          "pingdom",
          "ia_archiver");

  private static final Pattern ANY = Pattern.compile(String.join("|", PATTERNS));

  private BotUserAgents() {}

  /** Whether {@code userAgent} (null when the header is missing) names a bot. */
  static boolean isBot(String userAgent) {
    return userAgent != null && ANY.matcher(userAgent.toLowerCase(Locale.ROOT)).find();
  }
}
