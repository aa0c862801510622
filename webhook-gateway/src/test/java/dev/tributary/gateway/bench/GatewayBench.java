package dev.tributary.gateway.bench;

import dev.tributary.gateway.GatewayApp;
import dev.tributary.gateway.config.GatewayConfig;
import dev.tributary.gateway.config.GatewayConfig.Topics;
import dev.tributary.gateway.config.SiteConfig;
import dev.tributary.gateway.testing.Fixtures;
import dev.tributary.gateway.testing.KafkaTestCluster;
import dev.tributary.gateway.testing.KafkaTestCluster.Mark;
import dev.tributary.gateway.verify.StripeSignatureVerifier;
import io.javalin.Javalin;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * Verified Stripe webhooks per second and their latency, against a bare Javalin endpoint that only
 * answers 200, in one run on one machine: an in-process KRaft broker, the real {@link GatewayApp}
 * (signature check, envelope, {@code acks=all} produce, answer after the ack), the bare server and
 * the open-loop load generator ({@link HttpLoad}) all share the same cores.
 *
 * <p>Steps: a closed-loop run of both servers (for reference), then fixed offered loads (open loop,
 * constant arrival rate) rising until each server falls behind (achieved &lt; 95 % of offered, p99
 * above 500 ms, or errors), then both at half the gateway's capacity. Options ({@code --name
 * value}): {@code --loads 1000,2000,4000,...}, {@code --warmup} and {@code --duration} seconds per
 * step, {@code --connections}, {@code --profile-seconds n} (gateway only, closed loop, for a
 * profiler). Run with {@code deploy/bench/gateway.sh}.
 */
public final class GatewayBench {

  static final String SITE = "bench";
  static final String SECRET = "whsec_bench_0123456789abcdef";
  static final String PATH = "/webhooks/stripe/" + SITE;

  // Goals, printed beside the figures.
  static final double GOAL_RATIO = 0.6;
  static final double GOAL_THROUGHPUT = 5_000;
  static final double GOAL_P99_HALF_MS = 20;

  /** A step whose p99 exceeds this is not a load the server holds (it is queueing). */
  static final double SUSTAINED_P99_MS = 500;

  private GatewayBench() {}

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    String object = stripeObject();
    System.out.printf(
        Locale.ROOT,
        "gateway bench %s: %d cores, Java %s, body %d bytes (checkout.session.completed),"
            + " %d connections, %d s warm-up + %d s measured per step%n",
        LocalDate.now(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        body(0, 0, object).length,
        o.connections,
        o.warmup,
        o.duration);

    try (KafkaTestCluster kafka = KafkaTestCluster.start(Topics.DEFAULT.webhooks());
        Bare bare = Bare.start();
        GatewayApp gateway =
            GatewayApp.start(
                new GatewayConfig(
                    0,
                    kafka.bootstrapServers(),
                    GatewayConfig.DEFAULT_MAX_BODY_BYTES,
                    GatewayConfig.DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
                    List.of(new SiteConfig(SITE, List.of(SECRET), List.of(), List.of())),
                    Topics.DEFAULT))) {
      int barePort = bare.port();
      int gatewayPort = gateway.port();

      // JIT warm-up of both servers and the generator; not recorded.
      HttpLoad.run(barePort, signed(object), 0, 0, o.warmup * 1000L, o.connections);
      HttpLoad.run(gatewayPort, signed(object), 0, 0, o.warmup * 1000L, o.connections);

      if (o.profileSeconds > 0) {
        // Only the gateway, closed loop: for a profiler (JAVA_OPTS=-XX:StartFlightRecording=...).
        HttpLoad.Result r =
            HttpLoad.run(
                gatewayPort, signed(object), 0, 0, o.profileSeconds * 1000L, o.connections);
        System.out.println("profile run: gateway " + describe(r));
        return;
      }

      Mark before = kafka.mark(Topics.DEFAULT.webhooks());
      List<String[]> rows = new ArrayList<>();
      long answered = 0;

      HttpLoad.Result bareMax = step(barePort, object, 0, o);
      HttpLoad.Result gatewayMax = step(gatewayPort, object, 0, o);
      answered += gatewayMax.ok();
      rows.add(row("closed loop, " + o.connections + " conns", bareMax, gatewayMax));
      report("closed loop", bareMax, gatewayMax);

      double bareCapacity = 0;
      double gatewayCapacity = 0;
      double bareBest = bareMax.achieved();
      double gatewayBest = gatewayMax.achieved();
      boolean bareSaturated = false;
      boolean gatewaySaturated = false;
      for (double load : o.loads) {
        if (bareSaturated && gatewaySaturated) {
          break;
        }
        HttpLoad.Result b = bareSaturated ? null : step(barePort, object, load, o);
        HttpLoad.Result g = gatewaySaturated ? null : step(gatewayPort, object, load, o);
        String label = String.format(Locale.ROOT, "%,.0f/s", load);
        if (b != null) {
          bareBest = Math.max(bareBest, b.achieved());
          if (sustained(b, load)) {
            bareCapacity = load;
          } else {
            bareSaturated = true;
          }
        }
        if (g != null) {
          answered += g.ok();
          gatewayBest = Math.max(gatewayBest, g.achieved());
          if (sustained(g, load)) {
            gatewayCapacity = load;
          } else {
            gatewaySaturated = true;
          }
        }
        rows.add(row(label, b, g));
        report(label, b, g);
      }

      double half = Math.max(100, Math.floor(gatewayCapacity / 2 / 100) * 100);
      HttpLoad.Result bHalf = step(barePort, object, half, o);
      HttpLoad.Result gHalf = step(gatewayPort, object, half, o);
      answered += gHalf.ok();
      rows.add(row(String.format(Locale.ROOT, "%,.0f/s (half cap.)", half), bHalf, gHalf));
      report("half capacity", bHalf, gHalf);

      Mark after = kafka.mark(Topics.DEFAULT.webhooks());
      long stored = 0;
      for (var e : after.offsets().entrySet()) {
        stored += e.getValue() - before.offsets().getOrDefault(e.getKey(), 0L);
      }

      System.out.println();
      System.out.println(
          "| load | bare p50 / p99 / achieved | gateway p50 / p99 / achieved | ratio |");
      System.out.println("|---|---|---|---|");
      for (String[] r : rows) {
        System.out.printf("| %s | %s | %s | %s |%n", (Object[]) r);
      }
      System.out.println();
      System.out.printf(
          Locale.ROOT,
          "capacity (highest offered load held with achieved >= 95%% and p99 <= %.0f ms):"
              + " bare %s, gateway %s%n",
          SUSTAINED_P99_MS,
          bareSaturated
              ? String.format(Locale.ROOT, "%,.0f/s", bareCapacity)
              : String.format(Locale.ROOT, ">= %,.0f/s (never saturated)", bareCapacity),
          String.format(Locale.ROOT, "%,.0f/s", gatewayCapacity));
      System.out.printf(
          Locale.ROOT,
          "throughput at saturation (best achieved in any step): bare %,.0f/s, gateway %,.0f/s%n",
          bareBest,
          gatewayBest);
      double ratio = gatewayCapacity / bareCapacity;
      System.out.printf(
          Locale.ROOT,
          "goal: gateway capacity >= %.1fx bare          measured %s%.2fx  %s%n",
          GOAL_RATIO,
          bareSaturated ? "" : "<= ",
          ratio,
          verdict(ratio >= GOAL_RATIO));
      System.out.printf(
          Locale.ROOT,
          "goal: >= %,.0f verified webhooks/s on %d cores  measured %,.0f/s sustained  %s%n",
          GOAL_THROUGHPUT,
          Runtime.getRuntime().availableProcessors(),
          gatewayCapacity,
          verdict(gatewayCapacity >= GOAL_THROUGHPUT));
      System.out.printf(
          Locale.ROOT,
          "goal: p99 < %.0f ms at half capacity (%,.0f/s)  measured %.2f ms  %s%n",
          GOAL_P99_HALF_MS,
          half,
          gHalf.p99Millis(),
          verdict(gHalf.p99Millis() < GOAL_P99_HALF_MS));
      System.out.printf(
          Locale.ROOT,
          "check: records the gateway wrote to Kafka in the measured steps (warm-ups included)"
              + " %,d; 2xx answers in the measured windows %,d%n",
          stored,
          answered);
    }
  }

  /** Whether the server kept up with {@code load}. */
  private static boolean sustained(HttpLoad.Result r, double load) {
    return r.achieved() >= 0.95 * load
        && r.p99Millis() <= SUSTAINED_P99_MS
        && r.failed() + r.notSent() == 0;
  }

  private static String verdict(boolean met) {
    return met ? "MET" : "MISSED";
  }

  private static HttpLoad.Result step(int port, String object, double rate, Options o)
      throws Exception {
    return HttpLoad.run(
        port, signed(object), rate, o.warmup * 1000L, o.duration * 1000L, o.connections);
  }

  private static void report(String what, HttpLoad.Result bare, HttpLoad.Result gateway) {
    System.out.printf(
        Locale.ROOT,
        "%-14s bare    %s%n%-14s gateway %s%n",
        what,
        describe(bare),
        "",
        describe(gateway));
  }

  private static String describe(HttpLoad.Result r) {
    if (r == null) {
      return "skipped (saturated at a lower load)";
    }
    return String.format(
        Locale.ROOT,
        "achieved %,8.0f/s  p50 %7.2f ms  p99 %8.2f ms  max %8.2f ms  statuses %s%s",
        r.achieved(),
        r.p50Millis(),
        r.p99Millis(),
        r.maxMillis(),
        r.statuses(),
        r.notSent() > 0 ? "  not sent " + r.notSent() : "");
  }

  private static String[] row(String load, HttpLoad.Result bare, HttpLoad.Result gateway) {
    String ratio =
        bare == null || gateway == null
            ? "—"
            : String.format(Locale.ROOT, "%.2f", gateway.achieved() / bare.achieved());
    return new String[] {load, cell(bare), cell(gateway), ratio};
  }

  private static String cell(HttpLoad.Result r) {
    if (r == null) {
      return "— (saturated at a lower load)";
    }
    String errors = r.failed() + r.notSent() > 0 ? " (" + (r.failed() + r.notSent()) + " err)" : "";
    return String.format(
        Locale.ROOT,
        "%.2f / %.2f ms / %,.0f/s%s",
        r.p50Millis(),
        r.p99Millis(),
        r.achieved(),
        errors);
  }

  /**
   * A pool of signed requests (distinct event ids), signed now: the signature tolerance is 5
   * minutes, one step is far shorter. Signing happens here, outside the measured window.
   */
  private static LongFunction<byte[]> signed(String object) {
    int pool = 4096;
    byte[][] requests = new byte[pool][];
    long t = Instant.now().getEpochSecond();
    for (int i = 0; i < pool; i++) {
      byte[] body = body(i, t, object);
      requests[i] =
          HttpLoad.post(
              PATH,
              body,
              "Content-Type",
              "application/json; charset=utf-8",
              "User-Agent",
              "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
              StripeSignatureVerifier.HEADER,
              StripeSignatureVerifier.signatureHeader(SECRET, t, body));
    }
    return i -> requests[(int) (i % pool)];
  }

  private static byte[] body(int i, long created, String object) {
    return String.format(
            Locale.ROOT,
            "{\"id\":\"evt_bench%08d\",\"object\":\"event\",\"api_version\":\"2025-03-31.basil\","
                + "\"created\":%d,\"livemode\":false,\"pending_webhooks\":1,"
                + "\"type\":\"checkout.session.completed\",\"data\":{\"object\":%s}}",
            i,
            created,
            object)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Stripe's own checkout.session object from the fixtures (about 4 KB). */
  private static String stripeObject() throws Exception {
    return Files.readString(Fixtures.path("stripe/checkout.session.object.json"));
  }

  /** The baseline: Javalin on Jetty, reading the body and answering 200 with a small JSON. */
  static final class Bare implements AutoCloseable {
    private final Javalin server;

    private Bare(Javalin server) {
      this.server = server;
    }

    static Bare start() {
      Javalin server =
          Javalin.create(
                  cfg -> {
                    cfg.jetty.port = 0;
                    cfg.startup.showJavalinBanner = false;
                    cfg.startup.showOldJavalinVersionWarning = false;
                    cfg.routes.post(
                        "/webhooks/stripe/{siteId}",
                        ctx -> {
                          ctx.bodyAsBytes();
                          ctx.status(200)
                              .contentType("application/json")
                              .result("{\"status\":\"accepted\",\"deliveryId\":\"evt\"}");
                        });
                  })
              .start();
      return new Bare(server);
    }

    int port() {
      return server.port();
    }

    @Override
    public void close() {
      server.stop();
    }
  }

  /** Command-line options. */
  record Options(
      List<Double> loads, int warmup, int duration, int connections, int profileSeconds) {
    static Options parse(String[] args) {
      List<Double> loads = new ArrayList<>();
      for (String l :
          "1000,2000,4000,6000,8000,10000,12000,16000,20000,24000,28000,32000".split(",")) {
        loads.add(Double.parseDouble(l));
      }
      int warmup = 2;
      int duration = 8;
      int connections = 64;
      int profileSeconds = 0;
      for (int i = 0; i + 1 < args.length; i += 2) {
        switch (args[i]) {
          case "--loads" -> {
            loads.clear();
            for (String l : args[i + 1].split(",")) {
              loads.add(Double.parseDouble(l.trim()));
            }
          }
          case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
          case "--duration" -> duration = Integer.parseInt(args[i + 1]);
          case "--connections" -> connections = Integer.parseInt(args[i + 1]);
          case "--profile-seconds" -> profileSeconds = Integer.parseInt(args[i + 1]);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      return new Options(loads, warmup, duration, connections, profileSeconds);
    }
  }
}
