package dev.tributary.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.job.attribution.Model;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live page's SQL: read-only queries over the warehouse views ({@code revenue_by_channel},
 * {@code attribution_quality}) and tables ({@code payments} with its {@code credits}, {@code
 * revenue_ledger}, {@code sessions}, {@code refunds}), every value bound as a parameter.
 *
 * <p>Money leaves here as it is stored: minor units (as strings, so that no JSON reader turns them
 * into floating point) with the exponent of the row's currency; the page formats them exactly.
 * Times are formatted in the site's time zone ({@code site_settings.time_zone}, default UTC), the
 * zone the views bucket in.
 */
final class LiveQueries {

  static final List<String> MODELS = Arrays.stream(Model.values()).map(Model::id).toList();
  static final List<String> GRANULARITIES = List.of("minute", "hour", "day", "week", "month");
  static final List<String> BASES = List.of("payment", "booking");
  static final String DEFAULT_MODEL = Model.LAST_TOUCH.id();

  /** The newest payments the overview lists. */
  static final int LATEST_PAYMENTS = 25;

  /** At most this many (bucket, channel) points in the chart: the newest. */
  static final int MAX_POINTS = 5_000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TIME_FORMAT = "YYYY-MM-DD HH24:MI:SS";

  /**
   * What the overview asks for; null fields take their defaults.
   *
   * @param mode {@code live} or {@code test}; default live if the site has live payments, else test
   * @param currency default: the site's currency with the most payments in that mode
   * @param granularity {@code auto} (default: by the time the payments span) or one of {@link
   *     #GRANULARITIES}
   * @param basis {@code payment} (default: entries at their payment's time) or {@code booking}
   */
  record OverviewRequest(
      String site, String mode, String model, String currency, String granularity, String basis) {}

  private final String defaultSite;

  LiveQueries(String defaultSite) {
    this.defaultSite = defaultSite;
  }

  ObjectNode overview(Connection c, OverviewRequest r) throws SQLException {
    String site = blank(r.site()) ? defaultSite : r.site();
    String model = blank(r.model()) ? DEFAULT_MODEL : r.model();
    if (!MODELS.contains(model)) {
      throw new IllegalArgumentException("unknown model '" + model + "'; one of " + MODELS);
    }
    String basis = blank(r.basis()) ? "payment" : r.basis();
    if (!BASES.contains(basis)) {
      throw new IllegalArgumentException("basis is payment or booking");
    }
    String zone = timeZone(c, site);

    ObjectNode out = JSON.createObjectNode();
    out.put("site", site);
    ArrayNode sites = out.putArray("sites");
    for (Map<String, Object> row :
        rows(c, "SELECT site_id FROM payments GROUP BY site_id UNION SELECT ? ORDER BY 1", site)) {
      sites.add((String) row.get("site_id"));
    }

    // Modes: how many payments each has; the default is live when there are any.
    Map<Boolean, Long> modes = new LinkedHashMap<>();
    modes.put(true, 0L);
    modes.put(false, 0L);
    for (Map<String, Object> row :
        rows(
            c,
            "SELECT livemode, count(*) AS n FROM payments WHERE site_id = ? GROUP BY livemode",
            site)) {
      modes.put((Boolean) row.get("livemode"), ((Number) row.get("n")).longValue());
    }
    boolean live;
    if (blank(r.mode())) {
      live = modes.get(true) > 0 || modes.get(false) == 0;
    } else if (r.mode().equals("live") || r.mode().equals("test")) {
      live = r.mode().equals("live");
    } else {
      throw new IllegalArgumentException("mode is live or test");
    }
    out.put("mode", live ? "live" : "test");
    ObjectNode modeCounts = out.putObject("modes");
    modeCounts.put("live", modes.get(true));
    modeCounts.put("test", modes.get(false));

    out.put("model", model);
    ArrayNode models = out.putArray("models");
    MODELS.forEach(models::add);

    // Currencies of the site in this mode, most payments first.
    List<Map<String, Object>> currencies =
        rows(
            c,
            "SELECT currency, count(*) AS payments FROM payments WHERE site_id = ? AND livemode = ?"
                + " GROUP BY currency ORDER BY count(*) DESC, currency",
            site,
            live);
    ArrayNode currencyList = out.putArray("currencies");
    for (Map<String, Object> row : currencies) {
      currencyList
          .addObject()
          .put("currency", (String) row.get("currency"))
          .put("payments", ((Number) row.get("payments")).longValue());
    }
    String currency =
        !blank(r.currency())
            ? r.currency()
            : currencies.isEmpty() ? null : (String) currencies.get(0).get("currency");
    out.put("currency", currency);
    out.put("timeZone", zone);
    out.put("basis", basis);
    out.put("generatedAt", now(c, zone));

    String granularity = granularity(c, r.granularity(), site, live, currency);
    out.put("granularity", granularity);
    out.put("granularityAuto", blank(r.granularity()) || r.granularity().equals("auto"));

    // Totals of the selection (the same under every model: each model's credits sum to the
    // payment), then per channel from the view.
    ObjectNode totals = out.putObject("totals");
    List<Map<String, Object>> total =
        rows(
            c,
            "SELECT count(*) AS payments, coalesce(sum(amount_minor), 0) AS gross_minor,"
                + " coalesce(sum(refunded_minor), 0) AS refunds_minor,"
                + " coalesce(sum(net_minor), 0) AS net_minor, max(currency_exponent) AS exponent,"
                + " count(DISTINCT currency_exponent) AS exponents"
                + " FROM payments WHERE site_id = ? AND livemode = ? AND currency = ?",
            site,
            live,
            currency);
    Map<String, Object> t = total.get(0);
    totals.put("payments", ((Number) t.get("payments")).longValue());
    totals.put("gross_minor", String.valueOf(t.get("gross_minor")));
    totals.put("refunds_minor", String.valueOf(t.get("refunds_minor")));
    totals.put("net_minor", String.valueOf(t.get("net_minor")));
    totals.put("currency_exponent", t.get("exponent") == null ? 2 : toInt(t.get("exponent")));
    // One currency reported with two exponents (Stripe's ISK) cannot be added in minor units.
    totals.put("mixed_exponents", ((Number) t.get("exponents")).longValue() > 1);

    ArrayNode byChannel = out.putArray("byChannel");
    for (Map<String, Object> row :
        rows(
            c,
            "SELECT channel, currency_exponent, payments, gross_minor, refunds_minor, net_minor"
                + " FROM revenue_by_channel"
                + " WHERE site_id = ? AND model = ? AND livemode = ? AND currency = ?"
                + " ORDER BY net_minor DESC, channel, currency_exponent",
            site,
            model,
            live,
            currency)) {
      ObjectNode n = byChannel.addObject();
      n.put("channel", (String) row.get("channel"));
      n.put("currency_exponent", toInt(row.get("currency_exponent")));
      n.put("payments", ((Number) row.get("payments")).longValue());
      money(n, row, "gross_minor", "refunds_minor", "net_minor");
    }

    overTime(out.putObject("overTime"), c, site, model, live, currency, granularity, basis, zone);

    ArrayNode quality = out.putArray("quality");
    for (Map<String, Object> row :
        rows(
            c,
            "SELECT method, confidence, currency_exponent, payments, net_minor, share_of_payments,"
                + " share_of_net FROM attribution_quality"
                + " WHERE site_id = ? AND livemode = ? AND currency = ?"
                + " ORDER BY payments DESC, net_minor DESC, method, confidence",
            site,
            live,
            currency)) {
      ObjectNode n = quality.addObject();
      n.put("method", (String) row.get("method"));
      n.put("confidence", (String) row.get("confidence"));
      n.put("currency_exponent", toInt(row.get("currency_exponent")));
      n.put("payments", ((Number) row.get("payments")).longValue());
      money(n, row, "net_minor");
      n.put("share_of_payments", decimal(row.get("share_of_payments")));
      n.put("share_of_net", decimal(row.get("share_of_net")));
    }

    ArrayNode latest = out.putArray("latest");
    for (Map<String, Object> row :
        rows(
            c,
            "SELECT p.provider, p.payment_key, to_char(p.occurred_at AT TIME ZONE ?, '"
                + TIME_FORMAT
                + "') AS occurred, p.amount_minor, p.refunded_minor, p.net_minor, p.currency,"
                + " p.currency_exponent, p.method, p.confidence, p.candidates, p.reason,"
                + " p.chargeback,"
                + " (SELECT string_agg(x.channel, ', ' ORDER BY x.credit DESC, x.channel)"
                + "  FROM (SELECT l.channel,"
                + "          sum(l.amount_minor) FILTER (WHERE l.entry_type <> 'refund') AS credit"
                + "        FROM revenue_ledger l"
                + "        WHERE l.site_id = p.site_id AND l.provider = p.provider"
                + "          AND l.payment_key = p.payment_key AND l.model = ?"
                + "        GROUP BY l.channel"
                + "        HAVING sum(l.amount_minor) FILTER (WHERE l.entry_type <> 'refund') <> 0"
                + "       ) x) AS channels"
                + " FROM payments p WHERE p.site_id = ? AND p.livemode = ?"
                + " ORDER BY p.occurred_at DESC, p.provider, p.payment_key LIMIT ?",
            zone,
            model,
            site,
            live,
            LATEST_PAYMENTS)) {
      ObjectNode n = latest.addObject();
      n.put("provider", (String) row.get("provider"));
      n.put("payment_key", (String) row.get("payment_key"));
      n.put("occurred_at", (String) row.get("occurred"));
      n.put("currency", (String) row.get("currency"));
      n.put("currency_exponent", toInt(row.get("currency_exponent")));
      money(n, row, "amount_minor", "refunded_minor", "net_minor");
      n.put("method", (String) row.get("method"));
      n.put("confidence", (String) row.get("confidence"));
      n.put("candidates", toInt(row.get("candidates")));
      n.put("reason", (String) row.get("reason"));
      n.put("chargeback", (Boolean) row.get("chargeback"));
      n.put("channels", (String) row.get("channels"));
    }
    return out;
  }

  /**
   * Net revenue per bucket and channel under the model, from the journal: the same entries {@code
   * revenue_over_time} sums, split by channel (per bucket the channels add up to its {@code
   * net_minor}; minute and hour buckets are finer than the view's).
   */
  private static void overTime(
      ObjectNode out,
      Connection c,
      String site,
      String model,
      boolean live,
      String currency,
      String granularity,
      String basis,
      String zone)
      throws SQLException {
    List<Map<String, Object>> points =
        rows(
            c,
            "SELECT to_char(date_trunc(?, CASE WHEN ? = 'booking' THEN booked_at ELSE payment_at"
                + " END AT TIME ZONE ?), '"
                + TIME_FORMAT
                + "') AS bucket, channel, currency_exponent, sum(amount_minor) AS net_minor"
                + " FROM revenue_ledger"
                + " WHERE site_id = ? AND model = ? AND livemode = ? AND currency = ?"
                + " GROUP BY 1, 2, 3 ORDER BY 1 DESC, 2, 3 LIMIT ?",
            granularity,
            basis,
            zone,
            site,
            model,
            live,
            currency,
            MAX_POINTS);
    Collections.reverse(points);
    ArrayNode array = out.putArray("points");
    for (Map<String, Object> row : points) {
      ObjectNode n = array.addObject();
      n.put("bucket", (String) row.get("bucket"));
      n.put("channel", (String) row.get("channel"));
      n.put("currency_exponent", toInt(row.get("currency_exponent")));
      money(n, row, "net_minor");
    }
    out.put("truncated", points.size() == MAX_POINTS);
  }

  /** The chosen granularity, or for {@code auto} the finest that keeps the buckets few. */
  private static String granularity(
      Connection c, String asked, String site, boolean live, String currency) throws SQLException {
    if (!blank(asked) && !asked.equals("auto")) {
      if (!GRANULARITIES.contains(asked)) {
        throw new IllegalArgumentException("granularity is auto or one of " + GRANULARITIES);
      }
      return asked;
    }
    Map<String, Object> span =
        rows(
                c,
                "SELECT extract(epoch FROM max(payment_at) - min(payment_at)) AS seconds"
                    + " FROM revenue_ledger WHERE site_id = ? AND livemode = ? AND currency = ?",
                site,
                live,
                currency)
            .get(0);
    double seconds = span.get("seconds") == null ? 0 : ((Number) span.get("seconds")).doubleValue();
    Duration d = Duration.ofSeconds((long) seconds);
    if (d.compareTo(Duration.ofHours(3)) <= 0) {
      return "minute";
    }
    if (d.compareTo(Duration.ofDays(4)) <= 0) {
      return "hour";
    }
    if (d.compareTo(Duration.ofDays(120)) <= 0) {
      return "day";
    }
    return d.compareTo(Duration.ofDays(730)) <= 0 ? "week" : "month";
  }

  /**
   * One payment explained, or null if there is none: its row, its touches with their credit under
   * every model (from {@code payments.credits}, the position that stands), its journal and the
   * refunds as the provider reported them.
   */
  ObjectNode payment(Connection c, String siteOrNull, String provider, String key)
      throws SQLException {
    String site = blank(siteOrNull) ? defaultSite : siteOrNull;
    String zone = timeZone(c, site);
    List<Map<String, Object>> found =
        rows(
            c,
            "SELECT provider, payment_key, event_id, event_type, amount_minor, refunded_minor,"
                + " net_minor, currency, currency_exponent,"
                + " to_char(occurred_at AT TIME ZONE ?, '"
                + TIME_FORMAT
                + "') AS occurred_at, to_char(received_at AT TIME ZONE ?, '"
                + TIME_FORMAT
                + "') AS received_at, to_char(credited_at AT TIME ZONE ?, '"
                + TIME_FORMAT
                + "') AS credited_at, to_char(refunded_at AT TIME ZONE ?, '"
                + TIME_FORMAT
                + "') AS refunded_at, visitor_id, session_id, customer_id, subscription_id,"
                + " renewal, livemode, method, confidence, candidates, reason, chargeback,"
                + " conflicts, email_hash IS NOT NULL AS has_email, credits IS NOT NULL AS"
                + " has_position"
                + " FROM payments WHERE site_id = ? AND provider = ? AND payment_key = ?",
            zone,
            zone,
            zone,
            zone,
            site,
            provider,
            key);
    if (found.isEmpty()) {
      return null;
    }
    Map<String, Object> p = found.get(0);
    ObjectNode out = JSON.createObjectNode();
    out.put("site", site);
    out.put("timeZone", zone);
    out.put("generatedAt", now(c, zone));
    ArrayNode models = out.putArray("models");
    MODELS.forEach(models::add);

    ObjectNode payment = out.putObject("payment");
    for (Map.Entry<String, Object> e : p.entrySet()) {
      Object v = e.getValue();
      if (e.getKey().endsWith("_minor")) {
        payment.put(e.getKey(), String.valueOf(v));
      } else if (v == null) {
        payment.putNull(e.getKey());
      } else if (v instanceof Boolean b) {
        payment.put(e.getKey(), b);
      } else if (v instanceof Number n) {
        payment.put(e.getKey(), n.longValue());
      } else {
        payment.put(e.getKey(), String.valueOf(v).strip());
      }
    }

    // The touches: each distinct touch of the standing credits, oldest session first, with its
    // credit and refunded part under each model (a model that gives it nothing has no entry).
    Map<String, ObjectNode> touches = new LinkedHashMap<>();
    ArrayNode touchArray = out.putArray("touches");
    for (Map<String, Object> row :
        rows(
            c,
            "SELECT cr.model, cr.visitor_id, cr.session_id, cr.channel, cr.source, cr.medium,"
                + " cr.campaign, cr.credit_minor, cr.refunded_minor,"
                + " to_char(s.started_at AT TIME ZONE ?, '"
                + TIME_FORMAT
                + "') AS started_at, s.landing_page, s.referrer_host, s.pageviews"
                + " FROM payments p"
                + " CROSS JOIN jsonb_to_recordset(p.credits) AS cr(model text, visitor_id text,"
                + "   session_id text, channel text, source text, medium text, campaign text,"
                + "   credit_minor bigint, refunded_minor bigint)"
                + " LEFT JOIN sessions s ON s.site_id = p.site_id AND s.session_id = cr.session_id"
                + " WHERE p.site_id = ? AND p.provider = ? AND p.payment_key = ?"
                + " ORDER BY s.started_at NULLS LAST, cr.session_id NULLS LAST, cr.channel,"
                + "   cr.visitor_id",
            zone,
            site,
            provider,
            key)) {
      String touchKey =
          String.join(
              "\u0000",
              String.valueOf(row.get("visitor_id")),
              String.valueOf(row.get("session_id")),
              String.valueOf(row.get("channel")),
              String.valueOf(row.get("source")),
              String.valueOf(row.get("medium")),
              String.valueOf(row.get("campaign")));
      ObjectNode touch =
          touches.computeIfAbsent(
              touchKey,
              k -> {
                ObjectNode n = touchArray.addObject();
                for (String col :
                    List.of(
                        "visitor_id",
                        "session_id",
                        "channel",
                        "source",
                        "medium",
                        "campaign",
                        "started_at",
                        "landing_page",
                        "referrer_host")) {
                  n.put(col, (String) row.get(col));
                }
                if (row.get("pageviews") == null) {
                  n.putNull("pageviews");
                } else {
                  n.put("pageviews", toInt(row.get("pageviews")));
                }
                n.putObject("credits");
                return n;
              });
      long credit = ((Number) row.get("credit_minor")).longValue();
      long refunded = ((Number) row.get("refunded_minor")).longValue();
      ((ObjectNode) touch.get("credits"))
          .putObject((String) row.get("model"))
          .put("credit_minor", String.valueOf(credit))
          .put("refunded_minor", String.valueOf(refunded))
          .put("net_minor", String.valueOf(credit - refunded));
    }

    ArrayNode journal = out.putArray("journal");
    for (Map<String, Object> row :
        rows(
            c,
            "SELECT to_char(booked_at AT TIME ZONE ?, '"
                + TIME_FORMAT
                + "') AS booked_at, entry_type, model, channel, session_id, visitor_id,"
                + " amount_minor, currency_exponent"
                + " FROM revenue_ledger WHERE site_id = ? AND provider = ? AND payment_key = ?"
                + " ORDER BY revenue_ledger.booked_at,"
                + "   CASE entry_type WHEN 'payment' THEN 0 WHEN 'correction' THEN 1 ELSE 2 END,"
                + "   array_position(?::text[], model), amount_minor, channel, session_id",
            zone,
            site,
            provider,
            key,
            c.createArrayOf("text", MODELS.toArray()))) {
      ObjectNode n = journal.addObject();
      n.put("booked_at", (String) row.get("booked_at"));
      n.put("entry_type", (String) row.get("entry_type"));
      n.put("model", (String) row.get("model"));
      n.put("channel", (String) row.get("channel"));
      n.put("session_id", (String) row.get("session_id"));
      n.put("visitor_id", (String) row.get("visitor_id"));
      n.put("currency_exponent", toInt(row.get("currency_exponent")));
      money(n, row, "amount_minor");
    }

    ArrayNode refunds = out.putArray("refunds");
    for (Map<String, Object> row :
        rows(
            c,
            "SELECT refund_key, kind, event_type, amount_minor, currency_exponent, cumulative,"
                + " full_refund, to_char(occurred_at AT TIME ZONE ?, '"
                + TIME_FORMAT
                + "') AS occurred_at"
                + " FROM refunds WHERE site_id = ? AND provider = ? AND payment_key = ?"
                + " ORDER BY refunds.occurred_at, refund_key",
            zone,
            site,
            provider,
            key)) {
      ObjectNode n = refunds.addObject();
      n.put("refund_key", (String) row.get("refund_key"));
      n.put("kind", (String) row.get("kind"));
      n.put("event_type", (String) row.get("event_type"));
      n.put("currency_exponent", toInt(row.get("currency_exponent")));
      money(n, row, "amount_minor");
      n.put("cumulative", (Boolean) row.get("cumulative"));
      n.put("full_refund", (Boolean) row.get("full_refund"));
      n.put("occurred_at", (String) row.get("occurred_at"));
    }
    return out;
  }

  private static String timeZone(Connection c, String site) throws SQLException {
    List<Map<String, Object>> zone =
        rows(c, "SELECT time_zone FROM site_settings WHERE site_id = ?", site);
    return zone.isEmpty() || zone.get(0).get("time_zone") == null
        ? "UTC"
        : (String) zone.get(0).get("time_zone");
  }

  private static String now(Connection c, String zone) throws SQLException {
    return (String)
        rows(c, "SELECT to_char(now() AT TIME ZONE ?, '" + TIME_FORMAT + "') AS now", zone)
            .get(0)
            .get("now");
  }

  /** Minor-unit columns as strings: exact whatever reads the JSON. */
  private static void money(ObjectNode n, Map<String, Object> row, String... columns) {
    for (String col : columns) {
      Object v = row.get(col);
      n.put(col, v == null ? "0" : String.valueOf(((Number) v).longValue()));
    }
  }

  private static String decimal(Object v) {
    return v == null ? null : ((java.math.BigDecimal) v).toPlainString();
  }

  private static int toInt(Object v) {
    return ((Number) v).intValue();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /** Runs {@code sql} with {@code params} bound in order; rows as column label → value. */
  static List<Map<String, Object>> rows(Connection c, String sql, Object... params)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<Map<String, Object>> out = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= n; i++) {
            row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
          }
          out.add(row);
        }
        return out;
      }
    }
  }
}
