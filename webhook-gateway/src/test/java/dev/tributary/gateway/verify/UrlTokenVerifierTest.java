package dev.tributary.gateway.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.gateway.verify.Verification.Outcome;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UrlTokenVerifierTest {

  private static final String TOKEN = "9f2c1d7e4b8a6f3c0d5e2a1b";
  private static final byte[] BODY = "sale_id=abc&price=500".getBytes();

  private final UrlTokenVerifier verifier = new UrlTokenVerifier();

  @Test
  void acceptsAnyTokenOfTheSite() {
    assertThat(verify(TOKEN, List.of(TOKEN))).isEqualTo(Verification.valid());
    assertThat(verify(TOKEN, List.of("old-token-0123456789", TOKEN)).isValid()).isTrue();
  }

  @Test
  void rejectsAnyOtherToken() {
    for (String wrong :
        List.of(TOKEN + "x", TOKEN.substring(1), TOKEN.toUpperCase(), "x", TOKEN + " ")) {
      Verification result = verify(wrong, List.of(TOKEN));
      assertThat(result.outcome()).as(wrong).isEqualTo(Outcome.REJECTED);
      assertThat(result.httpStatus()).isEqualTo(401);
      assertThat(result.reason()).doesNotContain(TOKEN);
    }
  }

  @Test
  void aMissingTokenIsMalformed() {
    assertThat(verifier.verify(BODY, Headers.of(Map.of()), List.of(TOKEN), Instant.EPOCH).outcome())
        .isEqualTo(Outcome.MALFORMED);
  }

  @Test
  void aRealHeaderCannotStandInForThePathToken() {
    // The handler answers ":token" from the path only; a header named "token" is not it.
    Map<String, String> headers = new HashMap<>();
    headers.put("token", TOKEN);

    assertThat(verifier.verify(BODY, Headers.of(headers), List.of(TOKEN), Instant.EPOCH).isValid())
        .isFalse();
  }

  private Verification verify(String token, List<String> tokens) {
    return verifier.verify(
        BODY, Headers.of(Map.of(UrlTokenVerifier.TOKEN, token)), tokens, Instant.EPOCH);
  }
}
