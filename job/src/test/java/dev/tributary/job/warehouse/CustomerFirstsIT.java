package dev.tributary.job.warehouse;

import static dev.tributary.job.warehouse.WarehouseRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.testing.EmbeddedWarehouse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code customer_firsts} (V10): the triggers on {@code payments} keep each customer's first
 * payment exactly what a look at all payments says, whatever the order of writes, re-attributions
 * that move a payment to another customer, and two writers at once.
 */
class CustomerFirstsIT {
  /** What the table must hold: each customer's first payment, computed from scratch. */
  private static final String EXPECTED =
      """
      SELECT DISTINCT ON (site_id, livemode, customer)
             site_id, livemode, customer, occurred_at, provider, payment_key
      FROM payments ORDER BY site_id, livemode, customer, occurred_at, provider, payment_key
      """;

  private static final String HELD =
      """
      SELECT site_id, livemode, customer, first_at, provider, payment_key
      FROM customer_firsts ORDER BY site_id, livemode, customer
      """;

  private static EmbeddedWarehouse w;

  @BeforeAll
  static void start() throws Exception {
    w = EmbeddedWarehouse.start();
  }

  @AfterAll
  static void stop() throws Exception {
    w.close();
  }

  @BeforeEach
  void empty() throws SQLException {
    w.execute("DELETE FROM payments");
  }

  private static String pay(String key, String visitor, String customerId, String at) {
    return String.format(
        """
        INSERT INTO payments (site_id, provider, payment_key, event_id, event_type, amount_minor,
            currency, currency_exponent, occurred_at, received_at, visitor_id, customer_id,
            livemode, method, confidence, candidates, reason)
        VALUES ('shop', 'stripe', '%s', 'evt_%s', 'charge.succeeded', 1000, 'USD', 2, '%s', '%s',
                %s, %s, true, 'metadata', 'high', 1, 'test')
        """,
        key, key, at, at, quoted(visitor), quoted(customerId));
  }

  private static String quoted(String s) {
    return s == null ? "NULL" : "'" + s + "'";
  }

  private static List<String> held() throws SQLException {
    return rows(w, HELD);
  }

  @Test
  void theEarliestPaymentIsTheFirstWhateverTheOrderOfWrites() throws Exception {
    w.execute(pay("pi_2", "v1", null, "2025-03-01T00:00Z"));
    w.execute(pay("pi_3", "v1", null, "2025-04-01T00:00Z"));
    w.execute(pay("pi_1", "v1", null, "2025-02-01T00:00Z"));
    assertThat(held())
        .containsExactly("shop | true | visitor:v1 | 2025-02-01 00:00:00.0 | stripe | pi_1");
  }

  @Test
  void aFirstPaymentReAttributedElsewhereHandsTheFirstToTheNextOne() throws Exception {
    w.execute(pay("pi_1", "v1", null, "2025-02-01T00:00Z"));
    w.execute(pay("pi_2", "v1", null, "2025-03-01T00:00Z"));
    w.execute(pay("pi_3", "v2", null, "2025-05-01T00:00Z"));
    // pi_1 was v1's by a weak link; stronger evidence names v2
    w.execute("UPDATE payments SET visitor_id = 'v2' WHERE payment_key = 'pi_1'");
    assertThat(held()).isEqualTo(rows(w, EXPECTED));
    assertThat(held())
        .extracting(r -> r.substring(r.lastIndexOf('|') + 2))
        .containsExactly("pi_2", "pi_1");
    // a payment that was not the first leaves: nothing changes
    w.execute("UPDATE payments SET visitor_id = NULL WHERE payment_key = 'pi_3'");
    assertThat(held()).isEqualTo(rows(w, EXPECTED));
  }

  @Test
  void aCustomerWhosePaymentsAllLeaveHasNoRow() throws Exception {
    w.execute(pay("pi_1", "v1", null, "2025-02-01T00:00Z"));
    w.execute("UPDATE payments SET visitor_id = 'v9' WHERE payment_key = 'pi_1'");
    assertThat(held())
        .containsExactly("shop | true | visitor:v9 | 2025-02-01 00:00:00.0 | stripe | pi_1");
    w.execute("DELETE FROM payments WHERE payment_key = 'pi_1'");
    assertThat(held()).isEmpty();
  }

  @Test
  void aRefundOrANewPositionDoesNotTouchTheTable() throws Exception {
    w.execute(pay("pi_1", "v1", null, "2025-02-01T00:00Z"));
    w.execute("UPDATE customer_firsts SET first_at = '2000-01-01T00:00Z'"); // a marker
    w.execute("UPDATE payments SET refunded_minor = 500, reason = 'refunded in part'");
    assertThat(held())
        .containsExactly("shop | true | visitor:v1 | 2000-01-01 00:00:00.0 | stripe | pi_1");
    w.execute("SELECT rebuild_customer_firsts()");
    assertThat(held()).isEqualTo(rows(w, EXPECTED));
  }

  @Test
  void anyMixOfWritesLeavesWhatAFreshLookSays() throws Exception {
    Random random = new Random(18);
    String[] visitors = {"v1", "v2", "v3", null};
    String[] customers = {"cus_1", "cus_2", null};
    for (int step = 0; step < 300; step++) {
      String key = "pi_" + random.nextInt(25);
      String visitor = visitors[random.nextInt(visitors.length)];
      String customer = customers[random.nextInt(customers.length)];
      String at =
          String.format("2025-%02d-%02dT12:00Z", 1 + random.nextInt(12), 1 + random.nextInt(28));
      switch (random.nextInt(4)) {
        case 0 -> w.execute("DELETE FROM payments WHERE payment_key = '" + key + "'");
        case 1 ->
            w.execute(
                "UPDATE payments SET occurred_at = '" + at + "' WHERE payment_key = '" + key + "'");
        default ->
            w.execute(
                pay(key, visitor, customer, at)
                    + " ON CONFLICT (site_id, provider, payment_key) DO UPDATE SET"
                    + " visitor_id = excluded.visitor_id, customer_id = excluded.customer_id,"
                    + " livemode = NOT payments.livemode");
      }
      assertThat(held()).as("after step %d", step).isEqualTo(rows(w, EXPECTED));
    }
    assertThat(held()).isNotEmpty();
  }

  @Test
  void aCandidateWrittenWhileTheFirstLeavesIsNotLost() throws Exception {
    w.execute(pay("pi_1", "v1", null, "2025-02-01T00:00Z"));
    w.execute(pay("pi_3", "v1", null, "2025-04-01T00:00Z"));
    // Writer A moves v1's first payment away while writer B, not yet committed, adds an earlier
    // one than pi_3: whichever order their locks fall in, pi_2 ends up v1's first.
    try (Connection a = DriverManager.getConnection(w.jdbcUrl());
        Connection b = DriverManager.getConnection(w.jdbcUrl())) {
      b.setAutoCommit(false);
      try (Statement s = b.createStatement()) {
        s.execute(pay("pi_2", "v1", null, "2025-03-01T00:00Z"));
      }
      CompletableFuture<Void> moved =
          CompletableFuture.runAsync(
              () -> {
                try (Statement s = a.createStatement()) {
                  s.execute("UPDATE payments SET visitor_id = 'v2' WHERE payment_key = 'pi_1'");
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      Thread.sleep(300); // A now waits for B's lock on v1's row
      assertThat(moved).isNotDone();
      b.commit();
      moved.get(30, TimeUnit.SECONDS);
    }
    assertThat(held()).isEqualTo(rows(w, EXPECTED));
    assertThat(held()).contains("shop | true | visitor:v1 | 2025-03-01 00:00:00.0 | stripe | pi_2");

    // and the other way round: A holds v1's row (uncommitted) while B offers an earlier payment
    w.execute("DELETE FROM payments");
    w.execute(pay("pi_1", "v1", null, "2025-02-01T00:00Z"));
    w.execute(pay("pi_3", "v1", null, "2025-04-01T00:00Z"));
    try (Connection a = DriverManager.getConnection(w.jdbcUrl());
        Connection b = DriverManager.getConnection(w.jdbcUrl())) {
      a.setAutoCommit(false);
      try (Statement s = a.createStatement()) {
        s.execute("UPDATE payments SET visitor_id = 'v2' WHERE payment_key = 'pi_1'");
      }
      CompletableFuture<Void> offered =
          CompletableFuture.runAsync(
              () -> {
                try (Statement s = b.createStatement()) {
                  s.execute(pay("pi_2", "v1", null, "2025-03-01T00:00Z"));
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      Thread.sleep(300);
      assertThat(offered).isNotDone();
      a.commit();
      offered.get(30, TimeUnit.SECONDS);
    }
    assertThat(held()).isEqualTo(rows(w, EXPECTED));
    assertThat(held()).contains("shop | true | visitor:v1 | 2025-03-01 00:00:00.0 | stripe | pi_2");
  }

  /** A position (V6) whose first touch is {@code channel}; its last touch is Direct. */
  private static String credits(String channel, long amount) {
    String touch =
        "{\"model\": \"%s\", \"channel\": \"%s\", \"currency\": \"USD\","
            + " \"currency_exponent\": 2, \"payment_at\": \"2025-02-01T00:00:00Z\","
            + " \"livemode\": true, \"credit_minor\": %d, \"refunded_minor\": 0}";
    return "["
        + touch.formatted("first_touch", channel, amount)
        + ", "
        + touch.formatted("last_touch", "Direct", amount)
        + "]";
  }

  private static List<String> channels() throws SQLException {
    return rows(w, "SELECT customer, payment_key, channel FROM customer_firsts ORDER BY 1");
  }

  @Test
  void theChannelThatBroughtACustomerIsTheFirstTouchOfTheirFirstPaymentAsItStands()
      throws Exception {
    w.execute(pay("pi_2", "v1", null, "2025-03-01T00:00Z"));
    w.execute(
        "UPDATE payments SET credits = '"
            + credits("Email", 1000)
            + "' WHERE payment_key = 'pi_2'");
    assertThat(channels()).containsExactly("visitor:v1 | pi_2 | Email");
    // re-attributed: the first touch is now Paid Search
    w.execute(
        "UPDATE payments SET credits = '"
            + credits("Paid Search", 1000)
            + "' WHERE payment_key = 'pi_2'");
    assertThat(channels()).containsExactly("visitor:v1 | pi_2 | Paid Search");
    // an earlier payment arrives with its own position: it is the first, and brought them
    w.execute(
        pay("pi_1", "v1", null, "2025-02-01T00:00Z")
            .replace(
                "livemode, method, confidence, candidates, reason)",
                "livemode, method, confidence, candidates, reason, credits)")
            .replace("'test')", "'test', '" + credits("Organic Search", 1000) + "')"));
    assertThat(channels()).containsExactly("visitor:v1 | pi_1 | Organic Search");
    // a later payment's position changing does not touch the customer's channel
    w.execute(
        "UPDATE payments SET credits = '"
            + credits("Referral", 1000)
            + "' WHERE payment_key = 'pi_2'");
    assertThat(channels()).containsExactly("visitor:v1 | pi_1 | Organic Search");
    // the first leaves: the next payment is the first, with its channel as it stands
    w.execute("UPDATE payments SET visitor_id = 'v2' WHERE payment_key = 'pi_1'");
    assertThat(channels())
        .containsExactly("visitor:v1 | pi_2 | Referral", "visitor:v2 | pi_1 | Organic Search");
    // a position without a positive first-touch credit
    w.execute("UPDATE payments SET credits = '[]' WHERE payment_key = 'pi_2'");
    assertThat(channels())
        .containsExactly(
            "visitor:v1 | pi_2 | (unattributed)", "visitor:v2 | pi_1 | Organic Search");
    w.execute("SELECT rebuild_customer_firsts()");
    assertThat(channels())
        .containsExactly(
            "visitor:v1 | pi_2 | (unattributed)", "visitor:v2 | pi_1 | Organic Search");
  }
}
