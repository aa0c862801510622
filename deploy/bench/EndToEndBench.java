// End-to-end latency: signed Stripe webhook POST -> its first row visible in revenue_ledger.
//
// A single-file program (java -cp <deploy/local runtime classpath> EndToEndBench.java), run by
// deploy/bench/e2e.sh: it starts the local runner's LocalStack (KRaft broker, PostgreSQL, the Flink
// job in a MiniCluster, the gateway) once per job-settings variant, posts payment_intent.succeeded
// webhooks (metadata-linked, one new payment each) at a constant rate, and polls PostgreSQL every
// 20 ms for the payments' ledger rows.
//
// Options: --rate <webhooks/s> (default 200), --warmup <s> (10), --duration <s> (30),
// --variants "name:k=v,k=v;name:k=v" (default: the local runner's settings and two faster ones).

import dev.tributary.local.LocalStack;
import dev.tributary.local.RunnerOptions;
import dev.tributary.local.StripeEvents;
import dev.tributary.local.StripeSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

public class EndToEndBench {

  static final double GOAL_P99_MS = 1000;

  public static void main(String[] args) throws Exception {
    double rate = 200;
    int warmup = 10;
    int duration = 30;
    String variants =
        "local-runner defaults:;"
            + "faster:tributary.payments.settle-time=1 s,tributary.watermark.out-of-orderness=200 ms,"
            + "tributary.watermark.idleness=200 ms;"
            + "fastest:tributary.payments.settle-time=100 ms,"
            + "tributary.watermark.out-of-orderness=100 ms,tributary.watermark.idleness=100 ms,"
            + "tributary.jdbc.batch-interval=50 ms,pipeline.auto-watermark-interval=50 ms";
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--rate" -> rate = Double.parseDouble(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--duration" -> duration = Integer.parseInt(args[i + 1]);
        case "--variants" -> variants = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "e2e bench %s: %d cores, Java %s, %.0f webhooks/s (each a new metadata-linked payment),"
            + " %d s warm-up + %d s measured per variant; Flink parallelism 2, checkpoints 5 s%n",
        LocalDate.now(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        rate,
        warmup,
        duration);
    List<String> rows = new ArrayList<>();
    for (String variant : variants.split(";")) {
      int colon = variant.indexOf(':');
      String name = variant.substring(0, colon).trim();
      Map<String, String> options = new LinkedHashMap<>(RunnerOptions.LOCAL_JOB_DEFAULTS);
      for (String kv : variant.substring(colon + 1).split(",")) {
        if (!kv.isBlank()) {
          int eq = kv.indexOf('=');
          options.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
      }
      rows.add(run(name, options, rate, warmup, duration));
    }
    System.out.println();
    System.out.println(
        "| variant | job options | webhooks/s | POST -> ledger p50 | p99 | max | lost |");
    System.out.println("|---|---|---|---|---|---|---|");
    rows.forEach(System.out::println);
    System.out.printf(Locale.ROOT, "%ngoal: p99 < %.0f ms%n", GOAL_P99_MS);
  }

  static String run(
      String name, Map<String, String> options, double rate, int warmup, int duration)
      throws Exception {
    Path data = Files.createTempDirectory("tributary-e2e");
    String secret = "whsec_bench_" + Long.toHexString(System.nanoTime()) + "0123456789abcdef";
    LocalStack.Site site = new LocalStack.Site("bench", secret, "tk_bench_" + Long.toHexString(System.nanoTime()) + "0123456789abcdef");
    LocalStack.Settings settings =
        new LocalStack.Settings(
            data, 0, 0, 0, 0, 3, true, false, false, 2, Duration.ofSeconds(5), List.of(site),
            options);
    long t0 = System.nanoTime();
    try (LocalStack stack = LocalStack.start(settings, null)) {
      System.out.printf(
          Locale.ROOT,
          "%s: stack up in %.1f s, job options %s%n",
          name,
          (System.nanoTime() - t0) / 1e9,
          options);
      StripeSigner signer = new StripeSigner(secret);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      URI uri = URI.create(stack.gatewayUrl() + "/webhooks/stripe/bench");

      Map<String, Long> outstanding = new ConcurrentHashMap<>(); // payment key -> POST nanoTime
      Map<String, Boolean> measured = new ConcurrentHashMap<>();
      List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
      AtomicLong failed = new AtomicLong();
      AtomicLong sent = new AtomicLong();

      ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
      Connection db = stack.postgres().connect();
      PreparedStatement query =
          db.prepareStatement(
              "SELECT DISTINCT payment_key FROM revenue_ledger WHERE site_id = 'bench'"
                  + " AND provider = 'stripe' AND payment_key = ANY(?)");
      poller.scheduleWithFixedDelay(
          () -> {
            try {
              if (outstanding.isEmpty()) {
                return;
              }
              String[] keys = outstanding.keySet().toArray(new String[0]);
              Array array = db.createArrayOf("text", keys);
              query.setArray(1, array);
              long now = System.nanoTime();
              try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                  String key = rs.getString(1);
                  Long posted = outstanding.remove(key);
                  if (posted != null && measured.remove(key) != null) {
                    latencies.add((now - posted) / 1_000_000);
                  }
                }
              }
            } catch (Exception e) {
              System.err.println("poll failed: " + e);
            }
          },
          20,
          20,
          TimeUnit.MILLISECONDS);

      ScheduledExecutorService sender = Executors.newScheduledThreadPool(2);
      long interval = Math.round(1e9 / rate);
      long start = System.nanoTime();
      long measureFrom = start + warmup * 1_000_000_000L;
      long end = measureFrom + duration * 1_000_000_000L;
      AtomicLong seq = new AtomicLong();
      var task =
          sender.scheduleAtFixedRate(
              () -> {
                long i = seq.getAndIncrement();
                long now = System.nanoTime();
                if (now >= end) {
                  return;
                }
                String visitor = "v_" + i;
                StripeEvents.Payment p =
                    StripeEvents.Payment.create(
                        1_000 + i % 500, "usd", null, null, visitor, null, Instant.now());
                String body = StripeEvents.paymentIntentSucceeded(StripeEvents.newEventId(), p);
                HttpRequest request =
                    HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json; charset=utf-8")
                        .header(StripeSigner.HEADER, signer.header(body))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build();
                long posted = System.nanoTime();
                outstanding.put(p.paymentIntentId(), posted);
                if (posted >= measureFrom) {
                  measured.put(p.paymentIntentId(), true);
                }
                sent.incrementAndGet();
                http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenComplete(
                        (response, error) -> {
                          if (error != null || response.statusCode() != 200) {
                            failed.incrementAndGet();
                            outstanding.remove(p.paymentIntentId());
                            measured.remove(p.paymentIntentId());
                          }
                        });
              },
              0,
              interval,
              TimeUnit.NANOSECONDS);
      Thread.sleep((end - System.nanoTime()) / 1_000_000 + 100);
      task.cancel(false);
      sender.shutdown();
      // Let the last payments arrive (at most 30 s).
      long drainUntil = System.nanoTime() + 30_000_000_000L;
      while (!measured.isEmpty() && System.nanoTime() < drainUntil) {
        Thread.sleep(50);
      }
      poller.shutdown();
      poller.awaitTermination(5, TimeUnit.SECONDS);
      db.close();

      long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      long lost = measured.size();
      String result =
          sorted.length == 0
              ? "no payment reached the ledger"
              : String.format(
                  Locale.ROOT,
                  "p50 %,d ms  p99 %,d ms  max %,d ms over %,d payments (%d failed POSTs, %d not"
                      + " in the ledger after 30 s)",
                  percentile(sorted, 50),
                  percentile(sorted, 99),
                  sorted[sorted.length - 1],
                  sorted.length,
                  failed.get(),
                  lost);
      System.out.printf(Locale.ROOT, "%s: %s%n", name, result);
      Map<String, String> changed = new LinkedHashMap<>(options);
      return String.format(
          Locale.ROOT,
          "| %s | %s | %.0f | %s | %s | %s | %d |",
          name,
          changed.toString().replace("tributary.", ""),
          rate,
          sorted.length == 0 ? "—" : String.format(Locale.ROOT, "%,d ms", percentile(sorted, 50)),
          sorted.length == 0 ? "—" : String.format(Locale.ROOT, "%,d ms", percentile(sorted, 99)),
          sorted.length == 0
              ? "—"
              : String.format(Locale.ROOT, "%,d ms", sorted[sorted.length - 1]),
          lost + failed.get());
    }
  }

  static long percentile(long[] sorted, double p) {
    int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
