package dev.tributary.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BotUserAgentsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Twitterbot/1.0",
        "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (compatible; Google Web Preview)",
        "Mozilla/5.0 (compatible; SemrushBot-SI/0.97; +http://www.semrush.com/bot.html)",
        "Mozilla/5.0 (compatible; archive.org_bot +http://www.archive.org/details/archive.org_bot)",
        "Baiduspider+(+http://www.baidu.com/search/spider.htm)",
        "CCBot/2.0 (https://commoncrawl.org/faq/)",
        "Screaming Frog SEO Spider/19.0",
        "curl/8.5.0",
        "Wget/1.21.4",
        "python-requests/2.32.3",
        "Python-urllib/3.12",
        "Python/3.12 aiohttp/3.9.5",
        "Go-http-client/2.0",
        "Scrapy/2.11.2 (+https://scrapy.org)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " HeadlessChrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like"
            + " Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse",
        "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1"
            + " Safari/538.1",
        "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)",
      })
  void dropsBotsAndTools(String userAgent) {
    assertThat(BotUserAgents.isBot(userAgent)).as(userAgent).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
            + " Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
            + " Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
        // Facebook's in-app browser is a person, its link crawler is not.
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
            + " Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.0;FBBV/123;FBDV/iPhone15,2;FBMD/iPhone]",
        // CUBOT is a phone brand.
        "Mozilla/5.0 (Linux; Android 12; CUBOT KINGKONG 7) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/120.0.0.0 Mobile Safari/537.36",
        // The JDK client: the gateway's own tests and server-side senders.
        "Java-http-client/17.0.15",
        "",
      })
  void keepsBrowsersAndServers(String userAgent) {
    assertThat(BotUserAgents.isBot(userAgent)).as(userAgent).isFalse();
  }

  @Test
  void aMissingUserAgentIsNoBot() {
    assertThat(BotUserAgents.isBot(null)).isFalse();
  }

  @Test
  void everyPatternIsAValidLowerCaseRegex() {
    for (String pattern : BotUserAgents.PATTERNS) {
      assertThat(pattern).isLowerCase();
      assertThat(Pattern.compile(pattern)).isNotNull();
    }
  }
}
