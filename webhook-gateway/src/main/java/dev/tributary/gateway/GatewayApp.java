package dev.tributary.gateway;

import dev.tributary.gateway.config.GatewayConfig;
import dev.tributary.gateway.config.GatewayConfig.Capacity;
import dev.tributary.gateway.ingest.GatewayMetrics;
import dev.tributary.gateway.ingest.IngestRoutes;
import dev.tributary.gateway.kafka.KafkaPublisher;
import dev.tributary.gateway.kafka.KafkaReadiness;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook gateway: an HTTP server that checks each request and hands it to Kafka before saying
 * yes. This class only wires config, routes and the Kafka clients together; the rules live in
 * {@code config}, {@code verify}, {@code ingest} and {@code kafka}.
 *
 * <p>No thread of the public port waits for a client or for Kafka: bodies are read asynchronously,
 * and every answer is written from the Kafka producer's callback. Two lanes, each with its own
 * producer and in-flight budget, keep tracker traffic from taking what webhooks need ({@link
 * GatewayConfig.Capacity}).
 *
 * <p>The public port serves the ingest routes only. {@code GET /healthz} (the process is up),
 * {@code GET /readyz} (Kafka answered lately) and {@code GET /metrics} (Prometheus text) are on the
 * operations port ({@link OpsServer}).
 */
public final class GatewayApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayApp.class);

  /**
   * Threads of the public port. Requests hold one only while they compute (parse, verify, build the
   * record): bodies are read and Kafka acks awaited without a thread, so a few cores keep busy with
   * far fewer; the rest is headroom for bursts.
   */
  static final int MAX_THREADS = 200;

  private final Javalin server;
  private final Javalin ops;
  private final KafkaPublisher webhookProducer;
  private final KafkaPublisher trackingProducer;
  private final KafkaReadiness readiness;
  private final ScheduledExecutorService timers;

  private GatewayApp(
      Javalin server,
      Javalin ops,
      KafkaPublisher webhookProducer,
      KafkaPublisher trackingProducer,
      KafkaReadiness readiness,
      ScheduledExecutorService timers) {
    this.server = server;
    this.ops = ops;
    this.webhookProducer = webhookProducer;
    this.trackingProducer = trackingProducer;
    this.readiness = readiness;
    this.timers = timers;
  }

  /** Starts the gateway; returns once both listeners accept connections. */
  public static GatewayApp start(GatewayConfig config) {
    // Warnings name sites only, never a secret or a key.
    config.warnings().forEach(LOG::warn);
    Clock clock = Clock.systemUTC();
    GatewayMetrics metrics = new GatewayMetrics(IngestRoutes.providerLabels());
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 8, 60_000);
    threads.setName("tributary-http");
    ScheduledThreadPoolExecutor timers =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = new Thread(task, "tributary-timers");
              thread.setDaemon(true);
              return thread;
            });
    timers.setRemoveOnCancelPolicy(true);
    // One producer per lane: a tracker flood, or its backlog while the broker is slow, never sits
    // in the webhooks' producer buffer or in front of them on the broker connection.
    KafkaPublisher webhookProducer =
        new KafkaPublisher(
            config.kafkaBootstrapServers(), "tributary-gateway-webhooks", threads, timers);
    KafkaPublisher trackingProducer =
        new KafkaPublisher(
            config.kafkaBootstrapServers(), "tributary-gateway-tracking", threads, timers);
    KafkaReadiness readiness = KafkaReadiness.start(config.kafkaBootstrapServers());
    Javalin server = null;
    try {
      Lanes lanes = new Lanes(webhookProducer, trackingProducer, threads, timers);
      server = Javalin.create(javalin -> configure(javalin, config, lanes, metrics, clock)).start();
      Javalin ops =
          OpsServer.start(
              config.operations(), config.protection().maxHeaderBytes(), readiness, metrics);
      LOG.info(
          "Tributary gateway listening on port {} (operations on {}:{}) for {} site(s), producing"
              + " to Kafka at {}",
          server.port(),
          config.operations().bindAddress(),
          ops.port(),
          config.sites().size(),
          config.kafkaBootstrapServers());
      return new GatewayApp(server, ops, webhookProducer, trackingProducer, readiness, timers);
    } catch (RuntimeException e) {
      if (server != null) {
        server.stop();
      }
      readiness.close();
      webhookProducer.close();
      trackingProducer.close();
      timers.shutdownNow();
      throw e;
    }
  }

  /** What the public routes use besides the config: the producers, the pool, the timer. */
  private record Lanes(
      KafkaPublisher webhookProducer,
      KafkaPublisher trackingProducer,
      QueuedThreadPool threads,
      ScheduledExecutorService timers) {}

  /** The public port (the chosen one when the config asked for 0). */
  public int port() {
    return server.port();
  }

  /** The operations port: /healthz, /readyz, /metrics (the chosen one when asked for 0). */
  public int opsPort() {
    return ops.port();
  }

  /** Stops taking requests, then flushes and closes the Kafka clients. */
  @Override
  public void close() {
    server.stop();
    ops.stop();
    readiness.close();
    webhookProducer.close();
    trackingProducer.close();
    timers.shutdownNow();
    LOG.info("Tributary gateway stopped");
  }

  /** Runs the gateway from {@code TRIBUTARY_*} environment variables until the JVM stops. */
  public static void main(String[] args) {
    GatewayConfig config;
    try {
      config = GatewayConfig.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      LOG.error("Invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    GatewayApp app = start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "tributary-gateway-shutdown"));
  }

  private static void configure(
      JavalinConfig javalin,
      GatewayConfig config,
      Lanes lanes,
      GatewayMetrics metrics,
      Clock clock) {
    Capacity capacity = config.capacity();
    javalin.jetty.threadPool = lanes.threads();
    javalin.jetty.addConnector(
        (server, http) -> {
          ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
          connector.setPort(config.port());
          // Closes a connection silent for this long: between requests, in a request head (which
          // Jetty parses without a thread), in a body. A request waiting for Kafka is not cut.
          connector.setIdleTimeout(TimeUnit.SECONDS.toMillis(capacity.idleTimeoutSeconds()));
          return connector;
        });
    javalin.jetty.modifyHttpConfiguration(
        http -> {
          // Jetty answers a larger request head with 431 before any handler runs.
          http.setRequestHeaderSize(config.protection().maxHeaderBytes());
          // Jetty reuses header values already seen on a connection and by default matches them
          // ignoring case: an API key or a base64 signature differing from an earlier one only in
          // case would be replaced by the earlier value. Secrets are case-sensitive.
          http.setHeaderCacheCaseSensitive(true);
          http.setSendServerVersion(false);
          http.setSendXPoweredBy(false);
          // Jetty's own minimum request data rate stays off: it measures from the first body byte
          // to each read, the end-of-body read included, so a 300-byte body whose end is read a
          // few milliseconds after its bytes fails it. The body reader checks the rate itself,
          // after a grace second (AsyncBody).
        });
    // A backstop only: every read and every publish has its own, shorter bound.
    javalin.http.asyncTimeout =
        TimeUnit.SECONDS.toMillis(capacity.bodyTimeoutSeconds())
            + KafkaPublisher.ANSWER_BOUND.toMillis()
            + TimeUnit.SECONDS.toMillis(30);
    javalin.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
    javalin.startup.showJavalinBanner = false;
    javalin.startup.showOldJavalinVersionWarning = false;
    javalin.requestLogger.http(
        (ctx, ms) ->
            LOG.debug(
                "{} {} -> {} in {} ms",
                ctx.method(),
                IngestRoutes.loggablePath(ctx.path()),
                ctx.statusCode(),
                ms));
    IngestRoutes.register(
        javalin.routes,
        config,
        lanes.webhookProducer(),
        lanes.trackingProducer(),
        metrics,
        clock,
        lanes.timers(),
        lanes.threads());
  }
}
