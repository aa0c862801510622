package dev.tributary.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import dev.tributary.job.attribution.AttributedPayment;
import dev.tributary.job.attribution.Credits;
import dev.tributary.job.attribution.Resolution;
import dev.tributary.job.attribution.Touch;
import dev.tributary.job.ledger.LedgerEntry;
import dev.tributary.job.ledger.book.PaymentRow;
import dev.tributary.job.ops.WarehouseMigrations;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.sessions.Session;
import dev.tributary.job.warehouse.WarehouseSinks;
import java.io.File;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The live page in a real browser: headless Chromium (Debian's {@code chromium} and {@code
 * chromium-driver}, as {@code TrackerBrowserIT} in the gateway) against {@link LivePage} over an
 * embedded PostgreSQL with the warehouse migrations.
 *
 * <p>The rows are written as the job writes them: sessions and payment positions through the job's
 * own upserts ({@link WarehouseSinks}), the credits computed by the job's {@link Credits} and the
 * refund retractions by its {@link PaymentRow}, so the warehouse's trigger books the journal
 * (payments, a partial refund, a re-attribution). The test then reads what the page shows and
 * compares it with the SQL: totals by channel under two models, attribution quality, the latest
 * payments, one payment's credits per touch and model and its journal; a payment written while the
 * page is open appears without a reload. It saves {@code deploy/local/live-page.png} and {@code
 * deploy/local/live-payment.png}, the pictures in the READMEs.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LivePageIT {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final String SITE = "shop";
  static final Duration HALF_LIFE = Duration.ofDays(7);
  static final Duration WAIT = Duration.ofSeconds(30);

  /** Selenium warns that it knows no CDP version this new; the test uses WebDriver only. */
  static final Logger SELENIUM_DEVTOOLS = Logger.getLogger("org.openqa.selenium.devtools");

  static Path dir;
  static LocalPostgres postgres;
  static LivePage page;
  static ChromeDriver browser;
  static Instant now;
  static long t0;

  @BeforeAll
  static void start() throws Exception {
    t0 = System.nanoTime();
    requireChromium();
    SELENIUM_DEVTOOLS.setLevel(Level.SEVERE);
    dir = Files.createTempDirectory("tributary-live-");
    // The browser starts while PostgreSQL does.
    CompletableFuture<ChromeDriver> chromium =
        CompletableFuture.supplyAsync(() -> startChromium(dir.resolve("chromium")));
    try {
      postgres = LocalPostgres.start(dir.resolve("postgres"), 0);
      System.out.printf("[live] postgres up after %d ms%n", millisSince(t0));
      WarehouseMigrations.migrate(postgres.jdbcUrl(), postgres.user(), postgres.password());
      System.out.printf("[live] migrated after %d ms%n", millisSince(t0));
      now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      writeStory();
      page = LivePage.start(0, postgres::connect, SITE);
    } finally {
      browser = chromium.join();
    }
    System.out.printf("[live] everything up after %d ms%n", millisSince(t0));
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (page != null) {
      page.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
    System.out.printf("[live] done in %d ms%n", millisSince(t0));
  }

  // ---------------------------------------------------------------------------------------------
  // The story: three visitors' journeys, five live payments in three currencies (one refunded in
  // part, one re-attributed), one test-mode payment.

  static Touch ana1;
  static Touch ana2;
  static Touch ana3;
  static Touch ben1;
  static Touch ben2;
  static Touch cy1;
  static Touch dee1;

  static void writeStory() throws Exception {
    ana1 = session("v_ana", "s_ana_1", hoursAgo(46), "Organic Search", "google", "organic", null);
    ana2 = session("v_ana", "s_ana_2", hoursAgo(20), "Paid Search", "google", "cpc", "spring_sale");
    ana3 = session("v_ana", "s_ana_3", hoursAgo(3), "Email", "newsletter", "email", "weekly");
    ben1 =
        session(
            "v_ben", "s_ben_1", hoursAgo(30), "Paid Social", "facebook", "paid_social", "launch");
    ben2 = session("v_ben", "s_ben_2", hoursAgo(2), "Direct", null, null, null);
    cy1 = session("v_cy", "s_cy_1", hoursAgo(10), "Referral", "news.example", "referral", null);
    dee1 = session("v_dee", "s_dee_1", minutesAgo(70), "Direct", null, null, null);

    // Ana: three touches, 149.00 USD; 49.00 refunded 40 minutes ago.
    PaymentEvent ana =
        payment("stripe", "pi_ana", 14_900, "USD", 2, minutesAgo(170), "v_ana", "metadata");
    write(position(ana, Resolution.linked("metadata", "test"), 0, 0, 0, ana1, ana2, ana3));
    write(
        position(
            ana,
            Resolution.linked("metadata", "test"),
            4_900,
            minutesAgo(40).toEpochMilli(),
            0,
            ana1,
            ana2,
            ana3));
    refund("stripe", "pi_ana", "re_ana_1", 4_900, "USD", 2, minutesAgo(40));

    // Ben: first guessed by time (Cy was the only visitor around), 30 minutes ago his verified
    // email moved the credit to his own journey.
    PaymentEvent ben =
        payment("stripe", "pi_ben", 2_550, "USD", 2, minutesAgo(110), "v_cy", "timestamp");
    write(position(ben, Resolution.linked("timestamp", "test"), 0, 0, 0, cy1));
    PaymentEvent benByEmail =
        payment("stripe", "pi_ben", 2_550, "USD", 2, minutesAgo(110), "v_ben", "email");
    write(
        position(
            benByEmail,
            Resolution.linked("email", "test"),
            0,
            0,
            minutesAgo(30).toEpochMilli(),
            ben1,
            ben2));

    // Cy: thousands separators.
    write(
        position(
            payment("paddle", "txn_cy", 123_456, "USD", 2, hoursAgo(9), "v_cy", "metadata"),
            Resolution.linked("metadata", "test"),
            0,
            0,
            0,
            cy1));
    // Nobody: 1500 JPY (exponent 0), unattributed.
    write(
        position(
            payment("razorpay", "pay_jpy", 1_500, "JPY", 0, hoursAgo(5), null, null),
            Resolution.unattributed("no visitor id, session, customer, email or visitor nearby"),
            0,
            0,
            0));
    // Dee: 12.345 KWD (exponent 3).
    write(
        position(
            payment("api", "ord_kwd", 12_345, "KWD", 3, minutesAgo(60), "v_dee", "metadata"),
            Resolution.linked("metadata", "test"),
            0,
            0,
            0,
            dee1));
    // Test mode: never on the live overview.
    PaymentEvent test =
        new PaymentEvent(
            SITE,
            "stripe",
            "pi_test",
            "evt_test",
            "payment_intent.succeeded",
            1_000,
            "USD",
            2,
            minutesAgo(20).toEpochMilli(),
            minutesAgo(20).toEpochMilli(),
            "v_dee",
            null,
            null,
            null,
            null,
            false,
            false,
            null,
            "metadata",
            null);
    write(position(test, Resolution.linked("metadata", "test"), 0, 0, 0, dee1));

    // A day of ordinary traffic around them, so that the charts have something to show.
    String[][] channels = {
      {"Paid Search", "google", "cpc", "brand"},
      {"Organic Search", "google", "organic", null},
      {"Email", "newsletter", "email", "weekly"},
      {"Paid Social", "facebook", "paid_social", "launch"},
      {"Direct", null, null, null},
      {"Referral", "news.example", "referral", null},
    };
    long[] amounts = {2_900, 4_900, 9_900, 1_990, 14_900, 3_900, 4_900};
    String[] links = {"metadata", "metadata", "email", "metadata", "customer", "timestamp"};
    for (int i = 0; i < 10; i++) {
      String visitor = "v_" + (char) ('f' + i);
      Instant paid = minutesAgo(25 + i * 53);
      String[] first = channels[i % channels.length];
      List<Touch> journey = new ArrayList<>();
      journey.add(
          session(
              visitor,
              "s_" + visitor + "_1",
              paid.minus(Duration.ofHours(6 + i)),
              first[0],
              first[1],
              first[2],
              first[3]));
      if (i % 2 == 0) {
        String[] second = channels[(i + 2) % channels.length];
        journey.add(
            session(
                visitor,
                "s_" + visitor + "_2",
                paid.minus(Duration.ofMinutes(20)),
                second[0],
                second[1],
                second[2],
                second[3]));
      }
      String link = links[i % links.length];
      write(
          position(
              payment(
                  "stripe",
                  "pi_" + visitor,
                  amounts[i % amounts.length],
                  "USD",
                  2,
                  paid,
                  visitor,
                  link),
              Resolution.linked(link, "test"),
              0,
              0,
              0,
              journey.toArray(Touch[]::new)));
    }
  }

  static Instant hoursAgo(int h) {
    return now.minus(Duration.ofHours(h));
  }

  static Instant minutesAgo(int m) {
    return now.minus(Duration.ofMinutes(m));
  }

  static Touch session(
      String visitor,
      String sessionId,
      Instant started,
      String channel,
      String source,
      String medium,
      String campaign)
      throws SQLException {
    Session s =
        new Session(
            SITE,
            visitor,
            sessionId,
            started.toEpochMilli(),
            started.plus(Duration.ofMinutes(6)).toEpochMilli(),
            3,
            channel,
            source,
            medium,
            campaign,
            null,
            null,
            source == null ? null : "https://" + source + "/",
            source,
            "https://www.demo-shop.test/" + (campaign == null ? "" : "?utm_campaign=" + campaign));
    try (Connection c = postgres.connect();
        PreparedStatement st = c.prepareStatement(WarehouseSinks.UPSERT_SESSION)) {
      WarehouseSinks.bindSession(st, s);
      st.executeUpdate();
    }
    return Touch.of(s);
  }

  static PaymentEvent payment(
      String provider,
      String key,
      long minor,
      String currency,
      int exponent,
      Instant at,
      String visitor,
      String linkMethod) {
    return new PaymentEvent(
        SITE,
        provider,
        key,
        "evt_" + key,
        "payment",
        minor,
        currency,
        exponent,
        at.toEpochMilli(),
        at.toEpochMilli() + 800,
        visitor,
        null,
        visitor == null ? null : "cus_" + visitor,
        null,
        null,
        false,
        true,
        null,
        linkMethod,
        null);
  }

  /**
   * The position the job's ledger would write: the job's credits under every model (booked at
   * {@code creditedAt} when it is a re-attribution, else at the payment) and the refunded total.
   */
  static PaymentRow position(
      PaymentEvent p,
      Resolution resolution,
      long refunded,
      long refundedAt,
      long creditedAt,
      Touch... journey) {
    List<LedgerEntry> credits = Credits.of(p, List.of(journey), HALF_LIFE);
    if (creditedAt != 0) {
      credits = credits.stream().map(e -> e.bookedAt(creditedAt)).toList();
    }
    return new PaymentRow(
        new AttributedPayment(p, resolution, credits, journey.length), refunded, false, refundedAt);
  }

  static void write(PaymentRow row) throws SQLException {
    try (Connection c = postgres.connect();
        PreparedStatement st = c.prepareStatement(WarehouseSinks.UPSERT_PAYMENT)) {
      WarehouseSinks.bindPayment(st, row);
      st.executeUpdate();
    }
  }

  static void refund(
      String provider,
      String key,
      String refundKey,
      long minor,
      String currency,
      int exp,
      Instant at)
      throws SQLException {
    try (Connection c = postgres.connect();
        PreparedStatement st =
            c.prepareStatement(
                "INSERT INTO refunds (site_id, provider, payment_key, refund_key, event_id,"
                    + " event_type, kind, amount_minor, cumulative, full_refund, currency,"
                    + " currency_exponent, occurred_at, received_at, livemode)"
                    + " VALUES (?, ?, ?, ?, ?, 'refund.created', 'refund', ?, false, false, ?, ?,"
                    + " ?, ?, true)")) {
      st.setString(1, SITE);
      st.setString(2, provider);
      st.setString(3, key);
      st.setString(4, refundKey);
      st.setString(5, "evt_" + refundKey);
      st.setLong(6, minor);
      st.setString(7, currency);
      st.setShort(8, (short) exp);
      st.setTimestamp(9, java.sql.Timestamp.from(at));
      st.setTimestamp(10, java.sql.Timestamp.from(at));
      st.executeUpdate();
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void theLivePageShowsWhatTheWarehouseHolds() throws Exception {
    long start = System.nanoTime();
    browser.get(base() + "/?site=" + SITE);
    awaitScript("return document.body.dataset.model === 'last_touch'");

    // Defaults: live mode, the currency with the most payments (USD), last touch.
    assertThat(new Select(browser.findElement(By.id("mode"))).getFirstSelectedOption().getText())
        .startsWith("live");
    assertThat(browser.findElement(By.id("currency")).getDomProperty("value")).isEqualTo("USD");

    // The totals: net of every USD payment (the same under every model).
    Map<String, Object> totals =
        one(
            "SELECT sum(net_minor) AS net, sum(amount_minor) AS gross, sum(refunded_minor) AS"
                + " refunds, count(*) AS n FROM payments"
                + " WHERE site_id = 'shop' AND livemode AND currency = 'USD'");
    assertThat(text("kpi-net")).contains(money(totals.get("net"), 2) + " USD");
    assertThat(text("kpi-gross")).contains(money(totals.get("gross"), 2) + " USD");
    assertThat(text("kpi-refunds")).contains(money(totals.get("refunds"), 2) + " USD");

    // Revenue by channel under last touch, then linear: the table equals the view, row by row,
    // and so do the bar chart and the over-time chart's sum per channel.
    for (String model : List.of("last_touch", "linear")) {
      if (!model.equals("last_touch")) {
        new Select(browser.findElement(By.id("model"))).selectByValue(model);
        awaitScript(
            "return document.querySelector('#by-channel').dataset.model === '" + model + "'");
        assertThat(browser.getCurrentUrl()).contains("model=" + model);
      }
      List<List<String>> expected = new ArrayList<>();
      Map<String, Double> expectedNet = new LinkedHashMap<>();
      for (Map<String, Object> r :
          query(
              "SELECT channel, payments, gross_minor, refunds_minor, net_minor, currency_exponent"
                  + " FROM revenue_by_channel WHERE site_id = 'shop' AND livemode"
                  + " AND currency = 'USD' AND model = ?"
                  + " ORDER BY net_minor DESC, channel, currency_exponent",
              model)) {
        int exp = ((Number) r.get("currency_exponent")).intValue();
        expected.add(
            List.of(
                (String) r.get("channel"),
                String.valueOf(r.get("payments")),
                money(r.get("gross_minor"), exp),
                money(r.get("refunds_minor"), exp),
                money(r.get("net_minor"), exp)));
        expectedNet.put(
            (String) r.get("channel"),
            new BigDecimal(r.get("net_minor").toString()).movePointLeft(exp).doubleValue());
      }
      assertThat(tableRows("by-channel")).as("revenue by channel, %s", model).isEqualTo(expected);
      assertThat(expected).hasSizeGreaterThanOrEqualTo(3);

      Map<String, Double> bars = chartBarsByCategory("chart-by-channel");
      assertThat(bars.keySet()).containsExactlyInAnyOrderElementsOf(expectedNet.keySet());
      expectedNet.forEach(
          (channel, net) -> assertThat(bars.get(channel)).as(channel).isCloseTo(net, within(1e-6)));
      Map<String, Double> overTime = chartSeriesSums("chart-over-time");
      expectedNet.forEach(
          (channel, net) ->
              assertThat(overTime.getOrDefault(channel, 0.0))
                  .as("over time, %s, %s", model, channel)
                  .isCloseTo(net, within(1e-6)));
    }

    // Attribution quality (USD): the view's rows.
    List<List<String>> quality = new ArrayList<>();
    for (Map<String, Object> r :
        query(
            "SELECT method, confidence, payments, share_of_payments, net_minor, currency_exponent"
                + " FROM attribution_quality WHERE site_id = 'shop' AND livemode"
                + " AND currency = 'USD' ORDER BY payments DESC, net_minor DESC, method,"
                + " confidence")) {
      quality.add(
          List.of(
              (String) r.get("method"),
              (String) r.get("confidence"),
              String.valueOf(r.get("payments")),
              String.format(
                  Locale.ROOT,
                  "%.1f %%",
                  ((BigDecimal) r.get("share_of_payments")).doubleValue() * 100),
              money(r.get("net_minor"), ((Number) r.get("currency_exponent")).intValue())));
    }
    assertThat(tableRows("quality")).isEqualTo(quality);
    assertThat(quality)
        .extracting(r -> r.get(0))
        .containsExactlyInAnyOrder("metadata", "email", "customer", "timestamp");

    // The latest payments, newest first, every currency, with method, confidence and reason.
    List<List<String>> latest = new ArrayList<>();
    for (Map<String, Object> r :
        query(
            "SELECT provider, payment_key, amount_minor, currency, currency_exponent, method,"
                + " confidence, reason FROM payments WHERE site_id = 'shop' AND livemode"
                + " ORDER BY occurred_at DESC, provider, payment_key")) {
      latest.add(
          List.of(
              r.get("provider") + " · " + r.get("payment_key"),
              money(r.get("amount_minor"), ((Number) r.get("currency_exponent")).intValue())
                  + " "
                  + r.get("currency"),
              (String) r.get("method"),
              (String) r.get("confidence"),
              (String) r.get("reason")));
    }
    List<List<String>> shown =
        tableRows("latest").stream()
            .map(r -> List.of(r.get(1), r.get(2), r.get(4), r.get(5), r.get(7)))
            .toList();
    assertThat(shown).isEqualTo(latest);
    assertThat(shown)
        .extracting(r -> r.get(1))
        .contains("12.345 KWD", "1,500 JPY", "1,234.56 USD", "25.50 USD");

    // Back to last touch for the picture.
    new Select(browser.findElement(By.id("model"))).selectByValue("last_touch");
    awaitScript("return document.querySelector('#by-channel').dataset.model === 'last_touch'");
    screenshot(Path.of("live-page.png"));

    // Ana's payment, from its link: every touch under every model, as payments.credits holds it.
    browser.findElement(By.cssSelector("#latest tr[data-key='pi_ana'] a.payment-link")).click();
    awaitScript("return document.body.dataset.payment === 'stripe:pi_ana'");
    assertThat(browser.getCurrentUrl()).contains("/payment?").contains("key=pi_ana");
    assertThat(text("fact-method")).isEqualTo("metadata");
    assertThat(text("fact-confidence")).isEqualTo("high");
    assertThat(text("fact-reason"))
        .isEqualTo(one("SELECT reason FROM payments WHERE payment_key = 'pi_ana'").get("reason"));
    assertThat(text("fact-refunded")).isEqualTo("49.00 USD");
    assertCreditsEqualThePosition("stripe", "pi_ana");
    assertThat(browser.findElements(By.cssSelector("#credits tbody tr"))).hasSize(3);
    assertThat(
            browser.findElements(By.cssSelector("#credits tfoot th[data-model]")).stream()
                .map(WebElement::getText)
                .distinct()
                .toList())
        .containsExactly("100.00");
    assertJournalEqualsTheLedger("stripe", "pi_ana");
    assertThat(eventTypes()).containsExactly("payment", "refund");
    screenshot(Path.of("live-payment.png"));

    // Ben's: booked on Cy's referral, re-attributed to his own two touches.
    browser.get(base() + "/payment?site=shop&provider=stripe&key=pi_ben");
    awaitScript("return document.body.dataset.payment === 'stripe:pi_ben'");
    assertCreditsEqualThePosition("stripe", "pi_ben");
    assertJournalEqualsTheLedger("stripe", "pi_ben");
    assertThat(eventTypes()).containsExactly("payment", "correction");
    assertThat(browser.findElement(By.cssSelector("#events tr[data-type='correction']")).getText())
        .contains("from Referral")
        .contains("Paid Social")
        .contains("Direct");
    assertThat(text("fact-method")).isEqualTo("email");

    // It refreshes by itself: a payment written now shows up on the open overview.
    browser.get(base() + "/?site=shop");
    awaitScript("return document.querySelector('#latest tr[data-key]') !== null");
    Touch late = session("v_eve", "s_eve_1", minutesAgo(1), "Email", "newsletter", "email", "late");
    write(
        position(
            payment("stripe", "pi_eve", 990, "USD", 2, Instant.now(), "v_eve", "metadata"),
            Resolution.linked("metadata", "test"),
            0,
            0,
            0,
            late));
    awaitScript("return document.querySelector(\"#latest tr[data-key='pi_eve']\") !== null");
    System.out.printf("[live] browser checks took %d ms%n", millisSince(start));
  }

  @Test
  void itReadsInReadOnlyTransactions() {
    assertThatThrownBy(
            () ->
                LivePage.read(
                    postgres::connect,
                    c -> c.createStatement().executeUpdate("DELETE FROM payments")))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("read-only transaction");
  }

  /** Every cell of the credits table against {@code payments.credits}: credit less refunded. */
  static void assertCreditsEqualThePosition(String provider, String key) throws SQLException {
    Map<String, String> expected = new LinkedHashMap<>();
    for (Map<String, Object> r :
        query(
            "SELECT c.session_id, c.model, c.credit_minor - c.refunded_minor AS net"
                + " FROM payments p CROSS JOIN jsonb_to_recordset(p.credits)"
                + " AS c(session_id text, model text, credit_minor bigint, refunded_minor bigint)"
                + " WHERE p.site_id = 'shop' AND p.provider = ? AND p.payment_key = ?",
            provider,
            key)) {
      expected.put(r.get("session_id") + "|" + r.get("model"), money(r.get("net"), 2));
    }
    // Each cell: the net first, then (when refunded) "credit − refunded" on its own line.
    @SuppressWarnings("unchecked")
    Map<String, String> shown =
        new LinkedHashMap<>(
            (Map<String, String>)
                script(
                    "const out = {}; document.querySelectorAll('#credits tbody tr').forEach(r =>"
                        + " r.querySelectorAll('td[data-model]').forEach(c => {"
                        + " if (c.dataset.minor !== '0') out[r.dataset.session + '|' +"
                        + " c.dataset.model] = c.innerText.trim().split('\\n')[0]; }));"
                        + " return out;"));
    assertThat(shown).as("credits of %s", key).isEqualTo(expected);
    assertThat(expected).isNotEmpty();
  }

  /** The full journal table (inside a closed details element) against revenue_ledger. */
  static void assertJournalEqualsTheLedger(String provider, String key) throws SQLException {
    List<String> expected = new ArrayList<>();
    for (Map<String, Object> r :
        query(
            "SELECT to_char(booked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS at,"
                + " entry_type, model, channel, amount_minor FROM revenue_ledger"
                + " WHERE site_id = 'shop' AND provider = ? AND payment_key = ?",
            provider,
            key)) {
      expected.add(
          String.join(
              " | ",
              (String) r.get("at"),
              (String) r.get("entry_type"),
              (String) r.get("model"),
              (String) r.get("channel"),
              money(r.get("amount_minor"), 2) + " USD"));
    }
    @SuppressWarnings("unchecked")
    List<String> shown =
        (List<String>)
            script(
                "return [...document.querySelectorAll('#journal tbody tr')].map(r =>"
                    + " [r.cells[0].textContent, r.dataset.type, r.dataset.model,"
                    + " r.cells[3].textContent, r.cells[5].textContent].join(' | '))");
    assertThat(shown).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(text("journal-count")).isEqualTo(String.valueOf(expected.size()));
  }

  @SuppressWarnings("unchecked")
  static List<String> eventTypes() {
    return (List<String>)
        script(
            "return [...document.querySelectorAll('#events tbody tr')].map(r => r.dataset.type)");
  }

  // ---------------------------------------------------------------------------------------------

  /** {@code minor} with {@code exponent} decimals and thousands separators, exactly. */
  static String money(Object minor, int exponent) {
    BigDecimal v = new BigDecimal(minor.toString()).movePointLeft(exponent);
    return String.format(Locale.ROOT, "%,." + exponent + "f", v);
  }

  static List<Map<String, Object>> query(String sql, Object... params) throws SQLException {
    try (Connection c = postgres.connect()) {
      return LiveQueries.rows(c, sql, params);
    }
  }

  static Map<String, Object> one(String sql, Object... params) throws SQLException {
    List<Map<String, Object>> rows = query(sql, params);
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  static String base() {
    return "http://127.0.0.1:" + page.port();
  }

  static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  /**
   * The body rows of a table, each as its cells' rendered text (innerText: what WebElement.getText
   * reads, in one round trip instead of one per cell).
   */
  @SuppressWarnings("unchecked")
  static List<List<String>> tableRows(String id) {
    return (List<List<String>>)
        script(
            "return [...document.querySelectorAll('#"
                + id
                + " tbody tr')].map(r => [...r.cells].map(c => c.innerText.trim()))");
  }

  /** A bar chart's values by category (ECharts' own option, as drawn). */
  @SuppressWarnings("unchecked")
  static Map<String, Double> chartBarsByCategory(String id) {
    Map<String, Object> pairs =
        (Map<String, Object>)
            script(
                "const o = echarts.getInstanceByDom(document.getElementById('"
                    + id
                    + "')).getOption(); const out = {};"
                    + " o.yAxis[0].data.forEach((c, i) => { const d = o.series[0].data[i];"
                    + " out[c] = typeof d === 'object' ? d.value : d; }); return out;");
    Map<String, Double> out = new LinkedHashMap<>();
    pairs.forEach((k, v) -> out.put(k, ((Number) v).doubleValue()));
    return out;
  }

  /** A stacked chart's sum per series (channel) over all buckets. */
  @SuppressWarnings("unchecked")
  static Map<String, Double> chartSeriesSums(String id) {
    Map<String, Object> sums =
        (Map<String, Object>)
            script(
                "const o = echarts.getInstanceByDom(document.getElementById('"
                    + id
                    + "')).getOption(); const out = {};"
                    + " o.series.forEach(s => { out[s.name] = s.data.reduce((a, d) => a + d[1],"
                    + " 0); }); return out;");
    Map<String, Double> out = new LinkedHashMap<>();
    sums.forEach((k, v) -> out.put(k, ((Number) v).doubleValue()));
    return out;
  }

  static Object script(String js) {
    return ((JavascriptExecutor) browser).executeScript(js);
  }

  static void awaitScript(String js) {
    new WebDriverWait(browser, WAIT)
        .pollingEvery(Duration.ofMillis(100))
        .withMessage(() -> js + " (status: " + status() + ")")
        .until(d -> Boolean.TRUE.equals(script(js)));
  }

  static String status() {
    try {
      return browser.findElement(By.id("status")).getText();
    } catch (RuntimeException e) {
      return e.toString();
    }
  }

  /** The whole page (the window made as tall as the page), in the module directory. */
  static void screenshot(Path file) throws Exception {
    // The window's height includes what is not page (in headless Chromium too): add it.
    Object height =
        script(
            "return document.documentElement.scrollHeight"
                + " + (window.outerHeight - window.innerHeight)");
    browser.manage().window().setSize(new Dimension(1400, ((Number) height).intValue()));
    // The charts follow the window: wait until they have drawn at the new size.
    script("window.dispatchEvent(new Event('resize'))");
    awaitScript("return document.readyState === 'complete'");
    Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
    browser.manage().window().setSize(new Dimension(1400, 1000));
    System.out.printf("[live] screenshot %s%n", file.toAbsolutePath());
  }

  static void requireChromium() {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      fail(
          "LivePageIT needs Debian's Chromium and its driver at "
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
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--lang=en-US",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile);
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    return driver;
  }

  static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
