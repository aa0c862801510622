package dev.tributary.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tributary.gateway.config.GatewayConfig;
import dev.tributary.gateway.config.SiteConfig;
import dev.tributary.gateway.testing.GatewayClient;
import dev.tributary.gateway.testing.KafkaTestCluster;
import dev.tributary.gateway.testing.KafkaTestCluster.Mark;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The tracker script in a real browser: headless Chromium (Debian's {@code chromium} and {@code
 * chromium-driver}) loads {@code /t.js} from the gateway into a page of another origin, and the
 * test reads what reached Kafka.
 *
 * <p>Three origins, all on this machine: the gateway ({@code 127.0.0.1:<gateway port>}), the site
 * ({@code http://127.0.0.1:<page port>}, the only origin the site allows) and a foreign one ({@code
 * http://localhost:<page port>}, same server, another origin), which links to the site's landing
 * page (so the landing page has a referrer) and serves the site's page where it must be refused.
 *
 * <p>Chromium must be installed; without it this test fails (CI installs it, see {@code .ci/run}).
 */
class TrackerBrowserIT {

  static final String TRACKING = "tributary.tracking";
  static final String SITE = "shop";
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /**
   * HeadlessChrome counts as a bot at the gateway, so the browser presents itself as the desktop
   * Chrome a visitor would use.
   */
  static final String DESKTOP_USER_AGENT =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/156.0.0.0 Safari/537.36";

  static final Pattern VISITOR_ID = Pattern.compile("v_[A-Za-z0-9_-]{22}");
  static final Pattern SESSION_ID = Pattern.compile("s_[A-Za-z0-9_-]{22}");
  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Selenium warns that it knows no CDP version as new as Debian's Chromium; the test uses
   * WebDriver only, never CDP. (Held in a field: JUL keeps loggers only weakly.)
   */
  static final Logger SELENIUM_DEVTOOLS = Logger.getLogger("org.openqa.selenium.devtools");

  static HttpServer pages;
  static KafkaTestCluster kafka;
  static GatewayApp gateway;
  static GatewayClient client;

  /** The operations port: /healthz, /readyz, /metrics. */
  static GatewayClient ops;

  static Path profile;
  static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    requireChromium();
    SELENIUM_DEVTOOLS.setLevel(Level.SEVERE);
    pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    pages.createContext("/", TrackerBrowserIT::servePage);
    pages.start();
    kafka = KafkaTestCluster.start(TRACKING);
    SiteConfig site = new SiteConfig(SITE, List.of(), List.of(), List.of(siteOrigin()));
    gateway = GatewayApp.start(new GatewayConfig(0, kafka.bootstrapServers(), List.of(site)));
    client = new GatewayClient(gateway.port());
    ops = new GatewayClient(gateway.opsPort());
    profile = Files.createTempDirectory("tributary-chromium-");
    browser = startChromium(profile);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (gateway != null) {
      gateway.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (pages != null) {
      pages.stop(0);
    }
    if (profile != null) {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  @Test
  void aVisitFromACampaignThroughAnSpaNavigationToIdentify() throws Exception {
    Mark mark = kafka.mark(TRACKING);
    String landing =
        siteOrigin()
            + "/landing?utm_source=newsletter&utm_medium=email&utm_campaign=spring_launch"
            + "&gclid=Test-GCLID_123";
    String pricing = siteOrigin() + "/pricing?plan=pro";

    // Arrive from another site by following a link, as a visitor from a newsletter would.
    browser.get(foreignOrigin() + "/from.html?to=" + landing.replace("&", "%26"));
    browser.findElement(By.id("go")).click();
    awaitTracker();
    assertThat(browser.getCurrentUrl()).isEqualTo(landing);
    // The app's own router changes the page; a replaceState to the same URL is no new page.
    script("navigateTo('/pricing?plan=pro')");
    script("history.replaceState({scroll: 1}, '', location.href)");
    awaitScript("return location.pathname === '/pricing'");
    assertThat(script("return tributary.identify('Ada@Example.com')")).isEqualTo(true);
    Map<String, Object> ids = ids();
    // Where sendBeacon refuses, the tracker falls back to a keepalive fetch.
    assertThat(script("navigator.sendBeacon = () => false; return tributary.track()"))
        .isEqualTo(true);

    List<JsonNode> records = values(kafka.recordsAfter(mark, 4, Duration.ofSeconds(10)));

    String visitorId = (String) ids.get("visitorId");
    String sessionId = (String) ids.get("sessionId");
    assertThat(visitorId).matches(VISITOR_ID);
    assertThat(sessionId).matches(SESSION_ID);
    assertThat(ids.get("clientReferenceId")).isEqualTo(visitorId);
    assertThat(ids.get("metadata"))
        .isEqualTo(Map.of("tributary_visitor_id", visitorId, "tributary_session_id", sessionId));
    assertThat(records).hasSize(4);
    assertThat(records)
        .allSatisfy(
            record -> {
              assertThat(record.path("siteId").asText()).isEqualTo(SITE);
              assertThat(record.path("visitorId").asText()).isEqualTo(visitorId);
              assertThat(record.path("sessionId").asText()).isEqualTo(sessionId);
              assertThat(record.path("clientTs").isIntegralNumber()).isTrue();
            });

    JsonNode first = single(records, "pageview", landing);
    assertThat(first.path("url").asText()).contains("gclid=Test-GCLID_123");
    assertThat(first.path("utm"))
        .isEqualTo(
            JSON.readTree(
                "{\"source\":\"newsletter\",\"medium\":\"email\",\"campaign\":\"spring_launch\"}"));
    // Cross-origin navigations carry only the origin (strict-origin-when-cross-origin).
    assertThat(first.path("referrer").asText()).isEqualTo(foreignOrigin() + "/");

    // The gateway forwards a page address with only the query parameters attribution reads
    // (plan=pro is not one of them) and a referrer's origin and path (issue #13).
    String pricingForwarded = siteOrigin() + "/pricing";
    List<JsonNode> pricingViews = all(records, "pageview", pricingForwarded);
    assertThat(pricingViews).hasSize(2);
    assertThat(records.toString()).doesNotContain("plan=pro");
    // The SPA pageview's referrer is the page before it, as on a full page load.
    assertThat(pricingViews)
        .extracting(view -> view.path("referrer").asText())
        .containsExactlyInAnyOrder(siteOrigin() + "/landing", pricingForwarded);
    assertThat(pricingViews).allSatisfy(view -> assertThat(view.path("utm").isEmpty()).isTrue());

    JsonNode identify = records.stream().filter(r -> isType(r, "identify")).findFirst().get();
    assertThat(identify.path("emailHash").asText()).isEqualTo(sha256Hex("ada@example.com"));
    assertThat(identify.toString()).doesNotContainIgnoringCase("ada").doesNotContain("@");
  }

  @Test
  void theVisitorIdSurvivesReloadsAndTheLossOfEitherStore() {
    Mark mark = kafka.mark(TRACKING);
    browser.get(siteOrigin() + "/account");
    awaitTracker();
    Map<String, Object> ids = ids();
    String visitorId = (String) ids.get("visitorId");

    Cookie cookie = browser.manage().getCookieNamed("_trib_vid");
    assertThat(cookie.getValue()).isEqualTo(visitorId);
    assertThat(cookie.getPath()).isEqualTo("/");
    assertThat(cookie.getSameSite()).isEqualTo("Lax");
    assertThat(cookie.isSecure()).as("Secure only on https").isFalse();
    assertThat(cookie.getExpiry().toInstant())
        .isBetween(
            Instant.now().plus(Duration.ofDays(399)), Instant.now().plus(Duration.ofDays(401)));
    assertThat(script("return localStorage.getItem('_trib_vid')")).isEqualTo(visitorId);

    reload();
    assertThat(ids()).isEqualTo(ids);
    browser.manage().deleteAllCookies();
    reload();
    assertThat(ids()).as("from localStorage").isEqualTo(ids);
    script("localStorage.clear()");
    reload();
    assertThat(ids()).as("from the cookie").isEqualTo(ids);

    List<JsonNode> records = values(kafka.recordsAfter(mark, 4, Duration.ofSeconds(10)));
    assertThat(records).hasSize(4);
    assertThat(records)
        .allSatisfy(
            record -> {
              assertThat(record.path("visitorId").asText()).isEqualTo(visitorId);
              assertThat(record.path("sessionId").asText()).isEqualTo(ids.get("sessionId"));
              assertThat(record.path("url").asText()).isEqualTo(siteOrigin() + "/account");
            });
  }

  @Test
  void aNewCampaignOrHalfAnHourIdleStartsANewSession() {
    browser.get(siteOrigin() + "/?utm_source=partner&utm_campaign=one");
    awaitTracker();
    Map<String, Object> first = ids();

    browser.get(siteOrigin() + "/pricing");
    awaitTracker();
    assertThat(ids()).as("an internal page continues the session").isEqualTo(first);
    browser.get(siteOrigin() + "/?utm_source=partner&utm_campaign=one");
    awaitTracker();
    assertThat(ids()).as("the same campaign continues it").isEqualTo(first);

    browser.get(siteOrigin() + "/?gclid=another-click");
    awaitTracker();
    Map<String, Object> second = ids();
    assertThat(second.get("visitorId")).isEqualTo(first.get("visitorId"));
    assertThat(second.get("sessionId")).isNotEqualTo(first.get("sessionId"));

    // 31 minutes without a pageview, by moving the stored last-seen time back.
    script(
        "const [id, sig] = localStorage.getItem('_trib_sid').split('.');"
            + "const old = `${id}.${sig}.${Date.now() - 31 * 60 * 1000}`;"
            + "localStorage.setItem('_trib_sid', old);"
            + "document.cookie = `_trib_sid=${old}; Path=/; Max-Age=1800; SameSite=Lax`;");
    browser.get(siteOrigin() + "/pricing");
    awaitTracker();
    Map<String, Object> third = ids();
    assertThat(third.get("visitorId")).isEqualTo(first.get("visitorId"));
    assertThat(third.get("sessionId")).isNotEqualTo(second.get("sessionId"));
  }

  @Test
  void callsQueuedBeforeTheScriptLoadedRunOnceItDoes() {
    browser.get(siteOrigin() + "/stub");
    awaitTracker();
    awaitScript("return !!window.readyIds");

    assertThat(script("return window.readyIds")).isEqualTo(ids());
  }

  @Test
  void withoutDataSiteTheScriptDoesNothingAndThrowsNothing() {
    Mark mark = kafka.mark(TRACKING);

    browser.get(siteOrigin() + "/no-site");
    awaitScript("return !!(window.tributary && window.tributary.loaded)");

    assertThat(script("return tributary.enabled")).isEqualTo(false);
    assertThat(script("return tributary.identify('ada@example.com')")).isEqualTo(false);
    assertThat(script("return tributary.track()")).isEqualTo(false);
    assertThat(ids()).containsEntry("visitorId", null).containsEntry("metadata", Map.of());
    assertThat(script("return window.errors")).isEqualTo(List.of());
    assertThat(kafka.recordsAfter(mark, Duration.ofMillis(500))).isEmpty();
  }

  @Test
  void doNotTrackIsHonouredOnlyWhereTheSiteAsksForIt() {
    browser.get(siteOrigin() + "/dnt");
    awaitTracker();
    assertThat(script("return navigator.doNotTrack")).isEqualTo("1");

    browser.get(siteOrigin() + "/dnt-respected");
    awaitScript("return !!(window.tributary && window.tributary.loaded)");
    assertThat(script("return tributary.enabled")).isEqualTo(false);
  }

  @Test
  void aPageOnAnOriginTheSiteDoesNotAllowIsRefused() {
    long refusedBefore = refusedOrigins();
    Mark mark = kafka.mark(TRACKING);

    browser.get(foreignOrigin() + "/landing");
    awaitTracker();
    String foreignVisitor = (String) ids().get("visitorId");

    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (refusedOrigins() == refusedBefore && System.nanoTime() < deadline) {
      sleep(50);
    }
    assertThat(refusedOrigins()).isEqualTo(refusedBefore + 1);
    assertThat(values(kafka.recordsAfter(mark, Duration.ofMillis(500))))
        .noneSatisfy(
            record -> assertThat(record.path("visitorId").asText()).isEqualTo(foreignVisitor));
  }

  // --- the browser

  static void requireChromium() {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      fail(
          "TrackerBrowserIT needs Debian's Chromium and its driver at "
              + CHROMIUM
              + " and "
              + CHROMEDRIVER
              + ": apt-get update && apt-get install -y chromium chromium-driver"
              + " (.ci/run installs them)");
    }
  }

  static ChromeDriver startChromium(Path profile) {
    // The driver and the browser are named, so Selenium Manager never looks for (or downloads)
    // either: this machine has no network but the package registries.
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toString());
    options.addArguments(
        "--headless=new",
        "--no-sandbox", // root in a container
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--user-data-dir=" + profile,
        "--user-agent=" + DESKTOP_USER_AGENT);
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(15));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(5));
    return driver;
  }

  static Object script(String js) {
    return ((JavascriptExecutor) browser).executeScript(js);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> ids() {
    return (Map<String, Object>) script("return tributary.ids()");
  }

  static void awaitTracker() {
    awaitScript("return !!(window.tributary && window.tributary.loaded)");
    assertThat(script("return window.tributary.enabled")).isEqualTo(true);
  }

  static void awaitScript(String condition) {
    new WebDriverWait(browser, Duration.ofSeconds(5))
        .until(
            driver -> Boolean.TRUE.equals(((JavascriptExecutor) driver).executeScript(condition)));
  }

  static void reload() {
    browser.navigate().refresh();
    awaitTracker();
  }

  // --- the site's pages

  static String siteOrigin() {
    return "http://127.0.0.1:" + pages.getAddress().getPort();
  }

  static String foreignOrigin() {
    return "http://localhost:" + pages.getAddress().getPort();
  }

  /**
   * {@code /from.html?to=<url>}: a page of another site linking to {@code url}; {@code /stub}: the
   * site's page with the queue stub and a queued {@code ready} callback; {@code /no-site}: the
   * script without {@code data-site}; {@code /dnt}, {@code /dnt-respected}: a Do-Not-Track browser
   * without and with {@code data-respect-dnt}; any other path: the site's single-page app, whatever
   * the route (as an SPA server answers).
   */
  static void servePage(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String tracker =
        "<script async src=\"http://127.0.0.1:"
            + gateway.port()
            + "/t.js\" data-site=\""
            + SITE
            + "\"></script>";
    String html;
    if (path.equals("/favicon.ico")) {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
      return;
    } else if (path.equals("/from.html")) {
      String to = exchange.getRequestURI().getQuery().substring("to=".length());
      html =
          "<!doctype html><title>Newsletter</title><a id=\"go\" href=\""
              + to.replace("&", "&amp;")
              + "\">Shop</a>";
    } else if (path.equals("/stub")) {
      html =
          "<!doctype html><title>Shop</title><script>"
              + "window.tributary = window.tributary || {q: [],"
              + " identify(...a) { this.q.push(['identify', ...a]); },"
              + " track(...a) { this.q.push(['track', ...a]); },"
              + " ready(...a) { this.q.push(['ready', ...a]); }};"
              + "tributary.ready((ids) => { window.readyIds = ids; });"
              + "</script>"
              + tracker;
    } else if (path.equals("/no-site")) {
      html =
          "<!doctype html><title>Shop</title>"
              + "<script>window.errors = [];"
              + " addEventListener('error', (e) => errors.push(String(e.message)));</script>"
              + tracker.replace(" data-site=\"" + SITE + "\"", "");
    } else if (path.startsWith("/dnt")) {
      // A browser that sends Do Not Track; /dnt-respected opts in to honouring it.
      String attribute = path.equals("/dnt-respected") ? " data-respect-dnt" : "";
      html =
          "<!doctype html><title>Shop</title>"
              + "<script>Object.defineProperty(Navigator.prototype, 'doNotTrack',"
              + " {get: () => '1'});</script>"
              + tracker.replace("></script>", attribute + "></script>");
    } else {
      html =
          "<!doctype html><title>Shop</title>"
              + tracker
              + "<h1>Shop</h1><script>"
              + "window.navigateTo = (path) => history.pushState({}, '', path);"
              + "</script>";
    }
    byte[] body = html.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  // --- what reached Kafka and the gateway

  static List<JsonNode> values(List<ConsumerRecord<String, String>> records) {
    List<JsonNode> values = new ArrayList<>();
    for (ConsumerRecord<String, String> record : records) {
      try {
        JsonNode value = JSON.readTree(record.value());
        assertThat(record.key())
            .isEqualTo(value.path("siteId").asText() + ":" + value.path("visitorId").asText());
        values.add(value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return values;
  }

  static boolean isType(JsonNode record, String type) {
    return record.path("type").asText().equals(type);
  }

  static List<JsonNode> all(List<JsonNode> records, String type, String url) {
    return records.stream()
        .filter(r -> isType(r, type) && r.path("url").asText().equals(url))
        .toList();
  }

  static JsonNode single(List<JsonNode> records, String type, String url) {
    List<JsonNode> matching = all(records, type, url);
    assertThat(matching).as(type + " " + url + " in " + records).hasSize(1);
    return matching.get(0);
  }

  static long refusedOrigins() {
    Matcher matcher =
        Pattern.compile(
                "(?m)^tributary_gateway_rejected_total"
                    + "\\{provider=\"tracking\",reason=\"origin_not_allowed\"} (\\d+)$")
            .matcher(ops.get("/metrics").body());
    return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
  }

  static String sha256Hex(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
