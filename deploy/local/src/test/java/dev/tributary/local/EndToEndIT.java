package dev.tributary.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tributary.job.attribution.Model;
import dev.tributary.local.GatewayClient.Pageview;
import dev.tributary.local.StripeEvents.Payment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole stack in this JVM, as {@code run.sh} starts it ({@link LocalStack}: Kafka broker,
 * PostgreSQL with the migrations, the Flink job in a MiniCluster, the gateway), on free ports and a
 * temporary data directory. The test talks to it only from the outside: signed Stripe webhooks and
 * tracker pageviews over HTTP, and SQL against the warehouse, polled until the rows are there.
 *
 * <p>Prints the stack's start-up time and the latency from each webhook POST until its payment row
 * is visible in PostgreSQL.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class EndToEndIT {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  /** A second site that never receives tracking traffic: its payments cannot match any visitor. */
  private static final String QUIET_SITE = "quiet";

  /** A site with an endpoint for every provider. */
  private static final String ALL_SITE = "all";

  /** A Shopify store whose orders never name a visitor: only their landing pages tell. */
  private static final String SHOP_SITE = "shop";

  private static LocalStack.Site allSite;
  private static LocalStack.Site shopSite;

  @TempDir static Path dataDir;

  private static LocalStack stack;
  private static GatewayClient gateway;
  private static StripeSigner demoSigner;
  private static StripeSigner quietSigner;
  private static String demoApiKey;
  private static String quietApiKey;
  private static final Map<String, Long> latencies = new LinkedHashMap<>();

  @BeforeAll
  static void startStack() throws Exception {
    LocalStack.Site demo = DemoSite.generate();
    LocalStack.Site quiet =
        new LocalStack.Site(
            QUIET_SITE, "whsec_" + StripeEvents.randomId(32), "tk_q_" + StripeEvents.randomId(32));
    LocalStack.Settings settings =
        new LocalStack.Settings(
            dataDir,
            0,
            0,
            0,
            0,
            3,
            true,
            false,
            false, // a failing job fails the test instead of restarting forever
            2,
            Duration.ofSeconds(5),
            List.of(demo, quiet, allSite(), shopSite()),
            RunnerOptions.LOCAL_JOB_DEFAULTS);
    stack =
        LocalStack.start(
            settings,
            (component, millis, detail) ->
                System.out.printf(
                    "[e2e] %-10s started in %5d ms  %s%n", component, millis, detail));
    System.out.printf(
        "[e2e] stack start-up: %d ms (%s)%n",
        stack.startupMillis(),
        String.join(
            ", ", stack.timings().stream().map(t -> t.component() + " " + t.millis()).toList()));
    gateway = new GatewayClient(stack.gatewayUrl());
    demoSigner = new StripeSigner(demo.stripeSecret());
    demoApiKey = demo.apiKey();
    quietSigner = new StripeSigner(quiet.stripeSecret());
    quietApiKey = quiet.apiKey();
  }

  private static LocalStack.Site allSite() {
    allSite =
        site(
            ALL_SITE,
            Map.of(
                "lemonsqueezy", "ls_" + StripeEvents.randomId(20),
                "paddle", "pdl_ntfset_" + StripeEvents.randomId(20),
                "razorpay", "rzp_" + StripeEvents.randomId(20),
                "dodo",
                    "whsec_"
                        + java.util.Base64.getEncoder()
                            .encodeToString(
                                StripeEvents.randomId(24).getBytes(StandardCharsets.US_ASCII)),
                "polar", "polar_whs_" + StripeEvents.randomId(20),
                "gumroad", StripeEvents.randomId(32),
                "paystack", "sk_test_" + StripeEvents.randomId(32),
                "creem", "whsec_" + StripeEvents.randomId(24),
                "shopify", "shpss_" + StripeEvents.randomId(24),
                "woocommerce", "wc_" + StripeEvents.randomId(24)));
    return allSite;
  }

  private static LocalStack.Site shopSite() {
    shopSite = site(SHOP_SITE, Map.of("shopify", "shpss_" + StripeEvents.randomId(24)));
    return shopSite;
  }

  /** A site with fresh Stripe and API secrets and the given providers' webhook secrets. */
  private static LocalStack.Site site(String id, Map<String, String> webhookSecrets) {
    return new LocalStack.Site(
        id,
        "whsec_" + StripeEvents.randomId(32),
        "tk_" + id + "_" + StripeEvents.randomId(32),
        webhookSecrets);
  }

  @AfterAll
  static void stopStack() {
    if (!latencies.isEmpty()) {
      System.out.printf("[e2e] webhook POST -> payments row visible: %s%n", latencies);
      System.out.printf(
          "[e2e] latency min %d ms, max %d ms%n",
          latencies.values().stream().mapToLong(Long::longValue).min().orElse(0),
          latencies.values().stream().mapToLong(Long::longValue).max().orElse(0));
    }
    if (stack != null) {
      long start = System.nanoTime();
      stack.close();
      System.out.printf("[e2e] stack stopped in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }
  }

  @Test
  void paymentLinkedByMetadataIsCreditedToTheUtmSessionsChannel() throws Exception {
    String visitor = "v_e2e_" + StripeEvents.randomId(10);
    String session = "s_e2e_" + StripeEvents.randomId(10);
    String url =
        "https://www.demo-shop.test/pricing?utm_source=newsletter&utm_medium=email"
            + "&utm_campaign=e2e_launch";
    pageview(visitor, session, url, null);
    pageview(visitor, session, "https://www.demo-shop.test/checkout", url);

    Payment payment =
        Payment.create(4_900, "eur", "cus_e2e1", null, visitor, session, Instant.now());
    String body = StripeEvents.checkoutSessionCompleted(StripeEvents.newEventId(), payment);
    long posted = postWebhook(body, demoSigner, "demo");

    Map<String, Object> row = awaitPayment("demo", payment.paymentIntentId(), posted, "linked");
    assertThat(row)
        .containsEntry("method", "metadata")
        .containsEntry("confidence", "high")
        .containsEntry("amount_minor", 4_900L)
        .containsEntry("currency", "EUR")
        .containsEntry("visitor_id", visitor)
        .containsEntry("session_id", session);

    Map<String, Object> sessionRow =
        await(
            "session " + session,
            () ->
                queryOne(
                    "SELECT * FROM sessions WHERE site_id = 'demo' AND session_id = ?", session));
    assertThat(sessionRow)
        .containsEntry("source", "newsletter")
        .containsEntry("medium", "email")
        .containsEntry("campaign", "e2e_launch");
    String channel = (String) sessionRow.get("channel");
    assertThat(channel).isNotBlank();

    List<Map<String, Object>> ledger = awaitLedger("demo", payment.paymentIntentId(), 4_900);
    assertThat(ledger)
        .allSatisfy(
            entry -> {
              assertThat(entry.get("channel")).isEqualTo(channel);
              assertThat(entry.get("session_id")).isEqualTo(session);
              assertThat(entry.get("currency")).isEqualTo("EUR");
              assertThat(entry.get("entry_type")).isEqualTo("payment");
            });
    System.out.printf("[e2e] linked payment credited to channel '%s'%n", channel);
  }

  @Test
  void theSameWebhookDeliveredThreeTimesCountsOnce() throws Exception {
    String visitor = "v_e2e_" + StripeEvents.randomId(10);
    String session = "s_e2e_" + StripeEvents.randomId(10);
    pageview(
        visitor,
        session,
        "https://www.demo-shop.test/?utm_source=google&utm_medium=cpc&gclid=e2e"
            + StripeEvents.randomId(12),
        "https://www.google.com/");

    Payment payment =
        Payment.create(12_345, "usd", "cus_e2e2", null, visitor, session, Instant.now());
    String body = StripeEvents.paymentIntentSucceeded(StripeEvents.newEventId(), payment);
    long first = postWebhook(body, demoSigner, "demo");
    postWebhook(body, demoSigner, "demo");
    postWebhook(body, demoSigner, "demo");
    awaitPayment("demo", payment.paymentIntentId(), first, "3x delivered");

    // A later payment on the same site passes the same operators after the duplicates; once it is
    // in the warehouse, the duplicates have had every chance to show up too.
    Payment marker = Payment.create(100, "usd", "cus_e2e3", null, visitor, session, Instant.now());
    long markerPosted =
        postWebhook(
            StripeEvents.paymentIntentSucceeded(StripeEvents.newEventId(), marker),
            demoSigner,
            "demo");
    awaitPayment("demo", marker.paymentIntentId(), markerPosted, "marker");
    awaitLedger("demo", marker.paymentIntentId(), 100);

    assertThat(
            count(
                "SELECT count(*) FROM payments WHERE site_id = 'demo' AND payment_key = ?",
                payment.paymentIntentId()))
        .isEqualTo(1);
    List<Map<String, Object>> ledger = awaitLedger("demo", payment.paymentIntentId(), 12_345);
    // One credit per model: the payment counted once in every model.
    Map<Object, Long> perModel = new LinkedHashMap<>();
    for (Map<String, Object> entry : ledger) {
      perModel.merge(entry.get("model"), (Long) entry.get("amount_minor"), Long::sum);
    }
    assertThat(perModel)
        .isNotEmpty()
        .allSatisfy((model, sum) -> assertThat(sum).isEqualTo(12_345L));
  }

  @Test
  void aPaymentWithoutAnyLinkIsBookedUnattributed() throws Exception {
    Payment payment = Payment.create(2_500, "eur", null, null, null, null, Instant.now());
    String body = StripeEvents.checkoutSessionCompleted(StripeEvents.newEventId(), payment);
    long posted = postWebhook(body, quietSigner, QUIET_SITE);

    Map<String, Object> row =
        awaitPayment(QUIET_SITE, payment.paymentIntentId(), posted, "unlinked");
    assertThat(row)
        .containsEntry("method", "unattributed")
        .containsEntry("amount_minor", 2_500L)
        .containsEntry("visitor_id", null);
    List<Map<String, Object>> ledger = awaitLedger(QUIET_SITE, payment.paymentIntentId(), 2_500);
    assertThat(ledger).allSatisfy(entry -> assertThat(entry.get("visitor_id")).isNull());
  }

  /**
   * The two setup guides merchants follow, as written with this gateway's host, site and key:
   * PostMetric's Stripe Checkout metadata (naming only the session here, "visitorId or sessionId"),
   * its {@code POST /api/v1/payment} example for a PaymentIntent whose webhook also arrives, and
   * Metrivo's checkout tagging ({@code metadata = getAttributionMetadata()}, {@code
   * client_reference_id} the session).
   */
  @Test
  void theSetupGuidesExamplesGiveTheAttributionTheyPromise() throws Exception {
    String id = StripeEvents.randomId(10);
    String url = "https://www.demo-shop.test/?utm_source=newsletter&utm_medium=email";

    // PostMetric, Stripe Checkout: metadata {websiteId, visitorId, sessionId}; only the session
    pageview("v_pm_" + id, "s_pm_" + id, url, null);
    String checkout =
        """
        {"id":"cs_pm_%1$s","object":"checkout.session","payment_status":"paid","amount_total":1000,
         "currency":"usd","payment_intent":"pi_pm_%1$s","mode":"payment",
         "metadata":{"websiteId":"demo","sessionId":"s_pm_%1$s"}}"""
            .formatted(id);
    long posted =
        postWebhook(
            stripeEvent(StripeEvents.newEventId(), "checkout.session.completed", checkout),
            demoSigner,
            "demo");
    assertThat(awaitPayment("demo", "pi_pm_" + id, posted, "guide: session metadata"))
        .containsEntry("visitor_id", "v_pm_" + id)
        .containsEntry("method", "metadata")
        .containsEntry("confidence", "high");

    // PostMetric, Payment API, the curl example's body on the singular path, for a Stripe
    // PaymentIntent whose own webhook also arrives: one payment, counted once
    pageview("v_api_" + id, "s_api_" + id, url, null);
    String example =
        """
        {
            "provider": "stripe",
            "providerPaymentId": "pi_api_%1$s",
            "amount": 99.99,
            "currency": "USD",
            "visitorId": "v_api_%1$s",
            "sessionId": "s_api_%1$s",
            "customerEmail": "customer@example.com"
          }"""
            .formatted(id);
    GatewayClient.Response api =
        gateway.webhook(
            "/api/v1/payment",
            "application/json",
            Map.of("Authorization", "Bearer " + demoApiKey),
            example);
    assertThat(api.status()).as(api.body()).isEqualTo(202);
    String intent =
        """
        {"id":"pi_api_%s","object":"payment_intent","amount":9999,"amount_received":9999,
         "currency":"usd","metadata":{}}"""
            .formatted(id);
    posted =
        postWebhook(
            stripeEvent(StripeEvents.newEventId(), "payment_intent.succeeded", intent),
            demoSigner,
            "demo");
    assertThat(awaitPayment("demo", "pi_api_" + id, posted, "guide: api + webhook"))
        .containsEntry("visitor_id", "v_api_" + id)
        .containsEntry("amount_minor", 9_999L);
    awaitLedger("demo", "pi_api_" + id, 9_999);
    assertThat(
            count(
                "SELECT count(*) FROM payments WHERE site_id = 'demo' AND payment_key LIKE ?",
                "%pi_api_" + id))
        .isEqualTo(1);

    // Metrivo: the tracker's attribution metadata object as the checkout metadata
    pageview("v_mv_" + id, "s_mv_" + id, url, null);
    String tagged =
        """
        {"id":"cs_mv_%1$s","object":"checkout.session","payment_status":"paid","amount_total":4900,
         "currency":"usd","payment_intent":"pi_mv_%1$s","mode":"subscription",
         "client_reference_id":"s_mv_%1$s",
         "metadata":{"metrivo_visitor_id":"v_mv_%1$s","metrivo_session_id":"s_mv_%1$s",
          "metrivo_site_id":"demo","landing_url":"%2$s","referrer":"","utm_source":"newsletter"}}"""
            .formatted(id, url);
    posted =
        postWebhook(
            stripeEvent(StripeEvents.newEventId(), "checkout.session.completed", tagged),
            demoSigner,
            "demo");
    assertThat(awaitPayment("demo", "pi_mv_" + id, posted, "guide: metrivo tagging"))
        .containsEntry("visitor_id", "v_mv_" + id)
        .containsEntry("session_id", "s_mv_" + id)
        .containsEntry("method", "metadata");
  }

  /**
   * Issue 13, through the real gateway, broker, job and warehouse: an affiliate identifies its own
   * visitor with a customer's email on the public tracker; the customer signs in (the merchant's
   * server identifies them with the site's API key) and pays without metadata. The payment is the
   * customer's, by their verified email; the forged claim takes nothing. An email nobody verified
   * still goes to whoever claimed it first, but only at confidence low (the documented residual).
   */
  @Test
  void aForgedIdentifyCannotTakeTheCreditOfAVerifiedBuyer() throws Exception {
    String id = StripeEvents.randomId(8);
    String victimEmail = "buyer-" + id + "@example.com";
    String unclaimedEmail = "other-" + id + "@example.com";
    String affiliatePage =
        "https://www.demo-shop.test/?utm_source=aff-" + id + "&utm_medium=affiliate";
    String attacker = "v_aff_" + id;
    pageview(attacker, "s_aff_" + id, affiliatePage, null);
    for (String email : List.of(victimEmail, unclaimedEmail)) {
      GatewayClient.Response claim = gateway.identify("demo", attacker, email, affiliatePage);
      assertThat(claim.status()).as("public identify %s", claim.body()).isEqualTo(202);
    }

    String buyer = "v_buyer_" + id;
    pageview(
        buyer,
        "s_buyer_" + id,
        "https://www.demo-shop.test/?utm_source=google&utm_medium=cpc&gclid=g" + id,
        "https://www.google.com/");
    GatewayClient.Response verified = gateway.verifiedIdentify(demoApiKey, buyer, victimEmail);
    assertThat(verified.status()).as("verified identify %s", verified.body()).isEqualTo(202);
    // Stripe's times have whole seconds: pay a second after the claims, as a real buyer would
    Thread.sleep(1_100);

    Payment bought = Payment.create(7_700, "usd", null, victimEmail, null, null, Instant.now());
    long posted =
        postWebhook(
            StripeEvents.checkoutSessionCompleted(StripeEvents.newEventId(), bought),
            demoSigner,
            "demo");
    Payment other = Payment.create(1_100, "usd", null, unclaimedEmail, null, null, Instant.now());
    long otherPosted =
        postWebhook(
            StripeEvents.checkoutSessionCompleted(StripeEvents.newEventId(), other),
            demoSigner,
            "demo");

    assertThat(awaitPayment("demo", bought.paymentIntentId(), posted, "verified buyer"))
        .containsEntry("visitor_id", buyer)
        .containsEntry("method", "email")
        .containsEntry("confidence", "medium");
    assertThat(awaitLedger("demo", bought.paymentIntentId(), 7_700))
        .allSatisfy(e -> assertThat(e.get("visitor_id")).isEqualTo(buyer));
    assertThat(awaitPayment("demo", other.paymentIntentId(), otherPosted, "claimed only"))
        .containsEntry("visitor_id", attacker)
        .containsEntry("method", "email")
        .containsEntry("confidence", "low");
  }

  /**
   * Issue 14: the "Try it" commands the local runner prints, pasted into bash as printed (curl,
   * openssl and psql, as the README's requirements name them), do what they promise.
   */
  @Test
  void theRunnersTryItCommandsWorkAsPrinted() throws Exception {
    LocalStack.Site demo = stack.site();
    String commands =
        LocalRunner.tryIt(
            stack.gatewayUrl(), demo, stack.postgres().port(), stack.postgres().user());
    int warehouse = commands.indexOf("# the warehouse");
    Shell sent = Shell.run(commands.substring(0, warehouse), Map.of());
    assertThat(sent.exit()).as("the commands' output:%n%s", sent.output()).isZero();
    // the tracker's answer, the webhook's and the Payment API's: none refused, none dropped
    assertThat(sent.output()).doesNotContain("\"error\"").doesNotContain("dropped");

    Map<String, Object> paid = awaitPayment("demo", "pi_me_1", System.nanoTime(), "try it: stripe");
    assertThat(paid)
        .containsEntry("method", "metadata")
        .containsEntry("visitor_id", "v_me")
        .containsEntry("session_id", "s_me")
        .containsEntry("amount_minor", 4_900L);
    assertThat(awaitLedger("demo", "pi_me_1", 4_900))
        .allSatisfy(e -> assertThat(e.get("channel")).isEqualTo("Email"));
    assertThat(awaitPayment("demo", "shop:ord_1", System.nanoTime(), "try it: api"))
        .containsEntry("visitor_id", "v_me")
        .containsEntry("amount_minor", 1_990L);

    Shell query = Shell.run(commands.substring(warehouse), Map.of());
    assertThat(query.exit()).as("psql:%n%s", query.output()).isZero();
    assertThat(query.output()).contains("Email");
  }

  /**
   * Issue 14: the README's curl examples, pasted into bash against the local gateway (its address
   * and the demo site's secret and key in place of the placeholders), are accepted and booked as
   * the README says.
   */
  @Test
  void theReadmesCurlExamplesWorkAsWritten() throws Exception {
    String readme = Files.readString(Path.of("..", "..", "README.md"));
    List<String> examples = new ArrayList<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("```bash\n(.*?)```", java.util.regex.Pattern.DOTALL)
            .matcher(readme);
    while (m.find()) {
      if (m.group(1).contains("curl") && m.group(1).contains("http://localhost:8080")) {
        examples.add(m.group(1));
      }
    }
    assertThat(examples).as("the README's curl examples").hasSize(2);
    LocalStack.Site demo = stack.site();
    for (String example : examples) {
      String script =
          example
              .replace("http://localhost:8080", stack.gatewayUrl())
              .replace("secret=whsec_…", "secret='" + demo.stripeSecret() + "'");
      Shell run = Shell.run(script, Map.of("SITE_API_KEY", demo.apiKey()));
      assertThat(run.exit()).as("%s%n->%n%s", example, run.output()).isZero();
      assertThat(run.output()).as("%s%n->%n%s", example, run.output()).doesNotContain("\"error\"");
    }
    // the Payment API example: a Stripe PaymentIntent reported with its visitor
    assertThat(awaitPayment("demo", "pi_1234567890", System.nanoTime(), "readme: api"))
        .containsEntry("provider", "stripe")
        .containsEntry("visitor_id", "visitor_123")
        .containsEntry("amount_minor", 9_999L);
    // the signed webhook by hand
    assertThat(awaitPayment("demo", "pi_test_1", System.nanoTime(), "readme: webhook"))
        .containsEntry("visitor_id", "v_1")
        .containsEntry("method", "metadata")
        .containsEntry("amount_minor", 4_999L);
  }

  /** A bash script's combined output and exit code. */
  private record Shell(int exit, String output) {
    static Shell run(String script, Map<String, String> env) throws Exception {
      ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
      pb.environment().putAll(env);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the script ended").isTrue();
      return new Shell(p.exitValue(), out);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static void pageview(String visitor, String session, String url, String referrer)
      throws Exception {
    pageview("demo", visitor, session, url, referrer);
  }

  private static void pageviewOn(String site, String visitor, String session, String url)
      throws Exception {
    pageview(site, visitor, session, url, null);
  }

  private static void pageview(
      String site, String visitor, String session, String url, String referrer) throws Exception {
    GatewayClient.Response r =
        gateway.pageview(new Pageview(site, visitor, session, url, referrer, Pageview.utmOf(url)));
    assertThat(r.status()).as("tracking answer %s", r.body()).isEqualTo(202);
  }

  /**
   * Promotion codes as evidence (#17): a Payment API report that names no visitor but carries a
   * code is credited to the code's campaign; a payment whose code is listed only afterwards moves
   * there when the codes are loaded (ReferenceData, as an operator runs it).
   */
  @Test
  void aPromotionCodeCreditsItsCampaignWhenNothingNamesTheVisitor() throws Exception {
    String id = StripeEvents.randomId(10);
    loadPromoCodes(
        "site_id,code,campaign,source,medium,channel,valid_from,valid_to\n"
            + QUIET_SITE
            + ",SPRING"
            + id
            + ",spring_sale,newsletter,email,Email,,\n");
    String now = Instant.now().toString();
    for (String[] p :
        List.of(
            new String[] {"pi_code_" + id, "spring" + id},
            new String[] {"pi_late_" + id, "LATE" + id})) {
      GatewayClient.Response api =
          gateway.webhook(
              "/api/v1/payment",
              "application/json",
              Map.of("Authorization", "Bearer " + quietApiKey),
              """
              {"provider": "stripe", "providerPaymentId": "%s", "amount": 49.00,
               "currency": "EUR", "timestamp": "%s", "promoCode": "%s"}"""
                  .formatted(p[0], now, p[1]));
      assertThat(api.status()).as(api.body()).isEqualTo(202);
    }
    // listed before the payment: booked to the campaign at once (the code typed in lower case)
    assertThat(
            await(
                "pi_code_" + id + " credited to its code",
                () ->
                    queryOne(
                        "SELECT method, confidence, promo_code FROM payments WHERE payment_key = ?"
                            + " AND method = 'promo_code'",
                        "pi_code_" + id)))
        .containsEntry("confidence", "campaign")
        .containsEntry("promo_code", "spring" + id);
    assertThat(awaitLedger(QUIET_SITE, "pi_code_" + id, 4_900))
        .allSatisfy(
            e ->
                assertThat(e)
                    .containsEntry("channel", "Email")
                    .containsEntry("campaign", "spring_sale")
                    .containsEntry("entry_type", "payment"));

    // listed after the payment: unattributed first, then moved when the code is loaded
    awaitLedger(QUIET_SITE, "pi_late_" + id, 4_900);
    assertThat(queryOne("SELECT method FROM payments WHERE payment_key = ?", "pi_late_" + id))
        .hasValueSatisfying(r -> assertThat(r).containsEntry("method", "unattributed"));
    loadPromoCodes(
        "site_id,code,campaign,source,medium,channel,valid_from,valid_to\n"
            + QUIET_SITE
            + ",late"
            + id
            + ",late_launch,podcast,audio,Affiliates,,\n");
    assertThat(queryOne("SELECT method FROM payments WHERE payment_key = ?", "pi_late_" + id))
        .hasValueSatisfying(r -> assertThat(r).containsEntry("method", "promo_code"));
    assertThat(
            query(
                "SELECT channel, sum(amount_minor)::bigint AS net FROM revenue_ledger"
                    + " WHERE payment_key = ? AND model = 'last_touch' GROUP BY channel"
                    + " HAVING sum(amount_minor) <> 0",
                "pi_late_" + id))
        .containsExactly(Map.of("channel", "Affiliates", "net", 4_900L));
  }

  private static void loadPromoCodes(String csv) throws Exception {
    try (Connection c = stack.postgres().connect()) {
      dev.tributary.job.ops.ReferenceData.load(
          dev.tributary.job.ops.ReferenceData.Kind.PROMO, c, new java.io.StringReader(csv));
    }
  }

  /** POSTs a signed webhook, asserts the 2xx, returns the time it was acknowledged (nanos). */
  private static long postWebhook(String body, StripeSigner signer, String site) throws Exception {
    GatewayClient.Response r = gateway.stripeWebhook(site, signer, body);
    assertThat(r.ok()).as("webhook answer %d %s", r.status(), r.body()).isTrue();
    return System.nanoTime() - r.took().toNanos();
  }

  private static Map<String, Object> awaitPayment(
      String site, String paymentKey, long postedNanos, String label) throws Exception {
    Map<String, Object> row =
        await(
            "payment " + paymentKey,
            () ->
                queryOne(
                    "SELECT * FROM payments WHERE site_id = '" + site + "' AND payment_key = ?",
                    paymentKey));
    long millis = (System.nanoTime() - postedNanos) / 1_000_000;
    synchronized (latencies) {
      latencies.put(label, millis);
    }
    System.out.printf("[e2e] %s: webhook POST -> payments row in %d ms%n", label, millis);
    return row;
  }

  /** Waits until the payment's ledger credits sum to {@code amount} in every model. */
  private static List<Map<String, Object>> awaitLedger(String site, String paymentKey, long amount)
      throws Exception {
    return await(
        "ledger of " + paymentKey,
        () -> {
          List<Map<String, Object>> rows =
              query(
                  "SELECT * FROM revenue_ledger WHERE site_id = '"
                      + site
                      + "' AND payment_key = ? ORDER BY model, entry_id",
                  paymentKey);
          Map<Object, Long> perModel = new LinkedHashMap<>();
          for (Map<String, Object> r : rows) {
            perModel.merge(r.get("model"), (Long) r.get("amount_minor"), Long::sum);
          }
          // every model, each summing to the amount: the sink may flush between two models
          boolean complete =
              perModel.size() == Model.values().length
                  && perModel.values().stream().allMatch(sum -> sum == amount);
          return complete ? Optional.of(rows) : Optional.empty();
        });
  }

  /**
   * Issue 3's mixed stream: every provider through gateway → Kafka → job → PostgreSQL, with paired
   * events of the same money, provider retries and repeated deliveries. The {@code payments} table
   * of the site must equal the expected set exactly: one row per payment.
   */
  @Test
  void everyProviderThroughTheWholePipeCountsEachPaymentOnce() throws Exception {
    var providers = new ProviderTraffic(gateway, allSite);
    String visitor = "v_all_" + StripeEvents.randomId(8);
    pageviewOn(
        ALL_SITE,
        visitor,
        "s_all_1",
        "https://www.all-shop.test/?utm_source=newsletter&utm_medium=email&utm_campaign=all");

    // Stripe: checkout session + PaymentIntent of the same money, and a retried delivery.
    String checkout =
        stripeEvent(
            "evt_all_cs",
            "checkout.session.completed",
            """
            {"id":"cs_all","payment_status":"paid","amount_total":2500,"currency":"usd",
             "payment_intent":"pi_all","metadata":{"tributary_visitor_id":"%s"}}"""
                .formatted(visitor));
    providers.stripe(checkout);
    providers.stripe(checkout);
    providers.stripe(
        stripeEvent(
            "evt_all_pi",
            "payment_intent.succeeded",
            "{\"id\":\"pi_all\",\"amount\":2500,\"amount_received\":2500,\"currency\":\"usd\",\"metadata\":{}}"));
    // Lemon Squeezy: the documented order_created example, delivered twice.
    String lsOrder = Fixtures.read("lemonsqueezy/order_created.json");
    providers.lemonSqueezy(lsOrder);
    providers.lemonSqueezy(lsOrder);
    // Paddle: transaction.paid and transaction.completed of one transaction.
    String paddlePaid = Fixtures.read("paddle/transaction.paid.envelope.json");
    providers.paddle(paddlePaid);
    providers.paddle(
        paddlePaid
            .replace("\"transaction.paid\"", "\"transaction.completed\"")
            .replaceFirst("\"event_id\": *\"[^\"]+\"", "\"event_id\": \"evt_all_completed\""));
    // Razorpay: payment.captured and order.paid of one payment; the first delivered twice.
    providers.razorpay("evt_rzp_1", Fixtures.read("razorpay/payment.captured.card.json"));
    providers.razorpay("evt_rzp_1", Fixtures.read("razorpay/payment.captured.card.json"));
    providers.razorpay("evt_rzp_2", Fixtures.read("razorpay/order.paid.card.json"));
    // Dodo Payments and Polar (Standard Webhooks), Polar retried with the same webhook-id.
    providers.dodo(
        "msg_dodo_1",
        """
        {"business_id":"bus_1","type":"payment.succeeded","timestamp":"2026-11-20T10:00:00Z",
         "data":{"payment_id":"pay_dodo_all","total_amount":1500,"currency":"EUR",
          "metadata":{"tributary_visitor_id":"%s"},
          "customer":{"customer_id":"cus_dodo","email":"dodo@example.com"}}}"""
            .formatted(visitor));
    String polar =
        """
        {"type":"order.paid","timestamp":"2026-11-20T10:00:00Z",
         "data":{"id":"ord_polar_all","total_amount":2000,"currency":"usd",
          "billing_reason":"purchase","metadata":{},"customer_id":"cus_polar",
          "customer":{"email":"polar@example.com"}}}""";
    providers.polar("msg_polar_1", polar);
    providers.polar("msg_polar_1", polar);
    // Gumroad: an unsigned form ping with the URL token, sent twice.
    String sale =
        "sale_id=gum_sale_all&price=900&currency=usd&email=gum%40example.com"
            + "&sale_timestamp=2026-11-20T10%3A00%3A00Z&url_params%5Btributary_visitor_id%5D="
            + visitor;
    providers.gumroad(sale);
    providers.gumroad(sale);
    // Paystack (#17): the documented charge.success, delivered twice (a retry re-sends the
    // stored payload, so its body hash, the delivery id, is the same).
    String paystack = Fixtures.read("paystack/charge.success.transaction_successful.json");
    providers.paystack(paystack);
    providers.paystack(paystack);
    // Creem: the documented checkout.completed (an order of that time names no transaction).
    providers.creem(Fixtures.read("creem/checkout.completed.json"));
    // Shopify: the SDK's order once paid, retried with the same webhook id, and a refund of it.
    String shopifyOrder =
        Fixtures.read("shopify/order.authorized.json")
            .replaceFirst("^\\{\\s*\"order\"\\s*:\\s*", "")
            .replaceFirst("\\}\\s*$", "")
            .replace("\"financial_status\": \"authorized\"", "\"financial_status\": \"paid\"");
    providers.shopify("wh_shopify_1", shopifyOrder);
    providers.shopify("wh_shopify_1", shopifyOrder);
    providers.shopify(
        "wh_shopify_2",
        Fixtures.read("shopify/refund.json")
            .replaceFirst("^\\{\\s*\"refund\"\\s*:\\s*", "")
            .replaceFirst("\\}\\s*$", ""));
    // WooCommerce: the documented processing order, and the same order updated (one payment).
    String wooOrder = Fixtures.read("woocommerce/order.processing.json");
    providers.wooCommerce(wooOrder);
    providers.wooCommerce(
        wooOrder.replace("\"status\": \"processing\"", "\"status\": \"completed\""));
    // Payment API, with its idempotency key repeated.
    providers.paymentApi(
        "{\"provider\":\"shop\",\"providerPaymentId\":\"ord_all\",\"amount\":\"19.90\","
            + "\"currency\":\"EUR\",\"visitorId\":\""
            + visitor
            + "\"}");

    List<String> expected =
        List.of(
            "api|shop:ord_all|1990|EUR",
            "creem|ord_4aDwWXjMLpes4Kj4XqNnUA|1000|EUR",
            "dodo|pay_dodo_all|1500|EUR",
            "gumroad|gum_sale_all|900|USD",
            "lemonsqueezy|order:1|1199|USD",
            "paddle|txn_01gxwxqj0rd5m8j1zdhvk05twz|89880|GBP",
            "paystack|qTPrJoy9Bx|10000|NGN",
            "polar|ord_polar_all|2000|USD",
            "razorpay|pay_DESp9bgForNoUd|100|INR",
            "shopify|450789469|40994|USD",
            "stripe|pi_all|2500|USD",
            "woocommerce|727|2935|USD");
    List<String> rows =
        await(
            "a payment of every provider",
            () -> {
              List<String> now =
                  query(
                          "SELECT provider, payment_key, amount_minor, currency FROM payments"
                              + " WHERE site_id = ? ORDER BY provider, payment_key",
                          ALL_SITE)
                      .stream()
                      .map(
                          r ->
                              r.get("provider")
                                  + "|"
                                  + r.get("payment_key")
                                  + "|"
                                  + r.get("amount_minor")
                                  + "|"
                                  + r.get("currency"))
                      .toList();
              return now.size() >= expected.size() ? Optional.of(now) : Optional.empty();
            });
    assertThat(rows).containsExactlyElementsOf(expected);
    assertThat(
            query(
                "SELECT visitor_id, method FROM payments WHERE site_id = ? AND provider = 'stripe'",
                ALL_SITE))
        .extracting(r -> r.get("visitor_id") + "|" + r.get("method"))
        .containsExactly(visitor + "|metadata");
    // Shopify's refund is a retraction of its order, in the ledger of every model
    assertThat(
            await(
                "the Shopify refund",
                () -> {
                  List<Map<String, Object>> r =
                      query(
                          "SELECT refunded_minor FROM payments WHERE site_id = ?"
                              + " AND provider = 'shopify' AND refunded_minor > 0",
                          ALL_SITE);
                  return r.isEmpty() ? Optional.empty() : Optional.of(r);
                }))
        .extracting(r -> r.get("refunded_minor"))
        .containsExactly(20900L);
    assertThat(
            await(
                "the Shopify refund's retractions",
                () -> {
                  List<Map<String, Object>> r =
                      query(
                          "SELECT model, sum(amount_minor) AS net FROM revenue_ledger"
                              + " WHERE site_id = ? AND provider = 'shopify'"
                              + " GROUP BY model HAVING sum(amount_minor) = 40994 - 20900"
                              + " ORDER BY model",
                          ALL_SITE);
                  return r.size() == 6 ? Optional.of(r) : Optional.empty();
                }))
        .hasSize(6);
  }

  /**
   * Issue 17: a Shopify order whose cart names no visitor, but whose buyer landed on a page tagged
   * with utm tags (the store records it as the order's {@code landing_site}), is credited to that
   * campaign's channel in every model, with no visitor and no session, as {@code landing_page}.
   */
  @Test
  void aShopifyOrderWithoutAVisitorIsCreditedToItsLandingPagesCampaign() throws Exception {
    String order =
        Fixtures.read("shopify/order.authorized.json")
            .replaceFirst("^\\{\\s*\"order\"\\s*:\\s*", "")
            .replaceFirst("\\}\\s*$", "")
            .replace("\"financial_status\": \"authorized\"", "\"financial_status\": \"paid\"")
            .replace(
                "\"landing_site\": \"http://www.example.com?source=abc\"",
                "\"landing_site\": \"/products/ipod-nano?utm_source=newsletter&utm_medium=email"
                    + "&utm_campaign=e2e_spring&fbclid=x1\"")
            .replace(
                "\"referring_site\": \"http://www.otherexample.com\"",
                "\"referring_site\": \"https://mail.example.net/\"");
    assertThat(order).contains("e2e_spring").contains("\"financial_status\": \"paid\"");
    long posted = System.nanoTime();
    new ProviderTraffic(gateway, shopSite).shopify("wh_shop_landing_1", order);

    Map<String, Object> row = awaitPayment(SHOP_SITE, "450789469", posted, "shopify landing page");
    assertThat(row)
        .containsEntry("provider", "shopify")
        .containsEntry("method", "landing_page")
        .containsEntry("confidence", "low")
        .containsEntry("amount_minor", 40_994L)
        .containsEntry("currency", "USD");
    assertThat(row.get("visitor_id")).isNull();
    assertThat(row.get("session_id")).isNull();

    List<Map<String, Object>> ledger = awaitLedger(SHOP_SITE, "450789469", 40_994);
    assertThat(ledger)
        .hasSize(Model.values().length)
        .allSatisfy(
            entry -> {
              assertThat(entry.get("channel")).isEqualTo("Email");
              assertThat(entry.get("source")).isEqualTo("newsletter");
              assertThat(entry.get("medium")).isEqualTo("email");
              assertThat(entry.get("campaign")).isEqualTo("e2e_spring");
              assertThat(entry.get("visitor_id")).isNull();
              assertThat(entry.get("session_id")).isNull();
              assertThat(entry.get("entry_type")).isEqualTo("payment");
            });
  }

  private static String stripeEvent(String id, String type, String object) {
    return """
        {"id":"%s","object":"event","type":"%s","created":%d,"livemode":false,\
        "data":{"object":%s}}"""
        .formatted(id, type, Instant.now().getEpochSecond(), object);
  }

  private static <T> T await(String what, Callable<Optional<T>> probe) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      Optional<T> value = probe.call();
      if (value.isPresent()) {
        return value.get();
      }
      if (System.nanoTime() > deadline) {
        String status = stack.flink().map(f -> f.status().toString()).orElse("no job");
        fail("%s not in the warehouse after %s (job %s)", what, DEADLINE, status);
      }
      Thread.sleep(50);
    }
  }

  private static Optional<Map<String, Object>> queryOne(String sql, String param)
      throws SQLException {
    List<Map<String, Object>> rows = query(sql, param);
    if (rows.size() > 1) {
      fail("expected at most one row for %s, got %s", param, rows);
    }
    return rows.stream().findFirst();
  }

  private static List<Map<String, Object>> query(String sql, String param) throws SQLException {
    try (Connection c = stack.postgres().connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, param);
      try (ResultSet rs = ps.executeQuery()) {
        List<Map<String, Object>> rows = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= n; i++) {
            Object v = rs.getObject(i);
            if (v instanceof String s) {
              v = s.strip(); // char(3) columns come padded
            } else if (v instanceof Integer small) {
              v = small.longValue();
            }
            row.put(rs.getMetaData().getColumnLabel(i), v);
          }
          rows.add(row);
        }
        return rows;
      }
    }
  }

  private static long count(String sql, String param) throws SQLException {
    try (Connection c = stack.postgres().connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, param);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
