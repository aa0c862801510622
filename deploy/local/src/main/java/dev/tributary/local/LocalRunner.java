package dev.tributary.local;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobStatus;

/**
 * {@code deploy/local/run.sh}: the whole of Tributary in one JVM, for a laptop.
 *
 * <p>Starts a Kafka broker, PostgreSQL with the warehouse schema, the Flink job and the gateway
 * ({@link LocalStack}) and the live page over the warehouse ({@link LivePage}), prints where
 * everything is and how to send it a webhook, optionally plays demo traffic ({@link DemoTraffic})
 * and prints revenue by channel ({@link RevenueSummary}). Ctrl-C stops demo, live page, gateway,
 * job (with a savepoint), Kafka and PostgreSQL, in that order. Everything is kept in the data
 * directory; the next start continues where this one stopped.
 */
public final class LocalRunner {

  private final RunnerOptions options;
  private final Console console;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile LocalStack stack;
  private volatile DemoTraffic demo;
  private volatile LivePage livePage;
  private volatile ScheduledExecutorService scheduler;

  LocalRunner(RunnerOptions options, Console console) {
    this.options = options;
    this.console = console;
  }

  public static void main(String[] args) {
    RunnerOptions options;
    try {
      options = RunnerOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println();
      System.err.print(RunnerOptions.USAGE);
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.print(RunnerOptions.USAGE);
      return;
    }
    Path dataDir = options.dataDir().toAbsolutePath().normalize();
    // Before anything touches SLF4J: the runner's own Log4j configuration, with a log file in the
    // data directory (the components' INFO chatter goes there, warnings also to the terminal).
    Path logDir = dataDir.resolve("logs");
    System.setProperty("tributary.local.logDir", logDir.toString());
    // Where the Flink web UI finds the log to show.
    System.setProperty("log.file", logDir.resolve("tributary-local.log").toString());
    if (System.getProperty("log4j2.statusLoggerLevel") == null) {
      // Log4j's own status logger complains about Flink messages with surplus arguments.
      System.setProperty("log4j2.statusLoggerLevel", "ERROR");
    }
    if (System.getProperty("log4j2.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", "log4j2-local.xml");
    }
    LocalRunner runner = new LocalRunner(options, Console.stdout());
    int rc = runner.run(dataDir);
    if (rc != 0) {
      System.exit(rc);
    }
  }

  int run(Path dataDir) {
    console.line("Tributary local · data in %s", dataDir);
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "tributary-local-shutdown"));
    try {
      Files.createDirectories(dataDir);
      LocalStack.Site site = DemoSite.loadOrCreate(dataDir);
      // A PostgreSQL left over by a killed runner still holds its port: stop it before choosing.
      LocalPostgres.stopOrphanedServer(dataDir.resolve("postgres"));
      LocalStack.Settings settings =
          new LocalStack.Settings(
              dataDir,
              options.port(),
              portOrDefault(options.kafkaPort(), RunnerOptions.DEFAULT_KAFKA_PORT),
              portOrDefault(options.postgresPort(), RunnerOptions.DEFAULT_POSTGRES_PORT),
              portOrDefault(options.flinkPort(), RunnerOptions.DEFAULT_FLINK_PORT),
              3,
              options.startJob(),
              !options.freshState(),
              true,
              options.parallelism(),
              options.checkpointInterval(),
              List.of(site),
              options.effectiveJobOptions());
      LocalStack created = LocalStack.create(settings);
      stack = created;
      created.start(
          (component, millis, detail) ->
              console.step("%-10s started in %5d ms  %s", component, millis, detail));
    } catch (Exception e) {
      console.line("");
      console.line("Start-up failed: %s", describe(e));
      console.line("Details in %s", dataDir.resolve("logs"));
      if (causedBy(e, LocalFlink.RestoreFailed.class)) {
        console.line(
            "The job's saved state does not fit this build of the job (or is damaged). Start with"
                + " --fresh-state to ignore it: the job then re-reads Kafka from its committed"
                + " offsets and the warehouse stays as it is.");
      }
      stop();
      return 1;
    }
    if (stopping.get()) {
      return 0;
    }
    if (options.livePage()) {
      startLivePage(stack);
    }
    console.step("ready in %d ms", stack.startupMillis());
    printBanner(stack);

    if (options.demo()) {
      startDemo(stack);
    }
    startBackgroundTasks(stack);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** The live page; the rest runs on without it if it cannot start (its port taken). */
  private void startLivePage(LocalStack s) {
    long start = System.nanoTime();
    try {
      LivePage page =
          LivePage.start(
              portOrDefault(options.livePort(), RunnerOptions.DEFAULT_LIVE_PORT),
              s.postgres()::connect,
              s.site().siteId());
      livePage = page;
      console.step(
          "%-10s started in %5d ms  %s",
          "live page", (System.nanoTime() - start) / 1_000_000, page.url());
    } catch (RuntimeException e) {
      console.step("live page not started: %s", describe(e));
    }
  }

  private static int portOrDefault(Integer explicit, int preferred) {
    return explicit != null ? explicit : Ports.preferredOrFree(preferred);
  }

  private void printBanner(LocalStack s) {
    LocalStack.Site site = s.site();
    String url = s.gatewayUrl();
    LocalPostgres pg = s.postgres();
    StringBuilder b = new StringBuilder();
    b.append('\n');
    b.append("  Gateway      ").append(url).append('\n');
    b.append("  Kafka        ").append(s.kafka().bootstrapServers()).append('\n');
    b.append("  PostgreSQL   ")
        .append(pg.jdbcUrl())
        .append("?user=")
        .append(pg.user())
        .append("&password=")
        .append(pg.password())
        .append('\n');
    b.append("               psql -h localhost -p ")
        .append(pg.port())
        .append(" -U ")
        .append(pg.user())
        .append(' ')
        .append(LocalPostgres.DATABASE)
        .append('\n');
    s.flink()
        .ifPresentOrElse(
            f ->
                b.append("  Flink        ")
                    .append("http://localhost:" + f.restPort() + "  (web UI and REST API)")
                    .append("  job ")
                    .append(f.jobClient().getJobID())
                    .append('\n'),
            () -> b.append("  Flink        not started (--no-job)\n"));
    LivePage page = livePage;
    b.append("  Live page    ")
        .append(
            page != null
                ? page.url() + "  (revenue, attribution quality, payments; refreshes itself)"
                : options.livePage() ? "not started" : "off (--no-live-page)")
        .append('\n');
    b.append("  Site         ").append(site.siteId()).append('\n');
    b.append("  Stripe secret ").append(site.stripeSecret()).append("   (local demo secret)\n");
    b.append("  API key      ").append(site.apiKey()).append("   (local demo key)\n");
    b.append('\n');
    b.append("  Try it:\n");
    tryIt(url, site, pg.port(), pg.user())
        .lines()
        .forEach(l -> b.append("    ").append(l).append('\n'));
    b.append('\n');
    b.append(
        System.console() != null
            ? "  Enter prints revenue by channel · Ctrl-C stops (state is kept)\n"
            : "  Ctrl-C stops (state is kept)\n");
    console.block(b.toString());
  }

  /**
   * The "Try it" commands of the start-up text, as they are to be pasted into a shell: a pageview,
   * a Stripe webhook signed like Stripe signs it, a Payment API call and a warehouse query. {@code
   * EndToEndIT} runs them as printed.
   */
  static String tryIt(String url, LocalStack.Site site, int pgPort, String pgUser) {
    StringBuilder b = new StringBuilder();
    b.append(
        "# a pageview from a newsletter click (with a browser's User-Agent: the gateway drops"
            + " curl's and bots' tracker calls, and says so)\n");
    b.append("curl -sS -X POST ")
        .append(url)
        .append("/api/v1/events -H 'Content-Type: application/json' \\\n")
        .append(
            "  -A 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' \\\n")
        .append("  -d '{\"siteId\":\"")
        .append(site.siteId())
        .append(
            "\",\"visitorId\":\"v_me\",\"sessionId\":\"s_me\",\"url\":\"https://www.demo-shop.test/"
                + "?utm_source=newsletter&utm_medium=email&utm_campaign=weekly\"}'\n");
    b.append("# a Stripe payment by that visitor, signed like Stripe does\n");
    b.append("secret='").append(site.stripeSecret()).append("'\n");
    b.append("t=$(date +%s)\n");
    b.append(
        "body='{\"id\":\"evt_me_1\",\"type\":\"payment_intent.succeeded\",\"created\":'$t',"
            + "\"livemode\":false,\"data\":{\"object\":{\"id\":\"pi_me_1\",\"object\":"
            + "\"payment_intent\",\"amount\":4900,\"amount_received\":4900,\"currency\":\"usd\","
            + "\"metadata\":{\"tributary_visitor_id\":\"v_me\",\"tributary_session_id\":\"s_me\"}}}}'\n");
    b.append(
        "sig=$(printf '%s' \"$t.$body\" | openssl dgst -sha256 -hmac \"$secret\" | sed 's/^.*= //')\n");
    b.append("curl -sS -X POST ")
        .append(url)
        .append("/webhooks/stripe/")
        .append(site.siteId())
        .append(" -H 'Content-Type: application/json' \\\n")
        .append("  -H \"Stripe-Signature: t=$t,v1=$sig\" --data-binary \"$body\"\n");
    b.append("# the custom Payment API\n");
    b.append("curl -sS -X POST ")
        .append(url)
        .append("/api/v1/payments -H 'Authorization: Bearer ")
        .append(site.apiKey())
        .append("' \\\n")
        .append("  -H 'Content-Type: application/json' -d '{\"provider\":\"shop\",")
        .append("\"providerPaymentId\":\"ord_1\",\"amount\":\"19.90\",\"currency\":\"EUR\",")
        .append("\"visitorId\":\"v_me\"}'\n");
    b.append("# the warehouse\n");
    b.append("psql -h localhost -p ")
        .append(pgPort)
        .append(" -U ")
        .append(pgUser)
        .append(' ')
        .append(LocalPostgres.DATABASE)
        .append(" -c \"SELECT * FROM revenue_by_channel WHERE model = 'last_touch'\"\n");
    return b.toString();
  }

  private void startDemo(LocalStack s) {
    AtomicLong lastError = new AtomicLong();
    DemoTraffic traffic =
        new DemoTraffic(
            new GatewayClient(s.gatewayUrl()),
            s.site().siteId(),
            s.site().stripeSecret(),
            options.demoVisitorsPerMinute(),
            System.nanoTime(),
            message -> {
              long now = System.currentTimeMillis();
              long last = lastError.get();
              if (now - last > 10_000 && lastError.compareAndSet(last, now)) {
                console.step("%s", message);
              }
            });
    demo = traffic;
    traffic.start();
    console.step(
        "demo traffic started: ~%.0f visitors per minute to site %s",
        options.demoVisitorsPerMinute(), s.site().siteId());
  }

  /** Revenue summaries (every few seconds, on Enter) and a watch on the job's status. */
  private void startBackgroundTasks(LocalStack s) {
    ScheduledExecutorService exec =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tributary-console");
              t.setDaemon(true);
              return t;
            });
    scheduler = exec;
    s.flink().ifPresent(f -> watchJob(exec, f));

    RevenueSummary summary = new RevenueSummary(s.postgres()::connect, s.site().siteId());
    boolean interactive = System.console() != null;
    Runnable print = () -> printSummary(summary);
    if (options.summaryEverySeconds() > 0) {
      exec.scheduleWithFixedDelay(
          print, options.summaryEverySeconds(), options.summaryEverySeconds(), TimeUnit.SECONDS);
    }
    if (interactive) {
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                  while (in.readLine() != null) {
                    exec.execute(print);
                  }
                } catch (Exception e) {
                  // stdin closed or the executor stopped: no more on-demand summaries.
                }
              },
              "tributary-stdin");
      reader.setDaemon(true);
      reader.start();
    }
  }

  /** Says so when the job stops running, e.g. because a restore failed after a code change. */
  private void watchJob(ScheduledExecutorService exec, LocalFlink flink) {
    AtomicReference<JobStatus> last = new AtomicReference<>(JobStatus.RUNNING);
    exec.scheduleWithFixedDelay(
        () -> {
          if (stopping.get()) {
            return;
          }
          JobStatus now = flink.status();
          JobStatus before = last.getAndSet(now);
          if (now == before) {
            return;
          }
          if (now == JobStatus.RUNNING) {
            console.step("flink job is RUNNING again");
          } else {
            console.step(
                "flink job is %s (details in %s). If it keeps failing after a change to the"
                    + " job, restart with --fresh-state.",
                now, options.dataDir().toAbsolutePath().normalize().resolve("logs"));
          }
        },
        2,
        2,
        TimeUnit.SECONDS);
  }

  private void printSummary(RevenueSummary summary) {
    if (stopping.get()) {
      return;
    }
    StringBuilder b = new StringBuilder("\n").append(summary.render());
    DemoTraffic d = demo;
    if (d != null) {
      DemoTraffic.Stats st = d.stats();
      b.append(
          String.format(
              "   demo: %d visitors, %d pageviews, %d purchases, %d webhooks (%d redelivered),"
                  + " %d failed%n",
              st.visitors(),
              st.pageviews(),
              st.payments(),
              st.webhooks(),
              st.redeliveries(),
              st.failed()));
    }
    stack.flink().ifPresent(f -> b.append("   flink job: ").append(f.status()).append('\n'));
    console.block(b.toString());
  }

  /** Stops everything in order; safe to call twice (Ctrl-C and a failed start). */
  void stop() {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    long start = System.nanoTime();
    console.line("");
    console.step("stopping…");
    ScheduledExecutorService exec = scheduler;
    if (exec != null) {
      exec.shutdownNow();
    }
    DemoTraffic d = demo;
    if (d != null) {
      try {
        d.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    LivePage page = livePage;
    if (page != null) {
      try {
        page.close();
      } catch (RuntimeException e) {
        // stopping anyway
      }
    }
    LocalStack s = stack;
    if (s != null) {
      s.close();
    }
    console.step(
        "stopped in %d ms; data kept in %s",
        Duration.ofNanos(System.nanoTime() - start).toMillis(),
        options.dataDir().toAbsolutePath().normalize());
    stopped.countDown();
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
    Throwable cause = e.getCause();
    int depth = 0;
    while (cause != null && depth++ < 4) {
      sb.append("\n  caused by ").append(cause);
      cause = cause.getCause();
    }
    return sb.toString();
  }
}
