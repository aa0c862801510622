package dev.tributary.job.bench;

import dev.tributary.job.testing.Envelopes;
import dev.tributary.job.testing.Fixtures;
import dev.tributary.job.testing.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The benchmark's input, written into Kafka before the job starts: pageviews of {@code visitors}
 * visitors (four pageviews per tracker session, {@link #CONCURRENT_SESSIONS} sessions in progress
 * at a time, five channels) and Stripe webhooks for a share of the events, in event-time order over
 * {@code span}. Every payment names a visitor who just browsed (checkout metadata), half as {@code
 * checkout.session.completed} plus the {@code payment_intent.succeeded} of the same money
 * (consolidated into one payment), half as a lone {@code payment_intent.succeeded}. Deterministic
 * for the same arguments.
 */
final class BenchData {
  static final String SITE = "shop";
  static final int PAGEVIEWS_PER_SESSION = 4;

  /**
   * Sessions in progress at any moment: a session's pageviews are about this many events apart
   * (minutes of event time at the default span), interleaved with other visitors' sessions, as on a
   * real site. Until 2026-12-06 a session's pageviews were spread over the whole span, which no
   * tracker produces (it starts a new session after 30 minutes of inactivity).
   */
  static final int CONCURRENT_SESSIONS = 64;

  private static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");

  private static final List<Scenario.Channel> CHANNELS = Scenario.CHANNELS;

  /** What was written. */
  record Written(long pageviews, long webhooks, long payments, long sessions, long bytes) {
    long events() {
      return pageviews + webhooks;
    }
  }

  private BenchData() {}

  static Written produce(
      String bootstrap,
      String trackingTopic,
      String webhooksTopic,
      long events,
      int visitors,
      double paymentShare,
      Duration span,
      long seed) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "1");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(512 * 1024));
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(128L * 1024 * 1024));
    SplittableRandom random = new SplittableRandom(seed);
    int[] pageviewsOf = new int[visitors];
    int[] inProgress = new int[CONCURRENT_SESSIONS];
    java.util.Arrays.fill(inProgress, -1);
    long step = Math.max(1, span.toMillis() / events);
    long pageviews = 0;
    long webhooks = 0;
    long payments = 0;
    long sessions = 0;
    long bytes = 0;
    int lastVisitor = 0;
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      long i = 0;
      while (i < events) {
        long at = T0.toEpochMilli() + i * step;
        // the first `visitors` pageviews introduce every visitor once; then visitors return at
        // random
        boolean payment = i >= visitors && random.nextDouble() < paymentShare;
        if (!payment) {
          // the next pageview of one of the sessions in progress; a finished session makes room
          // for a new one, of a visitor not seen yet while there are any, else of any visitor
          int slot = random.nextInt(CONCURRENT_SESSIONS);
          if (inProgress[slot] < 0) {
            inProgress[slot] = sessions < visitors ? (int) sessions : random.nextInt(visitors);
            sessions++;
          }
          int v = inProgress[slot];
          int n = pageviewsOf[v]++;
          if ((n + 1) % PAGEVIEWS_PER_SESSION == 0) {
            inProgress[slot] = -1;
          }
          int session = n / PAGEVIEWS_PER_SESSION;
          Scenario.Channel c = CHANNELS.get((v + session) % CHANNELS.size());
          String visitor = "v" + v;
          String value =
              Envelopes.pageview(
                  SITE,
                  visitor,
                  visitor + "_s" + session,
                  n % PAGEVIEWS_PER_SESSION == 0 ? c.url() : "https://shop.example/p/" + n,
                  n % PAGEVIEWS_PER_SESSION == 0 ? c.referrer() : "https://shop.example/",
                  n % PAGEVIEWS_PER_SESSION == 0 ? c.utm() : Map.of(),
                  Instant.ofEpochMilli(at));
          bytes += value.length();
          send(producer, trackingTopic, SITE + ":" + visitor, value, at, failure);
          pageviews++;
          lastVisitor = v;
          i++;
        } else {
          String visitor = "v" + lastVisitor;
          long amount = 1_000 + (payments % 97) * 100;
          String pi = "pi_" + payments;
          String intent =
              """
              {"id":"%s","object":"payment_intent","amount":%d,"amount_received":%d,\
              "currency":"usd","customer":"cus_%d","receipt_email":"buyer%d@example.com",\
              "metadata":{"tributary_visitor_id":"%s"}}"""
                  .formatted(pi, amount, amount, lastVisitor, lastVisitor, visitor);
          if (payments % 2 == 0 && i + 1 < events) {
            String checkout =
                """
                {"id":"cs_%d","object":"checkout.session","payment_status":"paid",\
                "amount_total":%d,"currency":"usd","payment_intent":"%s","customer":"cus_%d",\
                "customer_details":{"email":"buyer%d@example.com"},\
                "metadata":{"tributary_visitor_id":"%s"}}"""
                    .formatted(payments, amount, pi, lastVisitor, lastVisitor, visitor);
            bytes +=
                webhook(
                    producer,
                    webhooksTopic,
                    "evt_cs_" + payments,
                    "checkout.session.completed",
                    checkout,
                    at,
                    failure);
            webhooks++;
            i++;
            at += step;
          }
          bytes +=
              webhook(
                  producer,
                  webhooksTopic,
                  "evt_pi_" + payments,
                  "payment_intent.succeeded",
                  intent,
                  at,
                  failure);
          webhooks++;
          payments++;
          i++;
        }
        if (failure.get() != null) {
          throw new IllegalStateException("producing the input failed", failure.get());
        }
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("producing the input failed", failure.get());
    }
    return new Written(pageviews, webhooks, payments, sessions, bytes);
  }

  private static long webhook(
      KafkaProducer<String, String> producer,
      String topic,
      String eventId,
      String type,
      String object,
      long at,
      AtomicReference<Exception> failure) {
    String body = Fixtures.stripeEvent(eventId, type, at / 1000, object);
    String value = Envelopes.webhook(SITE, "stripe", eventId, Instant.ofEpochMilli(at), body);
    send(producer, topic, SITE, value, at, failure);
    return value.length();
  }

  private static void send(
      KafkaProducer<String, String> producer,
      String topic,
      String key,
      String value,
      long at,
      AtomicReference<Exception> failure) {
    producer.send(
        new ProducerRecord<>(topic, null, at, key, value),
        (metadata, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        });
  }
}
