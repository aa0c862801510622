package dev.tributary.job.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.attribution.AttributedPayment;
import dev.tributary.job.attribution.Credits;
import dev.tributary.job.attribution.Resolution;
import dev.tributary.job.attribution.Touch;
import dev.tributary.job.ledger.book.PaymentRow;
import dev.tributary.job.payments.LinkMethod;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.testing.EmbeddedWarehouse;
import dev.tributary.job.testing.Payments;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The warehouse's half of exact delivery, on a real PostgreSQL: the job upserts each payment's
 * whole position and the trigger of {@code V6__payment_positions.sql} books into {@code
 * revenue_ledger} the difference to the position it replaces. Whatever sequence of positions a
 * replay writes, the journal sums to the last one written.
 */
class PaymentPositionsIT {
  private static final Duration HALF_LIFE = Duration.ofDays(7);
  private static final Touch MAIL = new Touch("s_1", 500, "Email", "newsletter", "email", "nov");
  private static final Touch ADS = new Touch("s_2", 800, "Paid Search", "google", "cpc", "brand");
  private static final Touch SOCIAL = new Touch("s_3", 900, "Paid Social", "fb", "paid", "x");
  private static EmbeddedWarehouse warehouse;

  @BeforeAll
  static void start() throws Exception {
    warehouse = EmbeddedWarehouse.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (warehouse != null) {
      warehouse.close();
    }
  }

  private static PaymentRow position(
      PaymentEvent p, long refunded, long refundedAt, long creditedAt, Touch... touches) {
    PaymentEvent linked = touches.length == 0 ? p : p.withVisitor("v_1", LinkMethod.EMAIL);
    var credits =
        Credits.of(linked, List.of(touches), HALF_LIFE).stream()
            .map(e -> e.bookedAt(creditedAt))
            .toList();
    Resolution r =
        touches.length == 0
            ? Resolution.unattributed("nothing")
            : Resolution.linked(LinkMethod.EMAIL.code(), "test");
    return new PaymentRow(
        new AttributedPayment(linked, r, credits, touches.length), refunded, false, refundedAt);
  }

  private static void write(PaymentRow... rows) throws Exception {
    try (Connection c = DriverManager.getConnection(warehouse.jdbcUrl());
        PreparedStatement st = c.prepareStatement(WarehouseSinks.UPSERT_PAYMENT)) {
      for (PaymentRow row : rows) {
        WarehouseSinks.bindPayment(st, row);
        st.executeUpdate();
      }
    }
  }

  /** The journal of one payment, netted per model, channel and currency (zeros left out). */
  private static Map<String, Long> journal(String paymentKey) throws Exception {
    Map<String, Long> out = new TreeMap<>();
    for (var row :
        warehouse.query(
            "SELECT model || '|' || channel || '|' || currency AS k, sum(amount_minor) AS n"
                + " FROM revenue_ledger WHERE payment_key = '"
                + paymentKey
                + "' GROUP BY 1 HAVING sum(amount_minor) <> 0")) {
      out.put((String) row.get("k"), ((Number) row.get("n")).longValue());
    }
    return out;
  }

  /** What the position says stands, in the same shape. */
  private static Map<String, Long> standing(PaymentRow row) {
    Map<String, Long> out = new TreeMap<>();
    for (PaymentRow.Credit c : row.credits()) {
      out.merge(
          c.credit().model() + "|" + c.credit().channel() + "|" + c.credit().currency(),
          c.netMinor(),
          Long::sum);
    }
    out.values().removeIf(v -> v == 0);
    return out;
  }

  private static List<Map<String, Object>> entries(String paymentKey) throws Exception {
    return warehouse.query(
        "SELECT entry_type, amount_minor, booked_at FROM revenue_ledger WHERE payment_key = '"
            + paymentKey
            + "' ORDER BY booked_at, entry_type, amount_minor");
  }

  @Test
  void aPositionWrittenAgainBooksNothingAndAChangeBooksExactlyTheDifference() throws Exception {
    PaymentEvent p = Payments.payment("pi_diff", "e1", 1000, 1_000, null, null);
    PaymentRow booked = position(p, 0, 0, 1_000, MAIL, ADS);
    write(booked);
    int first = entries("pi_diff").size();
    assertThat(entries("pi_diff")).extracting(e -> e.get("entry_type")).containsOnly("payment");
    assertThat(journal("pi_diff")).isEqualTo(standing(booked));

    write(booked, booked);
    assertThat(entries("pi_diff")).hasSize(first);

    PaymentRow refunded = position(p, 300, 5_000, 1_000, MAIL, ADS);
    write(refunded);
    assertThat(journal("pi_diff")).isEqualTo(standing(refunded));
    assertThat(entries("pi_diff"))
        .filteredOn(e -> e.get("entry_type").equals("refund"))
        .isNotEmpty()
        .allSatisfy(
            e ->
                assertThat(((java.sql.Timestamp) e.get("booked_at")).toInstant())
                    .isEqualTo(Instant.ofEpochMilli(5_000)));

    PaymentRow corrected = position(p, 300, 5_000, 9_000, SOCIAL);
    write(corrected);
    assertThat(journal("pi_diff")).isEqualTo(standing(corrected));
    assertThat(entries("pi_diff"))
        .filteredOn(e -> e.get("entry_type").equals("correction"))
        .isNotEmpty()
        .allSatisfy(
            e ->
                assertThat(((java.sql.Timestamp) e.get("booked_at")).toInstant())
                    .isEqualTo(Instant.ofEpochMilli(9_000)));
  }

  /**
   * A replay after a restore may write the positions of the failed run again, older ones over newer
   * ones, and positions the failed run never had: the journal always ends at the last one.
   */
  @Test
  void anySequenceOfPositionsLeavesTheJournalAtTheLastOneWritten() throws Exception {
    Random random = new Random(7);
    for (int round = 0; round < 25; round++) {
      String key = "pi_seq_" + round;
      PaymentEvent p = Payments.payment(key, "e1", 1001, 1_000, null, null);
      List<PaymentRow> known =
          List.of(
              position(p, 0, 0, 1_000),
              position(p, 250, 2_000, 1_000),
              position(p, 250, 2_000, 3_000, MAIL),
              position(p, 250, 2_000, 4_000, MAIL, ADS, SOCIAL),
              position(p, 700, 5_000, 4_000, MAIL, ADS, SOCIAL),
              position(p, 700, 5_000, 6_000, ADS),
              position(p, 1001, 7_000, 6_000, ADS));
      List<PaymentRow> sequence = new ArrayList<>();
      int n = 1 + random.nextInt(12);
      for (int i = 0; i < n; i++) {
        sequence.add(known.get(random.nextInt(known.size())));
      }
      write(sequence.toArray(PaymentRow[]::new));
      PaymentRow last = sequence.get(sequence.size() - 1);
      assertThat(journal(key)).as("round %d", round).isEqualTo(standing(last));
    }
  }

  /**
   * V8: a connection that booked its first payments into an empty journal keeps finding each
   * payment's entries by the payment's key once the journal holds thousands of the site's rows.
   * Before, its cached plan read the site's whole journal for every payment (2.6 ms each in the job
   * benchmark, growing with the journal). The plans the trigger runs are read from {@code
   * auto_explain}, sent to this connection as notices.
   */
  @Test
  void theTriggerLooksUpAPaymentsJournalByItsKeyWhateverTheStatisticsSaidAtFirst()
      throws Exception {
    try (EmbeddedWarehouse fresh = EmbeddedWarehouse.start();
        Connection c = DriverManager.getConnection(fresh.jdbcUrl());
        PreparedStatement st = c.prepareStatement(WarehouseSinks.UPSERT_PAYMENT);
        var session = c.createStatement()) {
      // more than five calls, so PL/pgSQL settles on generic plans while the journal is empty
      for (int i = 0; i < 8; i++) {
        WarehouseSinks.bindPayment(
            st,
            position(
                Payments.payment("pi_plan_" + i, "e" + i, 1_000, 1_000, null, null),
                0,
                0,
                1_000,
                MAIL));
        st.executeUpdate();
      }
      fresh.execute(
          "INSERT INTO revenue_ledger (entry_id, site_id, provider, payment_key, model, entry_type,"
              + " channel, amount_minor, currency, currency_exponent, payment_at, booked_at,"
              + " livemode) SELECT 'bulk' || g, 'shop', 'stripe', 'pi_bulk_' || g, 'linear',"
              + " 'payment', 'Direct', 100, 'USD', 2, now(), now(), true"
              + " FROM generate_series(1, 5000) g");
      session.execute("LOAD 'auto_explain'");
      session.execute("SET auto_explain.log_min_duration = 0");
      session.execute("SET auto_explain.log_nested_statements = on");
      session.execute("SET auto_explain.log_level = 'notice'");
      WarehouseSinks.bindPayment(
          st,
          position(
              Payments.payment("pi_plan_9", "e9", 1_000, 1_000, null, null), 0, 0, 1_000, MAIL));
      st.executeUpdate();
      List<String> journalLookups = new ArrayList<>();
      for (var w = st.getWarnings(); w != null; w = w.getNextWarning()) {
        if (w.getMessage().contains("FROM revenue_ledger l")) {
          journalLookups.add(w.getMessage());
        }
      }
      assertThat(journalLookups)
          .as("plans of the trigger's two journal lookups")
          .hasSize(2)
          .allSatisfy(
              plan ->
                  assertThat(plan)
                      .contains("revenue_ledger_payment_key")
                      .doesNotContainPattern("Index Cond: \\(site_id = "));
    }
  }

  @Test
  void aZeroAmountPaymentIsCountedByItsPaymentEntries() throws Exception {
    PaymentEvent p = Payments.payment("pi_zero", "e1", 0, 1_000, null, null);
    write(position(p, 0, 0, 1_000));
    assertThat(entries("pi_zero"))
        .isNotEmpty()
        .allSatisfy(
            e -> {
              assertThat(e.get("entry_type")).isEqualTo("payment");
              assertThat(((Number) e.get("amount_minor")).longValue()).isZero();
            });
  }

  @Test
  void aPositionInAnotherCurrencyRetractsTheOldOneInItsOwnCurrency() throws Exception {
    PaymentEvent usd = Payments.payment("pi_ccy", "e1", 1000, 1_000, null, null);
    PaymentEvent eur = Payments.inCurrency(usd, 900, "EUR");
    write(position(usd, 0, 0, 1_000, MAIL));
    write(position(eur, 0, 0, 2_000, MAIL));
    Map<String, Long> j = journal("pi_ccy");
    assertThat(j.keySet()).allMatch(k -> k.endsWith("|EUR"));
    assertThat(j).isEqualTo(standing(position(eur, 0, 0, 2_000, MAIL)));
  }

  /**
   * An installation of version 5 had its journal written by the job: migrating to version 6 takes
   * each payment's position from that journal, so the trigger books only what changes afterwards.
   */
  @Test
  void theJournalOfAnEarlierVersionBecomesThePositionItStandsFor() throws Exception {
    try (EmbeddedWarehouse old = EmbeddedWarehouse.startAt("5")) {
      old.execute(
          "INSERT INTO payments (site_id, provider, payment_key, event_id, event_type,"
              + " amount_minor, currency, currency_exponent, occurred_at, received_at, livemode,"
              + " method, confidence, candidates, reason, refunded_minor)"
              + " VALUES ('acme', 'stripe', 'pi_old', 'e1', 'payment_intent.succeeded', 1000,"
              + " 'USD', 2, '2026-11-01T10:00:00Z', '2026-11-01T10:00:01Z', true, 'email',"
              + " 'medium', 1, 'x', 400)");
      String ledger =
          "INSERT INTO revenue_ledger (entry_id, site_id, provider, payment_key, model,"
              + " entry_type, visitor_id, session_id, channel, amount_minor, currency,"
              + " currency_exponent, payment_at, booked_at, livemode) VALUES ";
      String at = "'2026-11-01T10:00:00Z', '2026-11-02T10:00:00Z', true)";
      old.execute(
          ledger
              + "('a', 'acme', 'stripe', 'pi_old', 'last_touch', 'payment', null, null,"
              + " '(unattributed)', 1000, 'USD', 2, "
              + at
              + ", ('b', 'acme', 'stripe', 'pi_old', 'last_touch', 'correction', null, null,"
              + " '(unattributed)', -1000, 'USD', 2, "
              + at
              + ", ('c', 'acme', 'stripe', 'pi_old', 'last_touch', 'correction', 'v_1', 's_1',"
              + " 'Email', 1000, 'USD', 2, "
              + at
              + ", ('d', 'acme', 'stripe', 'pi_old', 'last_touch', 'refund', 'v_1', 's_1',"
              + " 'Email', -400, 'USD', 2, "
              + at);
      old.migrate();

      var migrated =
          old.query(
              "SELECT c->>'channel' AS channel, (c->>'credit_minor')::bigint AS credit,"
                  + " (c->>'refunded_minor')::bigint AS refunded"
                  + " FROM payments, jsonb_array_elements(credits) c WHERE payment_key = 'pi_old'");
      assertThat(migrated)
          .singleElement()
          .isEqualTo(Map.of("channel", "Email", "credit", 1000L, "refunded", 400L));
      // nothing booked by the migration itself
      assertThat(old.query("SELECT count(*) AS n FROM revenue_ledger").get(0).get("n"))
          .isEqualTo(4L);
    }
  }
}
