package dev.tributary.job.payments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.attribution.Resolution;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LinkMethodTest {
  @Test
  void theRanksAreTheOrderAReAttributionMayClimb() {
    // the order the ledger and the identity stages used before the enum, as method/confidence,
    // with the order's own evidence (#17) between the guess by time and the email link
    assertThat(
            Arrays.stream(LinkMethod.values())
                .collect(
                    Collectors.toMap(l -> l.method() + "/" + l.confidence(), LinkMethod::rank)))
        .isEqualTo(
            Map.of(
                "unattributed/none", 0,
                "timestamp/ambiguous", 1,
                "timestamp/low", 2,
                "landing_page/low", 3,
                "promo_code/campaign", 4,
                "email/low", 5,
                "email/medium", 6,
                "customer/high", 7,
                "metadata/high", 8));
  }

  @Test
  void codesAndBookedPairsFindTheirLink() {
    for (LinkMethod l : LinkMethod.values()) {
      assertThat(LinkMethod.of(l.method(), l.confidence())).isEqualTo(l);
      if (l.code() != null) {
        assertThat(LinkMethod.ofCode(l.code())).isEqualTo(l);
      }
    }
    assertThat(LinkMethod.ofCode("email-unverified")).isEqualTo(LinkMethod.EMAIL_UNVERIFIED);
    assertThat(LinkMethod.ofCode(null)).isNull();
    assertThat(LinkMethod.ofCode("telepathy")).isNull();
    assertThat(LinkMethod.of("email", "high")).isNull();
  }

  @Test
  void aResolutionIsBookedAsItsLinksMethodAndConfidence() {
    assertThat(Resolution.linked("email-unverified", "d"))
        .extracting(Resolution::method, Resolution::confidence, Resolution::rank)
        .containsExactly("email", "low", 5);
    assertThat(Resolution.linked(null, "d").rank()).isEqualTo(LinkMethod.METADATA.rank());
    assertThat(Resolution.ambiguous(3, java.time.Duration.ofMinutes(30)))
        .extracting(Resolution::method, Resolution::confidence, Resolution::candidates)
        .containsExactly("timestamp", "ambiguous", 3);
    assertThat(Resolution.unattributed("r").rank()).isZero();
    assertThat(Resolution.landingPage("r"))
        .extracting(
            Resolution::method, Resolution::confidence, Resolution::candidates, Resolution::rank)
        .containsExactly("landing_page", "low", 0, 3);
  }
}
