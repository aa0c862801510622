package dev.tributary.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A plain HTTP client of the gateway, used by the demo traffic and by the end-to-end test: it sends
 * what a browser's tracker and Stripe would send, over real HTTP.
 */
public final class GatewayClient {

  /** A pageview as the tracker sends it to {@code POST /api/v1/events}. */
  public record Pageview(
      String siteId,
      String visitorId,
      String sessionId,
      String url,
      String referrer,
      Map<String, String> utm) {

    /** The utm_* parameters of {@code url} (without the prefix), as the tracker extracts them. */
    public static Map<String, String> utmOf(String url) {
      Map<String, String> utm = new LinkedHashMap<>();
      int q = url.indexOf('?');
      if (q < 0) {
        return utm;
      }
      for (String pair : url.substring(q + 1).split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.startsWith("utm_")) {
          String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
          utm.put(pair.substring(4, eq), value);
        }
      }
      return utm;
    }
  }

  /** Status and body of one answer, and how long the round trip took. */
  public record Response(int status, String body, Duration took) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http;

  /** {@code baseUrl} like {@code http://localhost:8080}. */
  public GatewayClient(String baseUrl) {
    this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** POSTs a pageview to the public tracking endpoint. */
  public Response pageview(Pageview pv) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("siteId", pv.siteId());
    body.put("type", "pageview");
    body.put("visitorId", pv.visitorId());
    body.put("sessionId", pv.sessionId());
    body.put("url", pv.url());
    if (pv.referrer() != null) {
      body.put("referrer", pv.referrer());
    }
    if (pv.utm() != null && !pv.utm().isEmpty()) {
      ObjectNode utm = body.putObject("utm");
      pv.utm().forEach(utm::put);
    }
    body.put("ts", Instant.now().toEpochMilli());
    return trackerCall("api/v1/events", body, pv.url());
  }

  /**
   * POSTs an identify call to the public tracker endpoint, as the page would (anyone can: the
   * gateway marks it unverified).
   */
  public Response identify(String siteId, String visitorId, String email, String pageUrl)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("siteId", siteId);
    body.put("visitorId", visitorId);
    body.put("email", email);
    return trackerCall("api/v1/identify", body, pageUrl);
  }

  /** A tracker call as the page's script sends it: JSON, from the page's origin. */
  private Response trackerCall(String path, ObjectNode body, String pageUrl)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(15))
            .header("Content-Type", "application/json")
            .header("Origin", originOf(pageUrl))
            .header("User-Agent", "tributary-local-demo")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
            .build();
    return send(request);
  }

  /**
   * POSTs a verified identify call, as the merchant's server does after it authenticated the
   * person, with the site's API key.
   */
  public Response verifiedIdentify(String apiKey, String visitorId, String email)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("visitorId", visitorId);
    body.put("email", email);
    return webhook(
        "api/v1/identify/verified",
        "application/json",
        Map.of("Authorization", "Bearer " + apiKey),
        body.toString());
  }

  /** POSTs {@code body} to {@code /webhooks/stripe/<siteId>}, signed with {@code signer}. */
  public Response stripeWebhook(String siteId, StripeSigner signer, String body)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(
                base.resolve(
                    "webhooks/stripe/" + URLEncoder.encode(siteId, StandardCharsets.UTF_8)))
            .timeout(Duration.ofSeconds(15))
            .header("Content-Type", "application/json; charset=utf-8")
            .header("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
            .header(StripeSigner.HEADER, signer.header(body))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    return send(request);
  }

  /**
   * POSTs {@code body} to {@code path} (relative, e.g. {@code webhooks/paddle/demo}) with the given
   * content type and headers: a provider's webhook with its signature headers, or a call of the
   * merchant's server with its API key.
   */
  public Response webhook(String path, String contentType, Map<String, String> headers, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(15))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach(request::header);
    return send(request.build());
  }

  private Response send(HttpRequest request) throws IOException, InterruptedException {
    long start = System.nanoTime();
    HttpResponse<String> response =
        http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Response(
        response.statusCode(), response.body(), Duration.ofNanos(System.nanoTime() - start));
  }

  static String originOf(String url) {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getAuthority();
  }
}
