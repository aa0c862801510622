package dev.tributary.job.ops;

import static dev.tributary.job.warehouse.WarehouseRows.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.job.ops.ReferenceData.BadFileException;
import dev.tributary.job.ops.ReferenceData.Kind;
import dev.tributary.job.testing.EmbeddedWarehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader against the migrated embedded PostgreSQL: upserts, and all-or-nothing per file. */
class ReferenceDataIT {
  private static EmbeddedWarehouse w;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    w = EmbeddedWarehouse.start();
  }

  @AfterAll
  static void stop() throws Exception {
    w.close();
  }

  @BeforeEach
  void empty() throws Exception {
    w.execute("TRUNCATE fx_rates, campaign_spend");
  }

  private Path file(String name, String csv) throws Exception {
    return Files.writeString(dir.resolve(name), csv);
  }

  @Test
  void loadsAndUpsertsRates() throws Exception {
    Path first =
        file("fx1.csv", "day,base,quote,rate\n2025-01-01,EUR,USD,1.10\n2025-01-01,USD,JPY,125\n");
    assertThat(ReferenceData.load(Kind.FX, w.jdbcUrl(), "postgres", "postgres", first))
        .isEqualTo(2);
    // the same key again replaces the rate; a new day is added
    Path second =
        file("fx2.csv", "day,base,quote,rate\n2025-01-01,EUR,USD,1.11\n2025-02-01,EUR,USD,1.20\n");
    assertThat(ReferenceData.load(Kind.FX, w.jdbcUrl(), "postgres", "postgres", second))
        .isEqualTo(2);
    assertThat(rows(w, "SELECT day, base, quote, rate FROM fx_rates ORDER BY day, base"))
        .containsExactly(
            "2025-01-01 | EUR | USD | 1.11",
            "2025-01-01 | USD | JPY | 125",
            "2025-02-01 | EUR | USD | 1.2");
    // and the views' rate function sees them
    assertThat(
            rows(
                w,
                "SELECT fx_rate('EUR', 'USD', '2025-01-15') AS eur, fx_rate('JPY', 'USD', '2025-03-01') AS jpy"))
        .containsExactly("1.11 | 0.008");
  }

  @Test
  void loadsSpendInMinorUnits() throws Exception {
    Path csv =
        file(
            "spend.csv",
            "day,site_id,source,medium,campaign,currency,amount\n"
                + "2025-01-10,shop,google,cpc,spring,usd,80\n"
                + "2025-01-10,shop,google,cpc,spring,JPY,12000\n"
                + "2025-01-11,shop,facebook,paid_social,launch,EUR,25.5\n");
    assertThat(ReferenceData.load(Kind.SPEND, w.jdbcUrl(), "postgres", "postgres", csv))
        .isEqualTo(3);
    assertThat(
            rows(
                w,
                "SELECT day, source, campaign, currency, amount_minor, currency_exponent"
                    + " FROM campaign_spend ORDER BY day, currency"))
        .containsExactly(
            "2025-01-10 | google | spring | JPY | 12000 | 0",
            "2025-01-10 | google | spring | USD | 8000 | 2",
            "2025-01-11 | facebook | launch | EUR | 2550 | 2");
  }

  @Test
  void aBadLineLoadsNothing() throws Exception {
    w.execute(
        "INSERT INTO campaign_spend VALUES ('2025-01-01', 'shop', 'a', 'b', 'c', 'USD', 1, 2)");
    Path csv =
        file(
            "spend.csv",
            "day,site_id,source,medium,campaign,currency,amount\n"
                + "2025-01-01,shop,a,b,c,USD,5.00\n"
                + "2025-01-02,shop,a,b,c,USD,7.001\n");
    assertThatThrownBy(
            () -> ReferenceData.load(Kind.SPEND, w.jdbcUrl(), "postgres", "postgres", csv))
        .isInstanceOf(BadFileException.class)
        .hasMessageContaining("1 bad line(s), nothing loaded")
        .hasMessageContaining("line 3: amount 7.001 has more decimals than USD's 2");
    // the good line 2 was not applied either: the old row is untouched
    assertThat(rows(w, "SELECT day, amount_minor FROM campaign_spend"))
        .containsExactly("2025-01-01 | 1");
  }

  @Test
  void aDatabaseErrorRollsBackTheWholeFile() throws Exception {
    // A failure inside the database (here a CHECK added for this test, which the second line
    // violates) rolls back the first line too.
    w.execute("ALTER TABLE fx_rates ADD CONSTRAINT test_small_rates CHECK (rate < 1000)");
    try {
      Path csv =
          file("fx.csv", "day,base,quote,rate\n2025-01-01,EUR,USD,1.1\n2025-01-01,USD,KRW,1400\n");
      assertThatThrownBy(
              () -> ReferenceData.load(Kind.FX, w.jdbcUrl(), "postgres", "postgres", csv))
          .isInstanceOf(java.sql.SQLException.class);
      assertThat(rows(w, "SELECT count(*) FROM fx_rates")).containsExactly("0");
    } finally {
      w.execute("ALTER TABLE fx_rates DROP CONSTRAINT test_small_rates");
    }
  }
}
