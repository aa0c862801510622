package dev.tributary.gateway.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.gateway.testing.Fixtures;
import dev.tributary.gateway.verify.Verification.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StripeSignatureVerifierTest {

  private static final String SECRET = "whsec_test_secret";
  private static final byte[] BODY =
      "{\"id\":\"evt_1\",\"object\":\"event\",\"name\":\"Zoë\"}".getBytes(StandardCharsets.UTF_8);
  private static final long NOW = 1_763_892_000L;

  private final StripeSignatureVerifier verifier = new StripeSignatureVerifier();

  /** Each vector of shared/fixtures/stripe/signature_vectors.derived.json. */
  static Stream<Arguments> vectors() throws IOException {
    JsonNode file =
        new ObjectMapper()
            .readTree(Fixtures.path("stripe/signature_vectors.derived.json").toFile());
    return StreamSupport.stream(file.get("vectors").spliterator(), false)
        .map(v -> Arguments.of(v.has("expected_error") ? v.get("expected_error").asText() : "", v));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("vectors")
  void signatureVectors(String expectedError, JsonNode vector) {
    byte[] body = vector.get("body").asText().getBytes(StandardCharsets.UTF_8);
    String secret = vector.get("secret").asText();
    String header;
    if (vector.has("expected_header")) {
      header = vector.get("expected_header").asText();
      // The derived header is what our signer produces for the vector's inputs.
      assertThat(
              StripeSignatureVerifier.signatureHeader(
                  secret, vector.get("timestamp").asLong(), body))
          .isEqualTo(header);
    } else {
      header = vector.get("header").asText();
    }
    // Vectors that name no tolerance come from Stripe tests run with the time check off.
    long tolerance =
        vector.has("tolerance")
            ? vector.get("tolerance").asLong()
            : vector.path("verify_with_tolerance").asLong(0);
    Instant now = Instant.ofEpochSecond(vector.path("now").asLong(0));

    Verification result =
        new StripeSignatureVerifier(Duration.ofSeconds(tolerance))
            .verify(body, stripeHeader(header), List.of(secret), now);

    assertThat(result.isValid())
        .as(result.toString())
        .isEqualTo(vector.get("expected_valid").asBoolean());
    if (!result.isValid()) {
      assertThat(result.outcome()).isEqualTo(expectedOutcome(expectedError));
    }
  }

  @Test
  void acceptsAFreshSignature() {
    Verification result = verify(signed(SECRET, NOW), BODY, List.of(SECRET), NOW);

    assertThat(result).isEqualTo(Verification.valid());
    assertThat(result.httpStatus()).isEqualTo(200);
  }

  @Test
  void rejectsATamperedBody() {
    byte[] tampered = "{\"id\":\"evt_1\",\"object\":\"event\",\"name\":\"Zoe\"}".getBytes();

    Verification result = verify(signed(SECRET, NOW), tampered, List.of(SECRET), NOW);

    assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(result.httpStatus()).isEqualTo(401);
  }

  @Test
  void rejectsAnotherSecret() {
    Verification result = verify(signed("whsec_other", NOW), BODY, List.of(SECRET), NOW);

    assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
  }

  @Test
  void acceptsAnySecretOfARotation() {
    String header = signed("whsec_new", NOW);

    assertThat(verify(header, BODY, List.of("whsec_old", "whsec_new"), NOW).isValid()).isTrue();
    assertThat(verify(header, BODY, List.of("whsec_old"), NOW).isValid()).isFalse();
  }

  @Test
  void acceptsAnyOfSeveralV1Signatures() {
    String old = StripeSignatureVerifier.signatureHeader("whsec_old", NOW, BODY);
    String fresh = StripeSignatureVerifier.signatureHeader(SECRET, NOW, BODY);
    String both = old + "," + fresh.substring(fresh.indexOf("v1="));

    assertThat(verify(both, BODY, List.of(SECRET), NOW).isValid()).isTrue();
  }

  @Test
  void toleranceHoldsInBothDirections() {
    assertThat(verify(signed(SECRET, NOW - 300), BODY, List.of(SECRET), NOW).isValid()).isTrue();
    assertThat(verify(signed(SECRET, NOW + 300), BODY, List.of(SECRET), NOW).isValid()).isTrue();

    Verification old = verify(signed(SECRET, NOW - 301), BODY, List.of(SECRET), NOW);
    Verification future = verify(signed(SECRET, NOW + 301), BODY, List.of(SECRET), NOW);

    assertThat(old.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(old.reason()).contains("tolerance");
    assertThat(future.outcome()).isEqualTo(Outcome.REJECTED);
  }

  @Test
  void toleranceIsConfigurable() {
    StripeSignatureVerifier strict = new StripeSignatureVerifier(Duration.ofSeconds(10));
    Headers header = stripeHeader(signed(SECRET, NOW - 11));

    assertThat(strict.verify(BODY, header, List.of(SECRET), Instant.ofEpochSecond(NOW)).isValid())
        .isFalse();
  }

  @Test
  void missingHeaderIsMalformed() {
    Verification result =
        verifier.verify(BODY, Headers.of(Map.of()), List.of(SECRET), Instant.ofEpochSecond(NOW));

    assertThat(result.outcome()).isEqualTo(Outcome.MALFORMED);
    assertThat(result.httpStatus()).isEqualTo(400);
    assertThat(result.reason()).contains("missing");
  }

  @Test
  void malformedHeaders() {
    for (String header : List.of("garbage", "v1=abc", "t=,v1=abc", "t=12x,v1=abc", " ")) {
      assertThat(verify(header, BODY, List.of(SECRET), NOW).outcome())
          .as(header)
          .isEqualTo(Outcome.MALFORMED);
    }
  }

  @Test
  void headerWithoutV1IsRejected() {
    String v0Only = signed(SECRET, NOW).replace("v1=", "v0=");

    assertThat(verify(v0Only, BODY, List.of(SECRET), NOW).outcome()).isEqualTo(Outcome.REJECTED);
  }

  @Test
  void extremeTimestampsDoNotOverflowTheToleranceCheck() {
    String header = signed(SECRET, Long.MIN_VALUE);

    assertThat(verify(header, BODY, List.of(SECRET), NOW).outcome()).isEqualTo(Outcome.REJECTED);
  }

  @Test
  void reasonsNeverContainTheExpectedSignature() {
    String expected = signed(SECRET, NOW).substring(signed(SECRET, NOW).indexOf("v1=") + 3);

    Verification result = verify("t=" + NOW + ",v1=00", BODY, List.of(SECRET), NOW);

    assertThat(result.reason()).doesNotContain(expected).doesNotContain(SECRET);
  }

  private Verification verify(String header, byte[] body, List<String> secrets, long now) {
    return verifier.verify(body, stripeHeader(header), secrets, Instant.ofEpochSecond(now));
  }

  private static String signed(String secret, long timestamp) {
    return StripeSignatureVerifier.signatureHeader(secret, timestamp, BODY);
  }

  private static Headers stripeHeader(String value) {
    // Lower case on purpose: header names are case-insensitive.
    return Headers.of(Map.of("stripe-signature", value));
  }

  /** The failures the Stripe SDK reports, and the status the gateway answers them with. */
  private static Outcome expectedOutcome(String stripeError) {
    return switch (stripeError) {
      case "No signatures found with expected scheme", "Timestamp outside the tolerance zone" ->
          Outcome.REJECTED;
      default -> Outcome.MALFORMED; // unparseable headers, with or without an SDK message
    };
  }
}
