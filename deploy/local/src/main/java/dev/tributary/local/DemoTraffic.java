package dev.tributary.local;

import dev.tributary.local.GatewayClient.Pageview;
import dev.tributary.local.StripeEvents.Payment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Plays realistic traffic against the running gateway: visitors arrive from several marketing
 * channels, browse a few pages, and some of them buy; their purchases arrive as signed Stripe
 * webhooks.
 *
 * <ul>
 *   <li>Channels: Google organic (referrer only), Google Ads (gclid + utm_medium=cpc), Facebook
 *       paid (fbclid + utm_medium=paid_social), the newsletter (utm_medium=email) and direct.
 *   <li>Some visitors come back later through another channel, so multi-touch models differ.
 *   <li>Most purchases carry the visitor and session in Stripe metadata (checkout created with
 *       {@code metadata[tributary_visitor_id]}); some do not and can only be matched by time, or
 *       stay unattributed.
 *   <li>A payment is reported by {@code checkout.session.completed}, by {@code
 *       payment_intent.succeeded}, or by both; now and then Stripe retries a delivery, so the same
 *       event arrives twice.
 * </ul>
 *
 * <p>One background thread runs a small timeline of steps (pageview, webhook) in time order; every
 * journey is a few steps spread over seconds.
 */
public final class DemoTraffic implements AutoCloseable {

  /** Counters for the console. */
  public record Stats(
      long visitors,
      long pageviews,
      long payments,
      long webhooks,
      long redeliveries,
      long failed) {}

  /** Where a visit comes from. */
  enum Channel {
    GOOGLE_ORGANIC(30, 0.25),
    GOOGLE_ADS(20, 0.40),
    FACEBOOK_PAID(15, 0.25),
    NEWSLETTER(15, 0.45),
    DIRECT(20, 0.30);

    final int weight;
    final double buyRate;

    Channel(int weight, double buyRate) {
      this.weight = weight;
      this.buyRate = buyRate;
    }
  }

  private record Plan(String name, long amountMinor, String currency) {}

  private static final List<Plan> PLANS =
      List.of(
          new Plan("starter", 1_900, "usd"),
          new Plan("pro", 4_900, "usd"),
          new Plan("team", 9_900, "usd"),
          new Plan("pro-eu", 4_900, "eur"),
          new Plan("business-eu", 19_900, "eur"));

  private static final String SITE = "https://www.demo-shop.test";
  private static final List<String> LANDING_PAGES =
      List.of("/", "/pricing", "/blog/revenue-attribution-101", "/features", "/blog/flink-at-home");
  private static final List<String> INNER_PAGES =
      List.of("/pricing", "/features", "/docs/quickstart", "/customers", "/checkout");

  private final GatewayClient client;
  private final String siteId;
  private final StripeSigner signer;
  private final Random random;
  private final Duration meanArrivalGap;
  private final Consumer<String> errors;

  private final PriorityQueue<Step> timeline = new PriorityQueue<>();
  private final AtomicLong visitors = new AtomicLong();
  private final AtomicLong pageviews = new AtomicLong();
  private final AtomicLong payments = new AtomicLong();
  private final AtomicLong webhooks = new AtomicLong();
  private final AtomicLong redeliveries = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private long sequence;
  private volatile boolean running;
  private Thread thread;

  /**
   * @param visitorsPerMinute mean arrival rate of new visitors
   * @param errors receives a one-line message when a request fails (rate-limited by the caller)
   */
  public DemoTraffic(
      GatewayClient client,
      String siteId,
      String stripeSecret,
      double visitorsPerMinute,
      long seed,
      Consumer<String> errors) {
    if (visitorsPerMinute <= 0) {
      throw new IllegalArgumentException("visitorsPerMinute must be > 0");
    }
    this.client = client;
    this.siteId = siteId;
    this.signer = new StripeSigner(stripeSecret);
    this.random = new Random(seed);
    this.meanArrivalGap = Duration.ofMillis((long) (60_000 / visitorsPerMinute));
    this.errors = errors;
  }

  /** Starts the background thread. */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = new Thread(this::run, "tributary-demo-traffic");
    thread.setDaemon(true);
    thread.start();
  }

  public Stats stats() {
    return new Stats(
        visitors.get(),
        pageviews.get(),
        payments.get(),
        webhooks.get(),
        redeliveries.get(),
        failed.get());
  }

  /** Stops the thread; steps not yet played are dropped. */
  @Override
  public void close() throws InterruptedException {
    Thread t;
    synchronized (this) {
      running = false;
      t = thread;
      thread = null;
    }
    if (t != null) {
      t.interrupt();
      t.join(10_000);
    }
  }

  private void run() {
    long nextArrival = System.currentTimeMillis();
    while (running) {
      long now = System.currentTimeMillis();
      if (now >= nextArrival) {
        planVisitor(now);
        nextArrival = now + exponential(meanArrivalGap.toMillis());
      }
      Step next = timeline.peek();
      long until = Math.min(nextArrival, next == null ? Long.MAX_VALUE : next.at);
      if (until > now) {
        try {
          Thread.sleep(Math.min(until - now, 1_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        continue;
      }
      Step step = timeline.poll();
      if (step != null) {
        try {
          step.action.run();
        } catch (RuntimeException e) {
          failed.incrementAndGet();
          errors.accept("demo: " + e.getMessage());
        }
      }
    }
  }

  /** Plans the whole journey of one new visitor as timed steps. */
  private void planVisitor(long now) {
    visitors.incrementAndGet();
    String visitorId = "v_" + StripeEvents.randomId(16);
    long t = now;
    Channel first = pickChannel();
    String sessionId = "s_" + StripeEvents.randomId(16);
    t = planSession(t, visitorId, sessionId, first);
    double buyRate = first.buyRate;

    // Every fifth visitor comes back a little later, through another channel, before deciding.
    if (random.nextInt(5) == 0) {
      Channel second = random.nextBoolean() ? Channel.DIRECT : pickChannel();
      sessionId = "s_" + StripeEvents.randomId(16);
      t = planSession(t + 4_000 + random.nextInt(8_000), visitorId, sessionId, second);
      buyRate = Math.min(0.9, buyRate + 0.25);
    }
    if (random.nextDouble() < buyRate) {
      planPurchase(t + 1_500 + random.nextInt(4_000), visitorId, sessionId);
    }
  }

  private long planSession(long start, String visitorId, String sessionId, Channel channel) {
    String landing = LANDING_PAGES.get(random.nextInt(LANDING_PAGES.size()));
    String url = SITE + landing + query(channel);
    String referrer = referrer(channel);
    schedule(start, () -> sendPageview(visitorId, sessionId, url, referrer));
    long t = start;
    String previous = SITE + landing;
    int more = random.nextInt(4);
    for (int i = 0; i < more; i++) {
      t += 800 + random.nextInt(2_500);
      String page = SITE + INNER_PAGES.get(random.nextInt(INNER_PAGES.size()));
      String from = previous;
      schedule(t, () -> sendPageview(visitorId, sessionId, page, from));
      previous = page;
    }
    return t;
  }

  private void planPurchase(long at, String visitorId, String sessionId) {
    Plan plan = PLANS.get(random.nextInt(PLANS.size()));
    boolean linked = random.nextInt(4) != 0; // 75 % carry metadata
    String customer = "cus_" + StripeEvents.randomId(14);
    String email = "buyer+" + StripeEvents.randomId(8).toLowerCase() + "@example.com";
    Payment payment =
        Payment.create(
            plan.amountMinor(),
            plan.currency(),
            customer,
            email,
            linked ? visitorId : null,
            linked ? sessionId : null,
            Instant.ofEpochMilli(at));
    payments.incrementAndGet();

    List<String> bodies = new ArrayList<>(2);
    int kind = random.nextInt(4);
    if (kind <= 1) {
      bodies.add(StripeEvents.checkoutSessionCompleted(StripeEvents.newEventId(), payment));
    } else if (kind == 2) {
      bodies.add(StripeEvents.paymentIntentSucceeded(StripeEvents.newEventId(), payment));
    } else {
      bodies.add(StripeEvents.paymentIntentSucceeded(StripeEvents.newEventId(), payment));
      bodies.add(StripeEvents.checkoutSessionCompleted(StripeEvents.newEventId(), payment));
    }
    long t = at;
    for (String body : bodies) {
      schedule(t, () -> sendWebhook(body, false));
      t += 300 + random.nextInt(1_200);
    }
    // One delivery in ten is retried by "Stripe": same event, same bytes, a fresh signature.
    if (random.nextInt(10) == 0) {
      String again = bodies.get(random.nextInt(bodies.size()));
      schedule(t + 1_000 + random.nextInt(3_000), () -> sendWebhook(again, true));
    }
  }

  private void sendPageview(String visitorId, String sessionId, String url, String referrer) {
    Map<String, String> utm = Pageview.utmOf(url);
    Pageview pv = new Pageview(siteId, visitorId, sessionId, url, referrer, utm);
    try {
      GatewayClient.Response r = client.pageview(pv);
      if (r.ok()) {
        pageviews.incrementAndGet();
      } else {
        fail("pageview answered " + r.status() + " " + abbreviate(r.body()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      fail("pageview failed: " + e);
    }
  }

  private void sendWebhook(String body, boolean redelivery) {
    try {
      GatewayClient.Response r = client.stripeWebhook(siteId, signer, body);
      if (r.ok()) {
        webhooks.incrementAndGet();
        if (redelivery) {
          redeliveries.incrementAndGet();
        }
      } else {
        fail("stripe webhook answered " + r.status() + " " + abbreviate(r.body()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      fail("stripe webhook failed: " + e);
    }
  }

  private void fail(String message) {
    failed.incrementAndGet();
    errors.accept("demo: " + message);
  }

  private Channel pickChannel() {
    int total = 0;
    for (Channel c : Channel.values()) {
      total += c.weight;
    }
    int r = random.nextInt(total);
    for (Channel c : Channel.values()) {
      r -= c.weight;
      if (r < 0) {
        return c;
      }
    }
    return Channel.DIRECT;
  }

  private String query(Channel channel) {
    return switch (channel) {
      case GOOGLE_ADS ->
          "?utm_source=google&utm_medium=cpc&utm_campaign="
              + pick("brand_search", "competitor_search", "generic_attribution")
              + "&utm_term="
              + pick("revenue+attribution", "stripe+analytics", "tributary")
              + "&gclid=Cj0KCQ"
              + StripeEvents.randomId(20);
      case FACEBOOK_PAID ->
          "?utm_source=facebook&utm_medium=paid_social&utm_campaign="
              + pick("spring_sale", "founders_retargeting")
              + "&utm_content="
              + pick("video_a", "carousel_b")
              + "&fbclid=IwAR"
              + StripeEvents.randomId(24);
      case NEWSLETTER ->
          "?utm_source=newsletter&utm_medium=email&utm_campaign="
              + pick("weekly_digest", "launch_announcement");
      case GOOGLE_ORGANIC, DIRECT -> "";
    };
  }

  private String referrer(Channel channel) {
    return switch (channel) {
      case GOOGLE_ORGANIC, GOOGLE_ADS -> "https://www.google.com/";
      case FACEBOOK_PAID -> pick("https://l.facebook.com/", "https://m.facebook.com/");
      case NEWSLETTER -> random.nextBoolean() ? null : "https://mail.google.com/";
      case DIRECT -> null;
    };
  }

  private String pick(String... options) {
    return options[random.nextInt(options.length)];
  }

  private long exponential(long mean) {
    double u = 1.0 - random.nextDouble();
    return Math.max(50, (long) (-Math.log(u) * mean));
  }

  private void schedule(long at, Runnable action) {
    timeline.add(new Step(at, sequence++, action));
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }

  private record Step(long at, long seq, Runnable action) implements Comparable<Step> {
    @Override
    public int compareTo(Step o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
