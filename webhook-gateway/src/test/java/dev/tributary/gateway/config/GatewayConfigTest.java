package dev.tributary.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.gateway.config.GatewayConfig.Capacity;
import dev.tributary.gateway.config.GatewayConfig.Mode;
import dev.tributary.gateway.config.GatewayConfig.Operations;
import dev.tributary.gateway.config.GatewayConfig.Protection;
import dev.tributary.gateway.config.GatewayConfig.RateLimit;
import dev.tributary.gateway.config.GatewayConfig.Topics;
import dev.tributary.gateway.net.Cidr;
import dev.tributary.gateway.net.TrustedProxies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigTest {

  private static final String FILE_KEY = "file-key-7Hq2Zr9Lm4Xw8Pk3Tn6Vb1Jc5";
  private static final String BIG_KEY_1 = "big-key-1-Rt5Yu8Io2Pa6Sd9Fg3Hj7Kl4";
  private static final String BIG_KEY_2 = "big-key-2-Qw3Er6Ty9Ui2Op5As8Df1Gh4";

  private static final String SITES =
      """
      {"sites":[
        {"id":"acme","stripeSecrets":["whsec_file"],"apiKeys":["%s"],
         "allowedOrigins":["https://acme.com"]},
        {"id":"big-shop"}
      ]}
      """
          .formatted(FILE_KEY);

  private static final String DODO_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String DODO_SECRET_2 = "whsec_c2Vjb25kLWRvZG8tc2VjcmV0LWtleS1ieXRlcw==";
  private static final String GUMROAD_TOKEN = "gumroad-token-0123456789abcdef";

  private static final String PROVIDER_SITES =
      """
      {"sites":[
        {"id":"acme","stripeSecrets":["whsec_file"],
         "webhookSecrets":{"paddle":["pdl_ntfset_file"],"razorpay":["rzp_a","rzp_b"],
           "lemonsqueezy":["ls_file"],"dodo":["%s"],"polar":["polar_whs_file"],
           "gumroad":["%s"],"paystack":["sk_test_file"],"creem":["whsec_creem_file"],
           "shopify":["shpss_file"],"woocommerce":["wc_file"]}},
        {"id":"big-shop","webhookSecrets":{"paddle":[]}}
      ]}
      """
          .formatted(DODO_SECRET, GUMROAD_TOKEN);

  @TempDir Path dir;

  @Test
  void readsDefaultsAndTheSitesFile() throws IOException {
    GatewayConfig config =
        GatewayConfig.fromEnvironment(
            Map.of(
                "TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS",
                "kafka:9092",
                "TRIBUTARY_SITES_FILE",
                sitesFile(SITES)));

    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.kafkaBootstrapServers()).isEqualTo("kafka:9092");
    assertThat(config.maxBodyBytes()).isEqualTo(524288);
    assertThat(config.signatureToleranceSeconds()).isEqualTo(300);
    assertThat(config.topics()).isEqualTo(Topics.DEFAULT);
    assertThat(config.protection())
        .isEqualTo(new Protection(8192, new RateLimit(20, 40), TrustedProxies.NONE, 16384));
    assertThat(config.protection()).isEqualTo(Protection.DEFAULT);
    assertThat(config.trackerMaxBodyBytes()).isEqualTo(16384);
    assertThat(config.operations()).isEqualTo(new Operations("0.0.0.0", 9091));
    assertThat(config.mode()).isEqualTo(Mode.PRODUCTION);
    assertThat(config.sites()).extracting(SiteConfig::siteId).containsExactly("acme", "big-shop");
    SiteConfig acme = config.sites().get(0);
    assertThat(acme.stripeSecrets()).containsExactly("whsec_file");
    assertThat(acme.allowedOrigins()).containsExactly("https://acme.com");
    assertThat(new SiteDirectory(config.sites()).byApiKey(FILE_KEY)).contains(acme);
  }

  @Test
  void environmentOverridesSecretsAndKeysPerSite() throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
    env.put("TRIBUTARY_GATEWAY_PORT", "9000");
    env.put("TRIBUTARY_MAX_BODY_BYTES", "1024");
    env.put("TRIBUTARY_SIGNATURE_TOLERANCE_SECONDS", "60");
    env.put("TRIBUTARY_TOPIC_WEBHOOKS", "w");
    env.put("TRIBUTARY_SITES_FILE", sitesFile(SITES));
    env.put("TRIBUTARY_SITE_ACME_STRIPE_SECRETS", "whsec_env1, whsec_env2");
    env.put("TRIBUTARY_SITE_BIG_SHOP_API_KEYS", BIG_KEY_1 + "," + BIG_KEY_2 + ",");

    GatewayConfig config = GatewayConfig.fromEnvironment(env);

    assertThat(config.port()).isEqualTo(9000);
    assertThat(config.maxBodyBytes()).isEqualTo(1024);
    assertThat(config.signatureToleranceSeconds()).isEqualTo(60);
    assertThat(config.topics()).isEqualTo(new Topics("w", "tributary.tracking"));
    SiteConfig acme = config.sites().get(0);
    SiteConfig bigShop = config.sites().get(1);
    assertThat(acme.stripeSecrets()).containsExactly("whsec_env1", "whsec_env2");
    SiteDirectory directory = new SiteDirectory(config.sites());
    assertThat(directory.byApiKey(FILE_KEY)).contains(acme);
    assertThat(directory.byApiKey(BIG_KEY_2)).contains(bigShop);
    assertThat(directory.byApiKey("nope")).isEmpty();
    assertThat(directory.byApiKey(null)).isEmpty();
  }

  @Test
  void sitesAreOptionalButEnvironmentOverridesMustNameOne() throws IOException {
    assertThat(
            GatewayConfig.fromEnvironment(Map.of("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "k:1"))
                .sites())
        .isEmpty();

    assertThatThrownBy(
            () ->
                GatewayConfig.fromEnvironment(
                    Map.of(
                        "TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "k:1",
                        "TRIBUTARY_SITES_FILE", sitesFile(SITES),
                        "TRIBUTARY_SITE_ACNE_STRIPE_SECRETS", "whsec_x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TRIBUTARY_SITE_ACNE_STRIPE_SECRETS names no site");
  }

  @Test
  void environmentErrorsAreClear() throws IOException {
    assertThatThrownBy(() -> GatewayConfig.fromEnvironment(Map.of()))
        .hasMessageContaining("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS is required");
    assertThatThrownBy(
            () ->
                GatewayConfig.fromEnvironment(
                    Map.of(
                        "TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "k:1",
                        "TRIBUTARY_GATEWAY_PORT", "eighty")))
        .hasMessageContaining("TRIBUTARY_GATEWAY_PORT must be an integer");
    assertThatThrownBy(
            () ->
                GatewayConfig.fromEnvironment(
                    Map.of(
                        "TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS",
                        "k:1",
                        "TRIBUTARY_SITES_FILE",
                        dir.resolve("missing.json").toString())))
        .hasMessageContaining("missing.json");
  }

  @Test
  void sitesFileErrorsNameThePlaceButNotTheSecret() throws IOException {
    String unquoted = sitesFile("{\"sites\":[{\"id\":\"acme\",\"stripeSecrets\":[whsec_leak]}]}");
    String broken = sitesFile("{\"sites\":[");
    String typo = sitesFile("{\"sites\":[{\"id\":\"acme\",\"stripeSecret\":\"whsec_leak\"}]}");
    String badSecret = sitesFile("{\"sites\":[{\"id\":\"acme\",\"stripeSecrets\":[\"sk_leak\"]}]}");

    assertThatThrownBy(() -> fromSitesFile(unquoted))
        .hasMessageContaining("invalid value at sites[0].stripeSecrets[0] (line 1, column 52)")
        .hasMessageNotContaining("leak");
    assertThatThrownBy(() -> fromSitesFile(broken)).hasMessageContaining("(line 1, column");
    assertThatThrownBy(() -> fromSitesFile(typo))
        .hasMessageContaining("unknown field 'stripeSecret'")
        .hasMessageNotContaining("leak");
    assertThatThrownBy(() -> fromSitesFile(badSecret))
        .hasMessageContaining("must start with 'whsec_'")
        .hasMessageNotContaining("leak");
  }

  @Test
  void validatesAtConstruction() {
    List<SiteConfig> none = List.of();
    assertThatThrownBy(() -> new GatewayConfig(70000, "k:1", none))
        .hasMessageContaining("port must be between 0 and 65535");
    assertThatThrownBy(() -> new GatewayConfig(-1, "k:1", none)).hasMessageContaining("port");
    assertThatThrownBy(() -> new GatewayConfig(0, " ", none))
        .hasMessageContaining("kafkaBootstrapServers must not be empty");
    assertThatThrownBy(() -> new GatewayConfig(0, "k:1", 0, 300, none, null))
        .hasMessageContaining("maxBodyBytes");
    assertThatThrownBy(() -> new GatewayConfig(0, "k:1", 1024, 0, none, null))
        .hasMessageContaining("signatureToleranceSeconds");
    assertThatThrownBy(
            () -> new GatewayConfig(0, "k:1", List.of(site("acme", "k1"), site("acme", "k2"))))
        .hasMessageContaining("site id 'acme' is configured twice");
    assertThatThrownBy(
            () -> new GatewayConfig(0, "k:1", List.of(site("acme", "same"), site("beta", "same"))))
        .hasMessageContaining("shares an API key");
    assertThat(new GatewayConfig(0, "k:1", 1024, 300, none, null).topics())
        .isEqualTo(Topics.DEFAULT);
  }

  @Test
  void validatesSites() {
    for (String badId : List.of("", "Acme", "-acme", "ac me", "a".repeat(65), "acme.com")) {
      assertThatThrownBy(() -> site(badId, "k")).as(badId).hasMessageContaining("must match");
    }
    assertThat(site("a", "k").siteId()).isEqualTo("a");
    assertThat(site("a0_b-c", "k").siteId()).isEqualTo("a0_b-c");
    assertThatThrownBy(() -> new SiteConfig("acme", List.of("whsec_"), List.of(), List.of()))
        .hasMessageContaining("whsec_");
    assertThatThrownBy(() -> new SiteConfig("acme", List.of(), List.of(" "), List.of()))
        .hasMessageContaining("API keys must not be blank");
    for (String badOrigin :
        List.of("acme.com", "https://acme.com/", "https://acme.com/shop", "ftp://acme.com")) {
      assertThatThrownBy(() -> new SiteConfig("acme", List.of(), List.of(), List.of(badOrigin)))
          .as(badOrigin)
          .hasMessageContaining("allowed origin");
    }
  }

  private static final String PLAIN_KEY = "plain-key-Mx4Nb7Vc2Za5Sd8Fq1We6Rt3";

  @Test
  void apiKeysAreHeldHashedAndNeverPrinted() {
    SiteConfig site =
        new SiteConfig(
            "acme", List.of("whsec_topsecret"), List.of(PLAIN_KEY), List.of("https://a.com"));
    GatewayConfig config = new GatewayConfig(0, "k:1", List.of(site));

    assertThat(site.apiKeys()).containsExactly(ApiKeys.hash(PLAIN_KEY));
    assertThat(site.apiKeys().get(0)).startsWith("sha256:").doesNotContain(PLAIN_KEY);
    // Already hashed keys stay as they are, so a sites file may hold hashes only.
    SiteConfig reloaded =
        new SiteConfig(
            "acme", List.of("whsec_topsecret"), site.apiKeys(), List.of("https://a.com"));
    assertThat(reloaded).isEqualTo(site);
    assertThat(new SiteDirectory(List.of(reloaded)).byApiKey(PLAIN_KEY)).contains(reloaded);
    assertThat(config.toString())
        .contains("acme")
        .doesNotContain("topsecret")
        .doesNotContain(PLAIN_KEY)
        .doesNotContain(site.apiKeys().get(0));
  }

  @Test
  void readsEveryProvidersSecretsFromTheSitesFile() throws IOException {
    GatewayConfig config = fromSitesFile(sitesFile(PROVIDER_SITES));

    SiteConfig acme = config.sites().get(0);
    assertThat(acme.secrets("stripe")).containsExactly("whsec_file");
    assertThat(acme.secrets("paddle")).containsExactly("pdl_ntfset_file");
    assertThat(acme.secrets("razorpay")).containsExactly("rzp_a", "rzp_b");
    assertThat(acme.secrets("lemonsqueezy")).containsExactly("ls_file");
    assertThat(acme.secrets("dodo")).containsExactly(DODO_SECRET);
    assertThat(acme.secrets("polar")).containsExactly("polar_whs_file");
    assertThat(acme.secrets("gumroad")).containsExactly(GUMROAD_TOKEN);
    assertThat(acme.secrets("paystack")).containsExactly("sk_test_file");
    assertThat(acme.secrets("creem")).containsExactly("whsec_creem_file");
    assertThat(acme.secrets("shopify")).containsExactly("shpss_file");
    assertThat(acme.secrets("woocommerce")).containsExactly("wc_file");
    assertThat(acme.webhookSecrets().keySet())
        .containsExactly(
            "lemonsqueezy",
            "paddle",
            "razorpay",
            "dodo",
            "polar",
            "gumroad",
            "paystack",
            "creem",
            "shopify",
            "woocommerce");
    SiteConfig bigShop = config.sites().get(1);
    assertThat(bigShop.webhookSecrets()).isEmpty();
    for (String provider : WebhookProviders.NAMES) {
      assertThat(bigShop.secrets(provider)).as(provider).isEmpty();
    }
  }

  @Test
  void environmentOverridesEachProvidersSecrets() throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
    env.put("TRIBUTARY_SITES_FILE", sitesFile(PROVIDER_SITES));
    env.put("TRIBUTARY_SITE_ACME_PADDLE_SECRETS", "pdl_env1, pdl_env2");
    env.put("TRIBUTARY_SITE_ACME_STRIPE_SECRETS", "whsec_env");
    env.put("TRIBUTARY_SITE_BIG_SHOP_LEMONSQUEEZY_SECRETS", "ls_env");
    env.put("TRIBUTARY_SITE_BIG_SHOP_GUMROAD_SECRETS", GUMROAD_TOKEN + "-2");
    // Its own: a secret shared by two sites stops the start.
    env.put("TRIBUTARY_SITE_BIG_SHOP_DODO_SECRETS", DODO_SECRET_2);
    env.put("TRIBUTARY_SITE_ACME_POLAR_SECRETS", "");
    env.put("TRIBUTARY_SITE_BIG_SHOP_PAYSTACK_SECRETS", "sk_live_env1,sk_live_env2");
    env.put("TRIBUTARY_SITE_ACME_CREEM_SECRETS", "creem_env");
    env.put("TRIBUTARY_SITE_ACME_WOOCOMMERCE_SECRETS", "wc_env1,wc_env2");
    env.put("TRIBUTARY_SITE_BIG_SHOP_SHOPIFY_SECRETS", "shpss_env");
    env.put("TRIBUTARY_SITE_OTHER_SETTING", "left to other programs");

    GatewayConfig config = GatewayConfig.fromEnvironment(env);

    SiteConfig acme = config.sites().get(0);
    SiteConfig bigShop = config.sites().get(1);
    assertThat(acme.secrets("paddle")).containsExactly("pdl_env1", "pdl_env2");
    assertThat(acme.secrets("stripe")).containsExactly("whsec_env");
    assertThat(acme.secrets("razorpay")).containsExactly("rzp_a", "rzp_b");
    assertThat(acme.secrets("polar")).as("an empty variable removes the endpoint").isEmpty();
    assertThat(bigShop.secrets("lemonsqueezy")).containsExactly("ls_env");
    assertThat(bigShop.secrets("gumroad")).containsExactly(GUMROAD_TOKEN + "-2");
    assertThat(bigShop.secrets("dodo")).containsExactly(DODO_SECRET_2);
    assertThat(bigShop.secrets("paystack")).containsExactly("sk_live_env1", "sk_live_env2");
    assertThat(acme.secrets("paystack")).containsExactly("sk_test_file");
    assertThat(acme.secrets("creem")).containsExactly("creem_env");
    assertThat(acme.secrets("woocommerce")).containsExactly("wc_env1", "wc_env2");
    assertThat(acme.secrets("shopify")).containsExactly("shpss_file");
    assertThat(bigShop.secrets("shopify")).containsExactly("shpss_env");
  }

  @Test
  void secretVariablesMustNameAKnownProviderAndSite() throws IOException {
    String file = sitesFile(PROVIDER_SITES);

    assertThatThrownBy(
            () ->
                GatewayConfig.fromEnvironment(
                    Map.of(
                        "TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "k:1",
                        "TRIBUTARY_SITES_FILE", file,
                        "TRIBUTARY_SITE_ACME_PADDEL_SECRETS", "x")))
        .hasMessageContaining("TRIBUTARY_SITE_ACME_PADDEL_SECRETS is not")
        .hasMessageContaining("PADDLE");
    assertThatThrownBy(
            () ->
                GatewayConfig.fromEnvironment(
                    Map.of(
                        "TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "k:1",
                        "TRIBUTARY_SITES_FILE", file,
                        "TRIBUTARY_SITE_ACNE_RAZORPAY_SECRETS", "x")))
        .hasMessageContaining("TRIBUTARY_SITE_ACNE_RAZORPAY_SECRETS names no site");
  }

  @Test
  void webhookSecretsAreValidatedWithoutEchoingThem() throws IOException {
    Map<String, String> bad =
        Map.ofEntries(
            Map.entry("{\"typo\":[\"x_leak\"]}", "unknown webhook provider 'typo'"),
            Map.entry("{\"stripe\":[\"whsec_leak\"]}", "Stripe secrets belong in stripeSecrets"),
            Map.entry("{\"dodo\":[\"leak_no_prefix\"]}", "'whsec_' followed by base64"),
            Map.entry("{\"dodo\":[\"whsec_!leak!\"]}", "'whsec_' followed by base64"),
            Map.entry("{\"dodo\":[\"whsec_\"]}", "'whsec_' followed by base64"),
            Map.entry("{\"gumroad\":[\"shortleak\"]}", "16 to 256 characters"),
            Map.entry("{\"paddle\":[\" leak\"]}", "white space"),
            Map.entry("{\"razorpay\":[\"\"]}", "must not be blank"),
            // Paystack signs with the secret key; the public key beside it is the usual mistake.
            Map.entry(
                "{\"paystack\":[\"pk_live_leak\"]}", "the secret key 'sk_live_…' or 'sk_test_…'"),
            Map.entry("{\"paystack\":[\"sk_\"]}", "the secret key 'sk_live_…' or 'sk_test_…'"),
            Map.entry("{\"woocommerce\":[\"leak \"]}", "white space"));
    for (Map.Entry<String, String> entry : bad.entrySet()) {
      String file =
          sitesFile("{\"sites\":[{\"id\":\"acme\",\"webhookSecrets\":" + entry.getKey() + "}]}");
      String expected = entry.getValue().replace("16 to 256 characters", "16 to 256 characters");
      assertThatThrownBy(() -> fromSitesFile(file))
          .as(entry.getKey())
          .hasMessageContaining("site 'acme'")
          .hasMessageContaining(entry.getValue())
          .hasMessageNotContaining("leak");
    }
    // A key that does not look like a provider name is not echoed either.
    assertThatThrownBy(
            () -> new SiteConfig("acme", null, null, null, Map.of("pdl_ntfset_leak", List.of("x"))))
        .hasMessageContaining("unknown webhook provider")
        .hasMessageNotContaining("leak");
  }

  @Test
  void webhookSecretsAreNeverPrinted() {
    SiteConfig site =
        new SiteConfig(
            "acme",
            List.of("whsec_topsecret"),
            List.of(),
            List.of(),
            Map.of("paddle", List.of("pdl_topsecret"), "gumroad", List.of(GUMROAD_TOKEN)));

    assertThat(site.toString())
        .contains("paddle=1")
        .contains("gumroad=1")
        .doesNotContain("topsecret")
        .doesNotContain(GUMROAD_TOKEN);
    assertThat(new GatewayConfig(0, "k:1", List.of(site)).toString()).doesNotContain("topsecret");
  }

  /** A site with a Stripe secret of its own and a strong API key derived from {@code apiKey}. */
  private static SiteConfig site(String id, String apiKey) {
    return new SiteConfig(id, List.of("whsec_" + id), List.of(strong(apiKey)), List.of());
  }

  private static String strong(String apiKey) {
    return apiKey + "-Zq7Xw2Lk9Pm4aR5tY8uE1oP3sD6fG0hJ";
  }

  private GatewayConfig fromSitesFile(String path) {
    return GatewayConfig.fromEnvironment(
        Map.of("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "k:1", "TRIBUTARY_SITES_FILE", path));
  }

  private String sitesFile(String json) throws IOException {
    Path file = Files.createTempFile(dir, "sites", ".json");
    Files.writeString(file, json);
    return file.toString();
  }

  @Test
  void readsTheProtectionLimits() {
    Map<String, String> env = new HashMap<>();
    env.put("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
    env.put("TRIBUTARY_MAX_HEADER_BYTES", "16384");
    env.put("TRIBUTARY_TRACKING_RATE_PER_SECOND", "5");
    env.put("TRIBUTARY_TRUSTED_PROXIES", " 10.0.0.0/8, fd00::/8 ,192.0.2.7,");
    env.put("TRIBUTARY_TRACKER_MAX_BODY_BYTES", "4096");

    Protection limits = GatewayConfig.fromEnvironment(env).protection();

    // The burst follows the rate unless given.
    assertThat(limits)
        .isEqualTo(
            new Protection(
                16384,
                new RateLimit(5, 10),
                new TrustedProxies(
                    List.of(
                        Cidr.parse("10.0.0.0/8"),
                        Cidr.parse("fd00::/8"),
                        Cidr.parse("192.0.2.7/32"))),
                4096));
    env.put("TRIBUTARY_TRACKING_RATE_BURST", "7");
    assertThat(GatewayConfig.fromEnvironment(env).protection().trackingRate())
        .isEqualTo(new RateLimit(5, 7));
    env.remove("TRIBUTARY_TRACKING_RATE_BURST");
    env.put("TRIBUTARY_TRACKING_RATE_PER_SECOND", "0");
    assertThat(GatewayConfig.fromEnvironment(env).protection().trackingRate())
        .isEqualTo(RateLimit.OFF);
  }

  @Test
  void refusesUnusableProtectionLimits() {
    assertThatThrownBy(() -> new RateLimit(10, 0)).hasMessageContaining("burst >= 1");
    assertThatThrownBy(() -> new RateLimit(-1, 5)).hasMessageContaining("perSecond > 0");
    assertThatThrownBy(() -> Protection.DEFAULT.withMaxHeaderBytes(100))
        .hasMessageContaining("maxHeaderBytes must be between 1024 and 65536");
    assertThatThrownBy(() -> Protection.DEFAULT.withTrackerMaxBodyBytes(100))
        .hasMessageContaining("trackerMaxBodyBytes must be between 1024 and 1048576");
    assertThatThrownBy(
            () ->
                GatewayConfig.fromEnvironment(
                    Map.of(
                        "TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "k:1",
                        "TRIBUTARY_TRACKING_RATE_PER_SECOND", "lots")))
        .hasMessageContaining("TRIBUTARY_TRACKING_RATE_PER_SECOND must be an integer");
    assertThat(new GatewayConfig(0, "k:1", List.of()).protection()).isEqualTo(Protection.DEFAULT);
  }

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", "k:1");
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void readsTheCapacityLimits() {
    assertThat(GatewayConfig.fromEnvironment(env()).capacity())
        .isEqualTo(new Capacity(30, 10, 1024, 1024, 256))
        .isEqualTo(Capacity.DEFAULT);
    assertThat(new GatewayConfig(0, "k:1", List.of()).capacity()).isEqualTo(Capacity.DEFAULT);

    GatewayConfig config =
        GatewayConfig.fromEnvironment(
            env(
                "TRIBUTARY_IDLE_TIMEOUT_SECONDS", "60",
                "TRIBUTARY_BODY_TIMEOUT_SECONDS", "5",
                "TRIBUTARY_MIN_BODY_BYTES_PER_SECOND", "0",
                "TRIBUTARY_WEBHOOK_MAX_IN_FLIGHT", "4096",
                "TRIBUTARY_TRACKING_MAX_IN_FLIGHT", "32"));

    assertThat(config.capacity()).isEqualTo(new Capacity(60, 5, 0, 4096, 32));
    // Kept by the other with… methods.
    assertThat(config.withMode(Mode.DEVELOPMENT).withProtection(Protection.DEFAULT).capacity())
        .isEqualTo(config.capacity());
  }

  @Test
  void refusesUnusableCapacityLimitsNamingTheVariable() {
    assertThatThrownBy(
            () -> GatewayConfig.fromEnvironment(env("TRIBUTARY_BODY_TIMEOUT_SECONDS", "0")))
        .hasMessageContaining("TRIBUTARY_BODY_TIMEOUT_SECONDS must be between 1 and 3600, was 0");
    assertThatThrownBy(
            () -> GatewayConfig.fromEnvironment(env("TRIBUTARY_IDLE_TIMEOUT_SECONDS", "-5")))
        .hasMessageContaining("TRIBUTARY_IDLE_TIMEOUT_SECONDS must be between 1 and 3600");
    assertThatThrownBy(
            () -> GatewayConfig.fromEnvironment(env("TRIBUTARY_MIN_BODY_BYTES_PER_SECOND", "-1")))
        .hasMessageContaining("TRIBUTARY_MIN_BODY_BYTES_PER_SECOND must be between 0");
    assertThatThrownBy(
            () -> GatewayConfig.fromEnvironment(env("TRIBUTARY_TRACKING_MAX_IN_FLIGHT", "0")))
        .hasMessageContaining("TRIBUTARY_TRACKING_MAX_IN_FLIGHT must be between 1 and 100000");
    assertThatThrownBy(
            () -> GatewayConfig.fromEnvironment(env("TRIBUTARY_WEBHOOK_MAX_IN_FLIGHT", "many")))
        .hasMessageContaining("TRIBUTARY_WEBHOOK_MAX_IN_FLIGHT must be an integer");
    assertThatThrownBy(() -> Capacity.DEFAULT.withMaxInFlight(1024, 0))
        .hasMessageContaining("trackingMaxInFlight must be between 1 and 100000, was 0");
  }

  @Test
  void readsTheOperationsListenerAndTheMode() {
    GatewayConfig config =
        GatewayConfig.fromEnvironment(
            env(
                "TRIBUTARY_OPS_PORT", "9500",
                "TRIBUTARY_OPS_BIND_ADDRESS", "127.0.0.1",
                "TRIBUTARY_MODE", "development"));

    assertThat(config.operations()).isEqualTo(new Operations("127.0.0.1", 9500));
    assertThat(config.mode()).isEqualTo(Mode.DEVELOPMENT);
    assertThat(GatewayConfig.fromEnvironment(env("TRIBUTARY_OPS_BIND_ADDRESS", "::")).operations())
        .isEqualTo(new Operations("::", 9091));
    assertThat(GatewayConfig.fromEnvironment(env("TRIBUTARY_MODE", "PRODUCTION")).mode())
        .isEqualTo(Mode.PRODUCTION);
    // The Java constructors keep operations on loopback, on a free port.
    assertThat(new GatewayConfig(8080, "k:1", List.of()).operations())
        .isEqualTo(new Operations("127.0.0.1", 0));
  }

  @Test
  void refusesUnusableOperationsSettings() {
    assertThatThrownBy(() -> GatewayConfig.fromEnvironment(env("TRIBUTARY_OPS_PORT", "8080")))
        .hasMessageContaining("operations port must differ from the public port 8080");
    assertThatThrownBy(() -> GatewayConfig.fromEnvironment(env("TRIBUTARY_OPS_PORT", "70000")))
        .hasMessageContaining("operations port must be between 0 and 65535");
    assertThatThrownBy(
            () -> GatewayConfig.fromEnvironment(env("TRIBUTARY_OPS_BIND_ADDRESS", "metrics.local")))
        .hasMessageContaining("operations bind address must be an IP address");
    assertThatThrownBy(() -> GatewayConfig.fromEnvironment(env("TRIBUTARY_MODE", "staging")))
        .hasMessageContaining("TRIBUTARY_MODE must be production or development");
    // Both 0: two different free ports.
    assertThat(new GatewayConfig(0, "k:1", List.of()).operations().port()).isZero();
  }

  @Test
  void theRemovedHopCountStopsTheStartWithTheWayOut() {
    assertThatThrownBy(
            () -> GatewayConfig.fromEnvironment(env("TRIBUTARY_TRUSTED_PROXY_HOPS", "1")))
        .hasMessageContaining("TRIBUTARY_TRUSTED_PROXY_HOPS is no longer read")
        .hasMessageContaining("TRIBUTARY_TRUSTED_PROXIES");
    // 0 meant "ignore X-Forwarded-For", which is what no TRIBUTARY_TRUSTED_PROXIES does.
    assertThat(
            GatewayConfig.fromEnvironment(env("TRIBUTARY_TRUSTED_PROXY_HOPS", "0"))
                .protection()
                .trustedProxies())
        .isEqualTo(TrustedProxies.NONE);
  }

  @Test
  void badTrustedProxiesNameTheVariableAndTheEntry() {
    Map<String, String> bad =
        Map.of(
            "10.0.0.0/8,proxy.internal", "'proxy.internal' is not an IP address or network",
            "10.0.0.1/8", "'10.0.0.1/8' has bits set after the prefix",
            "0.0.0.0/0", "is every address",
            "::/0", "is every address",
            "10.0.0.0/33", "prefix length must be at most 32",
            "fd00::/129", "prefix length must be at most 128",
            "10.0.0.0/", "has no valid prefix length",
            "10.0.0.0/8/8", "has no valid prefix length");
    bad.forEach(
        (value, message) ->
            assertThatThrownBy(
                    () -> GatewayConfig.fromEnvironment(env("TRIBUTARY_TRUSTED_PROXIES", value)))
                .as(value)
                .hasMessageStartingWith("TRIBUTARY_TRUSTED_PROXIES: ")
                .hasMessageContaining(message));
  }

  @Test
  void theTrackerBodyLimitIsTheSmallerOfTheTwoLimits() {
    assertThat(new GatewayConfig(0, "k:1", List.of()).trackerMaxBodyBytes()).isEqualTo(16384);
    assertThat(new GatewayConfig(0, "k:1", 4096, 300, List.of(), null).trackerMaxBodyBytes())
        .isEqualTo(4096);
    assertThat(
            GatewayConfig.fromEnvironment(env("TRIBUTARY_TRACKER_MAX_BODY_BYTES", "2048"))
                .trackerMaxBodyBytes())
        .isEqualTo(2048);
  }

  @Test
  void aWebhookSecretOfTwoSitesIsRefusedNamingTheSitesButNotTheSecret() throws IOException {
    String shared = "shared-leak-secret-value";
    // Different providers: still one secret for two sites.
    SiteConfig acme =
        new SiteConfig("acme", null, null, null, Map.of("paddle", List.of("pdl_own", shared)));
    SiteConfig beta =
        new SiteConfig("beta", null, null, null, Map.of("lemonsqueezy", List.of(shared)));
    assertThatThrownBy(() -> new GatewayConfig(0, "k:1", List.of(acme, beta)))
        .hasMessageContaining("sites 'acme' and 'beta' share a webhook secret")
        .hasMessageContaining("acme paddle, beta lemonsqueezy")
        .hasMessageNotContaining("leak");

    // Stripe against Dodo, from the file and an override.
    String file =
        sitesFile(
            """
            {"sites":[{"id":"acme","stripeSecrets":["%s"]},{"id":"beta-shop"}]}
            """
                .formatted(DODO_SECRET));
    assertThatThrownBy(
            () ->
                GatewayConfig.fromEnvironment(
                    env(
                        "TRIBUTARY_SITES_FILE", file,
                        "TRIBUTARY_SITE_BETA_SHOP_DODO_SECRETS", DODO_SECRET)))
        .hasMessageContaining("sites 'acme' and 'beta-shop' share a webhook secret")
        .hasMessageContaining("acme stripe, beta-shop dodo")
        .hasMessageNotContaining(DODO_SECRET)
        .hasMessageNotContaining(DODO_SECRET.substring("whsec_".length()));

    // Gumroad URL tokens are secrets too; one site may repeat its own (rotation lists).
    SiteConfig gumroadA =
        new SiteConfig("a", null, null, null, Map.of("gumroad", List.of(GUMROAD_TOKEN)));
    SiteConfig gumroadB =
        new SiteConfig("b", null, null, null, Map.of("gumroad", List.of(GUMROAD_TOKEN)));
    assertThatThrownBy(() -> new GatewayConfig(0, "k:1", List.of(gumroadA, gumroadB)))
        .hasMessageContaining("sites 'a' and 'b' share a webhook secret (a gumroad, b gumroad)")
        .hasMessageNotContaining(GUMROAD_TOKEN);
    SiteConfig oneSite =
        new SiteConfig(
            "a",
            null,
            null,
            null,
            Map.of("paddle", List.of(shared, shared), "razorpay", List.of(shared)));
    assertThat(new GatewayConfig(0, "k:1", List.of(oneSite)).sites()).hasSize(1);
  }

  @Test
  void weakApiKeysAreRefusedNamingThePositionButNotTheKey() {
    Map<String, String> weak =
        Map.of(
            "leak-short-key",
            "API key #2 is shorter than 32 characters",
            "leak-Q7".repeat(6),
            "API key #2 is a shorter sequence repeated",
            "leakleakleakleakleakleakleakleak-",
            "API key #2 has fewer than 6 different characters",
            "abcdefghijklmnopqrstuvwxyz0123456789",
            "API key #2 is mostly a run",
            "leak key with spaces in it, long enough",
            "API key #2 contains white space");
    weak.forEach(
        (key, message) ->
            assertThatThrownBy(
                    () ->
                        new SiteConfig("acme", List.of(), List.of(strong("first"), key), List.of()))
                .as(key)
                .hasMessageContaining("site 'acme': " + message)
                .hasMessageContaining("at least 32 characters")
                .hasMessageNotContaining(key));
    // Through the environment the message names the site too, never the key.
    assertThatThrownBy(
            () ->
                GatewayConfig.fromEnvironment(
                    env(
                        "TRIBUTARY_SITES_FILE",
                        sitesFileUnchecked("{\"sites\":[{\"id\":\"acme\"}]}"),
                        "TRIBUTARY_SITE_ACME_API_KEYS",
                        "changeme")))
        .hasMessageContaining("site 'acme': API key #1 is shorter than 32 characters")
        .hasMessageNotContaining("changeme");
    // A stored hash cannot be checked, and is accepted as it is.
    String hash = ApiKeys.hash("short");
    assertThat(new SiteConfig("acme", List.of(), List.of(hash), List.of()).apiKeys())
        .containsExactly(hash);
  }

  @Test
  void productionWarnsAboutSitesWithoutAllowedOriginsAndNamesNoSecret() {
    SiteConfig open =
        new SiteConfig("open-shop", List.of("whsec_warnleak"), List.of(PLAIN_KEY), List.of());
    SiteConfig closed =
        new SiteConfig("closed", List.of(), List.of(), List.of("https://closed.example"));
    GatewayConfig production =
        new GatewayConfig(0, "k:1", List.of(open, closed))
            .withEmailHashKey(
                new GatewayConfig.EmailHashKey("a-deployment-key-of-32-characters-or-more"));

    assertThat(production.mode()).isEqualTo(Mode.PRODUCTION);
    assertThat(production.warnings())
        .singleElement()
        .asString()
        .contains("site 'open-shop' has no allowedOrigins")
        .contains("TRIBUTARY_MODE=development")
        .doesNotContain("warnleak")
        .doesNotContain(PLAIN_KEY);
    assertThat(production.withMode(Mode.DEVELOPMENT).warnings()).isEmpty();
  }

  @Test
  void productionWarnsWhenEmailsAreHashedWithoutAKey() {
    SiteConfig closed =
        new SiteConfig("closed", List.of(), List.of(), List.of("https://closed.example"));
    GatewayConfig unkeyed = new GatewayConfig(0, "k:1", List.of(closed));
    assertThat(unkeyed.warnings())
        .singleElement()
        .asString()
        .contains("TRIBUTARY_EMAIL_HASH_KEY is not set");
    assertThat(unkeyed.withMode(Mode.DEVELOPMENT).warnings()).isEmpty();
  }

  private String sitesFileUnchecked(String json) {
    try {
      return sitesFile(json);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
