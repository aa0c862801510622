package dev.tributary.job.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.job.attribution.AttributedPayment;
import dev.tributary.job.attribution.Resolution;
import dev.tributary.job.config.JobOptions;
import dev.tributary.job.config.JobSettings;
import dev.tributary.job.ledger.book.PaymentRow;
import dev.tributary.job.sessions.Session;
import dev.tributary.job.testing.EmbeddedKafka;
import dev.tributary.job.testing.EmbeddedWarehouse;
import dev.tributary.job.testing.LocalJob;
import dev.tributary.job.testing.Payments;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A row PostgreSQL refuses for its content costs that row only: it reaches the dead-letter topic
 * with PostgreSQL's message while the rest of its batch is written; and a database outage in the
 * middle of the rows is waited out, not dead-lettered.
 */
class RefusedRowsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static EmbeddedKafka kafka;
  private static EmbeddedWarehouse warehouse;
  private static volatile boolean outageHappened;

  @BeforeAll
  static void writeRowsWithRefusalsAndAnOutage() throws Exception {
    kafka = EmbeddedKafka.start(Map.of("tributary.deadletter", 1));
    warehouse = EmbeddedWarehouse.start();
    Configuration conf = LocalJob.configuration(kafka, warehouse);
    conf.set(JobOptions.JDBC_BATCH_SIZE, 50);
    conf.set(JobOptions.JDBC_BATCH_INTERVAL, Duration.ofMillis(100));
    conf.set(org.apache.flink.configuration.CoreOptions.DEFAULT_PARALLELISM, 1);
    JobSettings settings = JobOptions.settings(conf);

    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      // the 7th and the 77th carry what PostgreSQL's text cannot hold
      String campaign = i == 7 || i == 77 ? "spring\u0000sale" : "spring";
      sessions.add(
          new Session(
              "acme",
              "v_" + i,
              "s_" + i,
              1_000L * i,
              1_000L * i,
              1,
              "Email",
              "news",
              "email",
              campaign,
              null,
              null,
              null,
              null,
              "https://acme.test/"));
    }
    var good = Payments.payment("pi_good", "evt_good", 1000, 5_000, "v_1", null);
    var bad = Payments.payment("pi_bad", "evt_bad", 1000, 5_000, "v_2", null);
    List<PaymentRow> payments =
        List.of(
            new PaymentRow(
                new AttributedPayment(good, Resolution.metadata("m"), List.of(), 1), 0, false, 0),
            // refunded more than the amount: the payments_refunded_within_amount CHECK refuses it
            new PaymentRow(
                new AttributedPayment(bad, Resolution.metadata("m"), List.of(), 1),
                5000,
                false,
                6_000));

    Thread outage =
        new Thread(
            () -> {
              try {
                // once rows are being written, not while the job starts (a writer that cannot
                // connect at start fails its task: Flink restarts it, this test does not)
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (System.nanoTime() < deadline) {
                  long n =
                      (Long) warehouse.query("SELECT count(*) AS n FROM sessions").get(0).get("n");
                  if (n >= 20) {
                    warehouse.outage(Duration.ofSeconds(2));
                    outageHappened = true;
                    return;
                  }
                  Thread.sleep(20);
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.fromData(TypeInformation.of(Session.class), sessions.toArray(Session[]::new))
        .map(
            s -> {
              Thread.sleep(30); // rows keep coming through the outage
              return s;
            })
        .returns(Session.class)
        .sinkTo(WarehouseSinks.sessions(settings));
    env.fromData(TypeInformation.of(PaymentRow.class), payments.toArray(PaymentRow[]::new))
        .sinkTo(WarehouseSinks.payments(settings));
    outage.start();
    env.execute("refused-rows-it");
    outage.join();
  }

  @AfterAll
  static void stop() throws Exception {
    if (warehouse != null) {
      warehouse.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void everyAcceptableRowIsWrittenAndOnlyTheRefusedOnesAreMissing() throws Exception {
    assertThat(outageHappened).as("PostgreSQL refused connections while rows came").isTrue();
    assertThat(warehouse.query("SELECT count(*) AS n FROM sessions"))
        .singleElement()
        .satisfies(r -> assertThat(r.get("n")).isEqualTo(118L));
    assertThat(
            warehouse.query("SELECT session_id FROM sessions WHERE session_id IN ('s_7','s_77')"))
        .isEmpty();
    assertThat(warehouse.query("SELECT payment_key FROM payments"))
        .extracting(r -> r.get("payment_key"))
        .containsExactly("pi_good");
  }

  @Test
  void eachRefusedRowIsADeadLetterWithPostgresqlsMessage() throws Exception {
    List<JsonNode> letters = new ArrayList<>();
    // to the topic's end offsets: a subscription read that stopped after two quiet seconds came
    // back empty when the consumer group's join took longer on a loaded machine
    for (var r : kafka.readToEnd("tributary.deadletter")) {
      letters.add(JSON.readTree(r.value()));
    }
    assertThat(letters)
        .extracting(l -> l.path("stage").asText() + " " + l.path("key").asText())
        .containsExactlyInAnyOrder(
            "sink-sessions acme|s_7",
            "sink-sessions acme|s_77",
            "sink-payments acme|stripe|pi_bad");
    assertThat(letters)
        .filteredOn(l -> l.path("stage").asText().equals("sink-sessions"))
        .allSatisfy(
            l -> {
              assertThat(l.path("reason").asText()).contains("SQLSTATE 22021");
              assertThat(l.path("record").asText()).contains("\"campaign\":\"spring\\u0000sale\"");
            });
    assertThat(letters)
        .filteredOn(l -> l.path("stage").asText().equals("sink-payments"))
        .singleElement()
        .satisfies(
            l ->
                assertThat(l.path("reason").asText())
                    .contains("payments_refunded_within_amount")
                    .contains("SQLSTATE 23514"));
  }
}
