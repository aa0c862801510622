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
    // the order the ledger and the identity stages used before the enum, as method/confidence
    assertThat(
            Arrays.stream(LinkMethod.values())
                .collect(
                    Collectors.toMap(l -> l.method() + "/" + l.confidence(), LinkMethod::rank)))
        .isEqualTo(
            Map.of(
                "unattributed/none", 0,
                "timestamp/ambiguous", 1,
                "timestamp/low", 2,
                "email/low", 3,
                "email/medium", 4,
                "customer/high", 5,
                "metadata/high", 6));
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
        .containsExactly("email", "low", 3);
    assertThat(Resolution.linked(null, "d").rank()).isEqualTo(LinkMethod.METADATA.rank());
    assertThat(Resolution.ambiguous(3, java.time.Duration.ofMinutes(30)))
        .extracting(Resolution::method, Resolution::confidence, Resolution::candidates)
        .containsExactly("timestamp", "ambiguous", 3);
    assertThat(Resolution.unattributed("r").rank()).isZero();
  }
}
