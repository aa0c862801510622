package dev.tributary.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webjars.WebJarVersionLocator;

/**
 * The live page of the local run: a small read-only web UI over the warehouse, on a port of its own
 * ({@code --live-port}, default {@value RunnerOptions#DEFAULT_LIVE_PORT}), bound to the loopback
 * interface only.
 *
 * <ul>
 *   <li>{@code GET /} the overview: revenue over time and by channel under a chosen model,
 *       attribution quality, the latest payments;
 *   <li>{@code GET /payment?site=…&provider=…&key=…} one payment explained: its touches, each
 *       touch's credit under every model, its journal (payment, refunds, corrections);
 *   <li>{@code GET /api/overview}, {@code GET /api/payment} the JSON those pages poll (every 5 s);
 *   <li>{@code GET /assets/…} the pages' scripts and styles and Apache ECharts from its WebJar.
 * </ul>
 *
 * <p>Every request reads in one read-only transaction ({@link LiveQueries}); nothing is loaded from
 * another host.
 */
public final class LivePage implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LivePage.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A handful of threads: one person's browser polls two endpoints. */
  private static final int MAX_THREADS = 8;

  /** Everything the pages load comes from this server; ECharts' tooltips use inline styles. */
  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'"
          + " data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action"
          + " 'none'";

  private record Asset(String contentType, byte[] bytes) {}

  private final Javalin server;

  private LivePage(Javalin server) {
    this.server = server;
  }

  /**
   * Starts the page on {@code port} (0 = any free port) of the loopback interface.
   *
   * @param connections opens a connection to the warehouse
   * @param defaultSite the site shown when the address names none
   */
  public static LivePage start(
      int port, RevenueSummary.ConnectionSource connections, String defaultSite) {
    LiveQueries queries = new LiveQueries(defaultSite);
    Map<String, Asset> assets = assets();
    Javalin server =
        Javalin.create(
                javalin -> {
                  javalin.jetty.host = "127.0.0.1";
                  javalin.jetty.port = port;
                  QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
                  threads.setName("tributary-live");
                  javalin.jetty.threadPool = threads;
                  javalin.jetty.modifyHttpConfiguration(
                      http -> {
                        http.setSendServerVersion(false);
                        http.setSendXPoweredBy(false);
                      });
                  javalin.startup.showJavalinBanner = false;
                  javalin.startup.showOldJavalinVersionWarning = false;
                  javalin.routes.get("/", ctx -> asset(ctx, assets.get("index.html")));
                  javalin.routes.get("/payment", ctx -> asset(ctx, assets.get("payment.html")));
                  javalin.routes.get(
                      "/assets/{name}",
                      ctx -> {
                        Asset a = assets.get(ctx.pathParam("name"));
                        if (a == null || a.contentType().startsWith("text/html")) {
                          throw new HttpResponseException(404, "no such asset");
                        }
                        asset(ctx, a);
                      });
                  javalin.routes.get(
                      "/api/overview",
                      ctx ->
                          json(
                              ctx,
                              read(
                                  connections,
                                  c ->
                                      queries.overview(
                                          c,
                                          new LiveQueries.OverviewRequest(
                                              ctx.queryParam("site"),
                                              ctx.queryParam("mode"),
                                              ctx.queryParam("model"),
                                              ctx.queryParam("currency"),
                                              ctx.queryParam("granularity"),
                                              ctx.queryParam("basis"))))));
                  javalin.routes.get(
                      "/api/payment",
                      ctx -> {
                        String provider = ctx.queryParam("provider");
                        String key = ctx.queryParam("key");
                        if (provider == null || key == null) {
                          throw new HttpResponseException(400, "provider and key are required");
                        }
                        ObjectNode payment =
                            read(
                                connections,
                                c -> queries.payment(c, ctx.queryParam("site"), provider, key));
                        if (payment == null) {
                          throw new HttpResponseException(404, "no such payment");
                        }
                        json(ctx, payment);
                      });
                  javalin.routes.exception(
                      HttpResponseException.class,
                      (error, ctx) -> error(ctx, error.getStatus(), error.getMessage()));
                  javalin.routes.exception(
                      IllegalArgumentException.class,
                      (error, ctx) -> error(ctx, 400, error.getMessage()));
                  javalin.routes.exception(
                      SQLException.class,
                      (error, ctx) -> {
                        LOG.warn("Live page query failed: {}", error.toString());
                        error(
                            ctx,
                            503,
                            "the warehouse did not answer: "
                                + String.valueOf(error.getMessage())
                                    .lines()
                                    .findFirst()
                                    .orElse(""));
                      });
                })
            .start();
    return new LivePage(server);
  }

  /** Work in one read-only transaction. */
  @FunctionalInterface
  interface Read<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} in a read-only, repeatable-read transaction (one snapshot for everything a
   * page shows) with a statement timeout, and rolls it back.
   */
  static <T> T read(RevenueSummary.ConnectionSource connections, Read<T> work) throws SQLException {
    try (Connection c = connections.open()) {
      c.setAutoCommit(false);
      try {
        try (var st = c.createStatement()) {
          st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
          st.execute("SET LOCAL statement_timeout = '10s'");
        }
        return work.run(c);
      } finally {
        c.rollback();
      }
    }
  }

  public int port() {
    return server.port();
  }

  public String url() {
    return "http://localhost:" + port();
  }

  @Override
  public void close() {
    server.stop();
  }

  private static void json(Context ctx, ObjectNode body) throws IOException {
    ctx.header("Cache-Control", "no-store");
    ctx.contentType("application/json; charset=utf-8").result(JSON.writeValueAsBytes(body));
  }

  private static void error(Context ctx, int status, String message) {
    ObjectNode body = JSON.createObjectNode().put("error", message);
    ctx.status(status).header("Cache-Control", "no-store");
    ctx.contentType("application/json; charset=utf-8").result(body.toString());
  }

  private static void asset(Context ctx, Asset a) {
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cache-Control", "no-cache");
    ctx.contentType(a.contentType()).result(a.bytes());
  }

  /** The pages, their scripts and ECharts, read once from the class path. */
  private static Map<String, Asset> assets() {
    Map<String, Asset> out = new LinkedHashMap<>();
    for (String name :
        new String[] {
          "index.html", "payment.html", "live.css", "live.js", "overview.js", "payment.js"
        }) {
      out.put(name, new Asset(contentType(name), resource("live/" + name)));
    }
    // The WebJar's own version, so that the page follows the dependency in the POM.
    String echarts = new WebJarVersionLocator().fullPath("echarts", "dist/echarts.min.js");
    if (echarts == null) {
      throw new IllegalStateException("the ECharts WebJar is not on the class path");
    }
    out.put("echarts.min.js", new Asset(contentType(echarts), resource(echarts)));
    return Map.copyOf(out);
  }

  private static String contentType(String name) {
    if (name.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    return "text/javascript; charset=utf-8";
  }

  private static byte[] resource(String path) {
    try (InputStream in = LivePage.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
