package dev.tributary.job.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.base.EmailHash;
import dev.tributary.job.sessions.Identify;
import dev.tributary.job.sessions.TrackingParser;
import dev.tributary.job.testing.EmbeddedKafka;
import dev.tributary.job.testing.EmbeddedWarehouse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Erasure of one person by email, against a real warehouse and broker: the payments rows lose the
 * hash, later writes of those rows cannot bring it back, and the job receives a {@code forget}
 * record it parses into an erasure request for the same hash.
 */
class ForgetEmailIT {
  private static final String KEY = "tributary-test-key-0123456789abcdef";

  @Test
  void theWarehouseForgetsForGoodAndTheJobIsTold() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(Map.of("tributary.tracking", 1));
        EmbeddedWarehouse warehouse = EmbeddedWarehouse.start()) {
      String hash = EmailHash.of(KEY.getBytes(StandardCharsets.UTF_8), "acme", "ada@example.com");
      String other = EmailHash.of(KEY.getBytes(StandardCharsets.UTF_8), "acme", "bob@example.com");
      String insert =
          "INSERT INTO payments (site_id, provider, payment_key, event_id, event_type,"
              + " amount_minor, currency, currency_exponent, occurred_at, received_at, livemode,"
              + " method, confidence, candidates, reason, email_hash) VALUES ('acme', 'stripe',"
              + " '%s', 'e', 'payment_intent.succeeded', 100, 'USD', 2, now(), now(), true,"
              + " 'email', 'medium', 1, 'x', '%s')";
      warehouse.execute(insert.formatted("pi_ada", hash));
      warehouse.execute(insert.formatted("pi_bob", other));

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code =
          ForgetEmail.run(
              new String[] {
                "--site", "acme",
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--jdbc-url", warehouse.jdbcUrl()
              },
              " Ada@Example.com ",
              KEY,
              "postgres",
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));

      assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
      String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
      assertThat(printed).contains("1 payment row(s) cleared").doesNotContainIgnoringCase("ada@");
      assertThat(
              warehouse.query("SELECT payment_key, email_hash FROM payments ORDER BY payment_key"))
          .extracting(r -> r.get("payment_key") + "|" + r.get("email_hash"))
          .containsExactly("pi_ada|null", "pi_bob|" + other);

      // the job re-writes the row later (a refund): the hash stays out
      warehouse.execute(
          "UPDATE payments SET email_hash = '" + hash + "' WHERE payment_key = 'pi_ada'");
      warehouse.execute(insert.formatted("pi_ada_2", hash));
      assertThat(warehouse.query("SELECT count(*) AS n FROM payments WHERE email_hash IS NULL"))
          .extracting(r -> r.get("n"))
          .containsExactly(2L);

      var records = kafka.readToEnd("tributary.tracking");
      assertThat(records).hasSize(1);
      Identify forget = TrackingParser.parseRecord(records.get(0).value()).identify();
      assertThat(forget.forget()).isTrue();
      assertThat(forget.emailKey()).isEqualTo("acme|" + hash);
      assertThat(records.get(0).value()).doesNotContainIgnoringCase("ada@");
    }
  }
}
