package dev.tributary.job.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.job.ops.ReferenceData.BadFileException;
import dev.tributary.job.ops.ReferenceData.FxRate;
import dev.tributary.job.ops.ReferenceData.Spend;
import java.io.StringReader;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceDataTest {

  private static List<String[]> fx(String csv) throws Exception {
    return ReferenceData.readCsv(new StringReader(csv), ReferenceData.FX_HEADER);
  }

  private static List<String[]> spend(String csv) throws Exception {
    return ReferenceData.readCsv(new StringReader(csv), ReferenceData.SPEND_HEADER);
  }

  @Test
  void parsesRatesWithNormalizedCodes() throws Exception {
    List<FxRate> rates =
        ReferenceData.parseFx(fx("day,base,quote,rate\n2025-01-31,eur,USD,1.0832\n\n"));
    assertThat(rates)
        .containsExactly(
            new FxRate(LocalDate.of(2025, 1, 31), "EUR", "USD", new BigDecimal("1.0832")));
  }

  @Test
  void convertsSpendExactlyWithTheIsoExponent() throws Exception {
    List<Spend> rows =
        ReferenceData.parseSpend(
            spend(
                "day,site_id,source,medium,campaign,currency,amount\n"
                    + "2025-01-31,demo,google,cpc,\"spring, \"\"EU\"\"\",USD,1234.5\n"
                    + "2025-01-31,demo,google,cpc,spring,JPY,1500\n"
                    + "2025-01-31,demo,google,cpc,spring,KWD,0.125\n"
                    + "2025-01-31,demo,google,cpc,spring,EUR,19.990\n"));
    assertThat(rows)
        .extracting(Spend::campaign, Spend::currency, Spend::amountMinor, Spend::exponent)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("spring, \"EU\"", "USD", 123450L, 2),
            org.assertj.core.groups.Tuple.tuple("spring", "JPY", 1500L, 0),
            org.assertj.core.groups.Tuple.tuple("spring", "KWD", 125L, 3),
            org.assertj.core.groups.Tuple.tuple("spring", "EUR", 1999L, 2));
  }

  @Test
  void reportsEveryBadLineWithItsNumberAndReason() {
    String csv =
        "day,site_id,source,medium,campaign,currency,amount\n"
            + "2025-01-31,demo,google,cpc,spring,USD,10.00\n" // 2: fine
            + "2025-02-30,demo,google,cpc,spring,USD,10.00\n" // 3: no such day
            + "2025-02-01,demo,google,cpc,spring,JPY,10.5\n" // 4: JPY has no decimals
            + "2025-02-01,demo,google,cpc,spring,ZZZ,1\n" // 5: unknown currency
            + "2025-02-01,demo,google,cpc,spring,USD,-3\n" // 6: negative
            + "2025-02-01,demo,,cpc,spring,USD,3\n" // 7: empty source
            + "2025-01-31,demo,google,cpc,spring,USD,12\n"; // 8: same key as line 2
    assertThatThrownBy(() -> ReferenceData.parseSpend(spend(csv)))
        .isInstanceOf(BadFileException.class)
        .satisfies(
            e ->
                assertThat(((BadFileException) e).problems())
                    .containsExactly(
                        "line 3: day must be YYYY-MM-DD, got '2025-02-30'",
                        "line 4: amount 10.5 has more decimals than JPY's 0",
                        "line 5: currency 'ZZZ' is not an ISO 4217 currency code",
                        "line 6: amount must be a plain non-negative decimal like 12.34, got '-3'",
                        "line 7: source is empty",
                        "line 8: same key as line 2"));
  }

  @Test
  void rejectsWrongFieldCountsQuotesAndRates() {
    assertThatThrownBy(
            () ->
                fx(
                    "day,base,quote,rate\n"
                        + "2025-01-01,EUR,USD\n"
                        + "2025-01-01,\"EUR,USD,1\n"
                        + "2025-01-01,EUR,USD,1\n"))
        .isInstanceOf(BadFileException.class)
        .hasMessageContaining("line 2: 3 fields, expected 4")
        .hasMessageContaining("line 3: unterminated quote");
    assertThatThrownBy(
            () ->
                ReferenceData.parseFx(
                    fx(
                        "day,base,quote,rate\n2025-01-01,EUR,USD,0\n2025-01-01,EUR,EUR,1\n"
                            + "2025-01-01,GBP,USD,1e3\n")))
        .isInstanceOf(BadFileException.class)
        .satisfies(
            e ->
                assertThat(((BadFileException) e).problems())
                    .containsExactly(
                        "line 2: rate must be > 0, got 0",
                        "line 3: base and quote are both EUR",
                        "line 4: rate must be a plain non-negative decimal like 12.34, got '1e3'"));
  }

  @Test
  void requiresTheDocumentedHeader() {
    assertThatThrownBy(() -> fx("date,from,to,rate\n2025-01-01,EUR,USD,1\n"))
        .isInstanceOf(BadFileException.class)
        .hasMessageContaining("line 1: header must be day,base,quote,rate, got date,from,to,rate");
    assertThatThrownBy(() -> fx(""))
        .isInstanceOf(BadFileException.class)
        .hasMessageContaining("empty file");
  }

  @Test
  void splitsQuotedFields() {
    assertThat(ReferenceData.splitCsvLine("a,\"b,c\",\"d\"\"e\","))
        .containsExactly("a", "b,c", "d\"e", "");
    assertThatThrownBy(() -> ReferenceData.splitCsvLine("a,b\"c\""))
        .hasMessage("unexpected quote in field 2");
  }

  @Test
  void rejectsAmountsBeyondALong() {
    assertThatThrownBy(() -> ReferenceData.minorUnits("99999999999999999999", "USD", 2))
        .hasMessage("amount 99999999999999999999 is too large");
    assertThat(ReferenceData.minorUnits("0.10", "USD", 2)).isEqualTo(10L);
  }
}
