package dev.tributary.job.warehouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.job.attribution.AttributedPayment;
import dev.tributary.job.config.JobSettings;
import dev.tributary.job.deadletter.DeadLetterProducer;
import dev.tributary.job.ledger.LedgerEntry;
import dev.tributary.job.ledger.book.PaymentRow;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.payments.RefundEvent;
import dev.tributary.job.sessions.Session;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * The JDBC sinks of the fact tables.
 *
 * <p>Delivery is at-least-once (a restore replays the records since the last checkpoint) and every
 * statement converges: sessions upsert to values that only grow towards the same end, refunds
 * upsert on their ids, and a payment's row carries its whole position (attribution, refunded total,
 * credits per model and touch), from which the warehouse's trigger derives the journal {@code
 * revenue_ledger} as the difference to the position it replaces. Whatever path a replay takes, the
 * last position written is the one that stands, and the journal sums to it.
 */
public final class WarehouseSinks {
  private static final ObjectMapper JSON = new ObjectMapper();

  private WarehouseSinks() {}

  /**
   * The upsert of a session row. Public, with {@link #UPSERT_PAYMENT} and the binders, so that
   * tests outside this module (the local runner's live page) write rows exactly as the job does.
   */
  public static final String UPSERT_SESSION =
      """
      INSERT INTO sessions (site_id, session_id, visitor_id, started_at, last_seen_at, pageviews,
          channel, source, medium, campaign, term, content, referrer, referrer_host, landing_page)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (site_id, session_id) DO UPDATE SET
          last_seen_at = GREATEST(sessions.last_seen_at, EXCLUDED.last_seen_at),
          pageviews = GREATEST(sessions.pageviews, EXCLUDED.pageviews),
          started_at = LEAST(sessions.started_at, EXCLUDED.started_at),
      """
          + firstPageviewWins(
              "channel",
              "source",
              "medium",
              "campaign",
              "term",
              "content",
              "referrer",
              "referrer_host",
              "landing_page");

  /**
   * {@code column = <the value of the row with the earlier start>} for each column: a session's
   * source is its first pageview's, whichever upsert of it reaches the table first.
   */
  private static String firstPageviewWins(String... columns) {
    return java.util.Arrays.stream(columns)
        .map(
            c ->
                "    %s = CASE WHEN EXCLUDED.started_at <= sessions.started_at THEN EXCLUDED.%s ELSE sessions.%s END"
                    .formatted(c, c, c))
        .collect(java.util.stream.Collectors.joining(",\n", "", "\n"));
  }

  /**
   * The upsert of a payment's whole position; the trigger of {@code V6__payment_positions.sql}
   * books the journal from it.
   */
  public static final String UPSERT_PAYMENT =
      """
      INSERT INTO payments (site_id, provider, payment_key, event_id, event_type, amount_minor,
          currency, currency_exponent, occurred_at, received_at, visitor_id, session_id,
          customer_id, email_hash, livemode, method, confidence, candidates, reason, subscription_id,
          renewal, refunded_minor, chargeback, conflicts, credits, credited_at, refunded_at,
          promo_code, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
          CAST(? AS jsonb), ?, ?, ?, now())
      ON CONFLICT (site_id, provider, payment_key) DO UPDATE SET
          event_id = EXCLUDED.event_id, event_type = EXCLUDED.event_type,
          amount_minor = EXCLUDED.amount_minor, currency = EXCLUDED.currency,
          currency_exponent = EXCLUDED.currency_exponent, occurred_at = EXCLUDED.occurred_at,
          received_at = EXCLUDED.received_at, visitor_id = EXCLUDED.visitor_id,
          session_id = EXCLUDED.session_id, customer_id = EXCLUDED.customer_id,
          email_hash = EXCLUDED.email_hash, livemode = EXCLUDED.livemode,
          method = EXCLUDED.method, confidence = EXCLUDED.confidence,
          candidates = EXCLUDED.candidates, reason = EXCLUDED.reason,
          subscription_id = EXCLUDED.subscription_id, renewal = EXCLUDED.renewal,
          refunded_minor = EXCLUDED.refunded_minor, chargeback = EXCLUDED.chargeback,
          conflicts = EXCLUDED.conflicts, credits = EXCLUDED.credits,
          credited_at = EXCLUDED.credited_at, refunded_at = EXCLUDED.refunded_at,
          promo_code = EXCLUDED.promo_code, updated_at = now()
      """;

  static final String UPSERT_REFUND =
      """
      INSERT INTO refunds (site_id, provider, payment_key, refund_key, event_id, event_type, kind,
          amount_minor, cumulative, full_refund, currency, currency_exponent, occurred_at,
          received_at, livemode)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (site_id, provider, payment_key, refund_key) DO UPDATE SET
          amount_minor = GREATEST(refunds.amount_minor, EXCLUDED.amount_minor),
          event_id = CASE WHEN EXCLUDED.amount_minor > refunds.amount_minor
                          THEN EXCLUDED.event_id ELSE refunds.event_id END,
          occurred_at = GREATEST(refunds.occurred_at, EXCLUDED.occurred_at)
      """;

  /**
   * Sessions are written at the rate the warehouse is read, not the rate pageviews arrive: the sink
   * holds the latest state of each session for {@code tributary.jdbc.sessions-interval} (default 1
   * s, so that is how stale a row may be) and writes them as multi-row upserts.
   */
  public static Sink<Session> sessions(JobSettings s) {
    return sink(
        s,
        multiRowInserts(s.jdbcUrl()),
        "sessions",
        UPSERT_SESSION,
        WarehouseSinks::bindSession,
        r -> r.siteId() + "|" + r.sessionId(),
        true,
        s.jdbcSessionsHeldRows(),
        s.jdbcSessionsInterval());
  }

  public static Sink<PaymentRow> payments(JobSettings s) {
    return sink(
        s,
        s.jdbcUrl(),
        "payments",
        UPSERT_PAYMENT,
        WarehouseSinks::bindPayment,
        r -> r.attributed().payment().consolidationKey(),
        true,
        s.jdbcBatchSize(),
        s.jdbcBatchInterval());
  }

  public static Sink<RefundEvent> refunds(JobSettings s) {
    return sink(
        s,
        s.jdbcUrl(),
        "refunds",
        UPSERT_REFUND,
        WarehouseSinks::bindRefund,
        r -> r.paymentConsolidationKey() + "|" + refundRowKey(r),
        // refund rows keep the largest amount reported: every report counts
        false,
        s.jdbcBatchSize(),
        s.jdbcBatchInterval());
  }

  private static <T> Sink<T> sink(
      JobSettings s,
      String url,
      String table,
      String sql,
      JdbcStatementBuilder<T> binder,
      WarehouseSink.RowKey<T> key,
      boolean latestPerKey,
      int batchSize,
      Duration batchInterval) {
    // The connector never flushes on its own (no size, no interval, no retries): WarehouseSink
    // decides when, and handles refused rows and transient faults around it.
    JdbcSink<T> jdbc =
        JdbcSink.<T>builder()
            .withQueryStatement(sql, binder)
            .withExecutionOptions(
                JdbcExecutionOptions.builder()
                    .withBatchSize(Integer.MAX_VALUE)
                    .withBatchIntervalMs(0)
                    .withMaxRetries(0)
                    .build())
            .buildAtLeastOnce(
                new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                    .withUrl(url)
                    .withDriverName("org.postgresql.Driver")
                    .withUsername(s.jdbcUser())
                    .withPassword(s.jdbcPassword())
                    .build());
    return new WarehouseSink<>(
        jdbc,
        new WarehouseSink.Table<>(
            table, url, s.jdbcUser(), s.jdbcPassword(), sql, binder, key, latestPerKey),
        batchSize,
        batchInterval,
        new DeadLetterProducer(s.kafkaBootstrapServers(), s.deadLetterTopic()));
  }

  /**
   * The URL with the driver's multi-row rewrite: a batch of single-row upserts goes out as
   * statements of up to 128 rows each, which PostgreSQL parses, plans and executes once. Only for
   * tables whose batch holds one row per key ({@link HeldRows}): one statement may not upsert the
   * same key twice.
   */
  static String multiRowInserts(String url) {
    if (url.contains("reWriteBatchedInserts=")) {
      return url;
    }
    return url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
  }

  public static void bindSession(PreparedStatement st, Session s) throws SQLException {
    int i = 1;
    st.setString(i++, s.siteId());
    st.setString(i++, s.sessionId());
    st.setString(i++, s.visitorId());
    st.setTimestamp(i++, new Timestamp(s.startedAtMillis()));
    st.setTimestamp(i++, new Timestamp(s.lastSeenAtMillis()));
    st.setInt(i++, s.pageviews());
    st.setString(i++, s.channel());
    st.setString(i++, s.source());
    st.setString(i++, s.medium());
    st.setString(i++, s.campaign());
    st.setString(i++, s.term());
    st.setString(i++, s.content());
    st.setString(i++, s.referrer());
    st.setString(i++, s.referrerHost());
    st.setString(i, s.landingPage());
  }

  public static void bindPayment(PreparedStatement st, PaymentRow row) throws SQLException {
    AttributedPayment a = row.attributed();
    PaymentEvent p = a.payment();
    int i = 1;
    st.setString(i++, p.siteId());
    st.setString(i++, p.provider());
    st.setString(i++, p.paymentKey());
    st.setString(i++, p.eventId());
    st.setString(i++, p.eventType());
    st.setLong(i++, p.amountMinor());
    st.setString(i++, p.currency());
    st.setShort(i++, (short) p.currencyExponent());
    st.setTimestamp(i++, new Timestamp(p.occurredAtMillis()));
    st.setTimestamp(i++, new Timestamp(p.receivedAtMillis()));
    st.setString(i++, p.visitorId());
    st.setString(i++, p.sessionId());
    st.setString(i++, p.customerId());
    if (p.emailHash() == null) {
      st.setNull(i++, Types.CHAR);
    } else {
      st.setString(i++, p.emailHash());
    }
    st.setBoolean(i++, p.livemode());
    st.setString(i++, a.resolution().method());
    st.setString(i++, a.resolution().confidence());
    st.setInt(i++, a.resolution().candidates());
    st.setString(i++, a.resolution().reason());
    st.setString(i++, p.subscriptionId());
    st.setBoolean(i++, p.renewal());
    st.setLong(i++, row.refundedMinor());
    st.setBoolean(i++, row.chargeback());
    st.setString(i++, p.conflicts());
    st.setString(i++, creditsJson(row));
    st.setTimestamp(i++, new Timestamp(row.creditedAtMillis()));
    if (row.refundedAtMillis() == 0) {
      st.setNull(i++, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      st.setTimestamp(i++, new Timestamp(row.refundedAtMillis()));
    }
    st.setString(i, p.promoCode());
  }

  /**
   * The position's credits as the {@code credits} column holds them; the trigger that books the
   * journal reads every field but the two amounts as the name of the touch.
   */
  static String creditsJson(PaymentRow row) {
    ArrayNode credits = JSON.createArrayNode();
    for (PaymentRow.Credit c : row.credits()) {
      LedgerEntry e = c.credit();
      ObjectNode n = credits.addObject();
      n.put("model", e.model());
      n.put("visitor_id", e.visitorId());
      n.put("session_id", e.sessionId());
      n.put("channel", e.channel());
      n.put("source", e.source());
      n.put("medium", e.medium());
      n.put("campaign", e.campaign());
      n.put("currency", e.currency());
      n.put("currency_exponent", e.currencyExponent());
      n.put("payment_at", Instant.ofEpochMilli(e.paymentAtMillis()).toString());
      n.put("livemode", e.livemode());
      n.put("credit_minor", e.amountMinor());
      n.put("refunded_minor", c.refundedMinor());
    }
    return credits.toString();
  }

  /**
   * The row key of a refund: its id, or one row per payment for running totals and full refunds.
   */
  static String refundRowKey(RefundEvent r) {
    if (r.refundKey() != null) {
      return r.refundKey();
    }
    return r.full() ? "full" : "cumulative";
  }

  static void bindRefund(PreparedStatement st, RefundEvent r) throws SQLException {
    int i = 1;
    st.setString(i++, r.siteId());
    st.setString(i++, r.provider());
    st.setString(i++, r.paymentKey());
    st.setString(i++, refundRowKey(r));
    st.setString(i++, r.eventId());
    st.setString(i++, r.eventType());
    st.setString(i++, r.kind());
    st.setLong(i++, r.amountMinor());
    st.setBoolean(i++, r.cumulative());
    st.setBoolean(i++, r.full());
    st.setString(i++, r.currency());
    st.setShort(i++, (short) r.currencyExponent());
    st.setTimestamp(i++, new Timestamp(r.occurredAtMillis()));
    st.setTimestamp(i++, new Timestamp(r.receivedAtMillis()));
    st.setBoolean(i, r.livemode());
  }
}
