package dev.tributary.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RevenueSummaryTest {

  @Test
  void amountsUseTheCurrencysDecimals() {
    assertThat(RevenueSummary.money(new BigDecimal("1248.0000000"), "EUR")).isEqualTo("1,248.00");
    assertThat(RevenueSummary.money(new BigDecimal("5000.00000"), "JPY")).isEqualTo("5,000");
    assertThat(RevenueSummary.money(new BigDecimal("1.2340000"), "KWD")).isEqualTo("1.234");
    assertThat(RevenueSummary.money(new BigDecimal("-19.9000"), "USD")).isEqualTo("-19.90");
  }

  @Test
  void trackerUtmParametersComeFromTheUrl() {
    assertThat(
            GatewayClient.Pageview.utmOf(
                "https://x.test/p?utm_source=news%20letter&utm_medium=email&gclid=abc&utm_campaign=c1"))
        .isEqualTo(Map.of("source", "news letter", "medium", "email", "campaign", "c1"));
    assertThat(GatewayClient.Pageview.utmOf("https://x.test/")).isEmpty();
  }
}
