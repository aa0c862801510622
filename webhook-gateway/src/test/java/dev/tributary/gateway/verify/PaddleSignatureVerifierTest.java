package dev.tributary.gateway.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.gateway.testing.Fixtures;
import dev.tributary.gateway.testing.Hmac;
import dev.tributary.gateway.verify.Verification.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PaddleSignatureVerifierTest {

  private static final String SECRET = "pdl_ntfset_01hs0t3tw21j988db1pam5xg8m_test";
  private static final byte[] BODY =
      "{\"event_id\":\"evt_1\",\"event_type\":\"transaction.paid\",\"data\":{\"name\":\"Zoë\"}}"
          .getBytes(StandardCharsets.UTF_8);
  private static final long NOW = 1_763_892_000L;

  /** The recorded vectors are years old: replay them with the time check off. */
  private static final PaddleSignatureVerifier NO_TIME_CHECK =
      new PaddleSignatureVerifier(Duration.ZERO);

  private final PaddleSignatureVerifier verifier =
      new PaddleSignatureVerifier(PaddleSignatureVerifier.DEFAULT_TOLERANCE);

  static Stream<Arguments> vectors() throws IOException {
    return StreamSupport.stream(file().get("vectors").spliterator(), false)
        .map(v -> Arguments.of(v.get("name").asText(), v));
  }

  /** Each vector of shared/fixtures/paddle/signature_vectors.json verifies as the file says. */
  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("vectors")
  void signatureVectors(String name, JsonNode vector) {
    byte[] body = vector.get("body").asText().getBytes(StandardCharsets.UTF_8);
    String header = vector.get("header").asText();
    List<String> secrets = secrets(vector);

    Verification result = NO_TIME_CHECK.verify(body, paddleHeader(header), secrets, Instant.EPOCH);

    assertThat(result.isValid())
        .as(result.toString())
        .isEqualTo(vector.get("expected_valid").asBoolean());
    if (result.isValid()) {
      // A tampered copy fails: one byte of the body, or every h1 signature, changed.
      assertThat(
              NO_TIME_CHECK
                  .verify(Hmac.tampered(body), paddleHeader(header), secrets, Instant.EPOCH)
                  .outcome())
          .isEqualTo(Outcome.REJECTED);
      assertThat(
              NO_TIME_CHECK
                  .verify(body, paddleHeader(tamperSignatures(header)), secrets, Instant.EPOCH)
                  .outcome())
          .isEqualTo(Outcome.REJECTED);
    } else {
      assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
    }
  }

  @Test
  void nodeSdkVectorsPassTheDefaultToleranceAtTheirClock() throws IOException {
    // The node SDK's tests fix the clock at the signed time (2023-11-01T00:00:00Z).
    for (JsonNode vector : file().get("vectors")) {
      String header = vector.get("header").asText();
      if (!header.startsWith("ts=1698796800;") || !vector.get("expected_valid").asBoolean()) {
        continue;
      }
      byte[] body = vector.get("body").asText().getBytes(StandardCharsets.UTF_8);
      Instant signedAt = Instant.ofEpochSecond(1_698_796_800L);

      assertThat(verifier.verify(body, paddleHeader(header), secrets(vector), signedAt).isValid())
          .isTrue();
      // Paddle's SDK window is 5 s; ours is configurable.
      PaddleSignatureVerifier sdkWindow = new PaddleSignatureVerifier(Duration.ofSeconds(5));
      assertThat(
              sdkWindow
                  .verify(body, paddleHeader(header), secrets(vector), signedAt.plusSeconds(6))
                  .outcome())
          .isEqualTo(Outcome.REJECTED);
    }
  }

  @Test
  void theSignedBodyFixtureWithoutItsTrailingNewlineIsTheSignedBytes() throws IOException {
    byte[] file = Files.readAllBytes(Fixtures.path("paddle/customer.created.signed_body.json"));
    assertThat(file[file.length - 1]).isEqualTo((byte) '\n');
    byte[] body = Arrays.copyOf(file, file.length - 1);
    JsonNode vector = file().get("vectors").get(0);
    assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(vector.get("body").asText());
    Headers header = paddleHeader(vector.get("header").asText());

    assertThat(NO_TIME_CHECK.verify(body, header, secrets(vector), Instant.EPOCH).isValid())
        .isTrue();
    // The file as stored, newline included, is not what Paddle signed.
    assertThat(NO_TIME_CHECK.verify(file, header, secrets(vector), Instant.EPOCH).isValid())
        .isFalse();
  }

  @Test
  void signsTheDocumentedRecipe() {
    String expected = Hmac.hex(SECRET, Hmac.concat(NOW + ":", BODY));

    assertThat(PaddleSignatureVerifier.signatureHeader(SECRET, NOW, BODY))
        .isEqualTo("ts=" + NOW + ";h1=" + expected);
    assertThat(verify("ts=" + NOW + ";h1=" + expected, List.of(SECRET), NOW))
        .isEqualTo(Verification.valid());
  }

  @Test
  void acceptsAnySecretOfARotationAndAnyH1() {
    String header = PaddleSignatureVerifier.signatureHeader("pdl_new", NOW, BODY);
    String old = PaddleSignatureVerifier.signatureHeader("pdl_old", NOW, BODY);
    String both = old + ";" + header.substring(header.indexOf("h1="));

    assertThat(verify(header, List.of("pdl_old", "pdl_new"), NOW).isValid()).isTrue();
    assertThat(verify(header, List.of("pdl_old"), NOW).isValid()).isFalse();
    assertThat(verify(both, List.of("pdl_new"), NOW).isValid()).isTrue();
  }

  @Test
  void toleranceHoldsInBothDirectionsAndIsConfigurable() {
    for (long offset : List.of(-300L, 300L)) {
      assertThat(verify(signed(NOW + offset), List.of(SECRET), NOW).isValid()).isTrue();
    }
    for (long offset : List.of(-301L, 301L)) {
      Verification result = verify(signed(NOW + offset), List.of(SECRET), NOW);
      assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
      assertThat(result.reason()).contains("tolerance");
    }
    PaddleSignatureVerifier fiveSeconds = new PaddleSignatureVerifier(Duration.ofSeconds(5));
    assertThat(
            fiveSeconds
                .verify(
                    BODY,
                    paddleHeader(signed(NOW - 6)),
                    List.of(SECRET),
                    Instant.ofEpochSecond(NOW))
                .isValid())
        .isFalse();
  }

  @Test
  void missingOrMalformedHeaders() {
    Verification missing =
        verifier.verify(BODY, Headers.of(Map.of()), List.of(SECRET), Instant.ofEpochSecond(NOW));
    assertThat(missing.outcome()).isEqualTo(Outcome.MALFORMED);
    assertThat(missing.reason()).contains("Paddle-Signature");

    String h1 = signed(NOW).substring(signed(NOW).indexOf("h1="));
    for (String header : List.of("garbage", h1, "ts=;" + h1, "ts=12x;" + h1, "ts=-5;" + h1, " ")) {
      assertThat(verify(header, List.of(SECRET), NOW).outcome())
          .as(header)
          .isEqualTo(Outcome.MALFORMED);
    }
    // Well formed, but no h1 at all.
    assertThat(verify("ts=" + NOW + ";h2=abc", List.of(SECRET), NOW).outcome())
        .isEqualTo(Outcome.REJECTED);
  }

  private Verification verify(String header, List<String> secrets, long now) {
    return verifier.verify(BODY, paddleHeader(header), secrets, Instant.ofEpochSecond(now));
  }

  private static String signed(long timestamp) {
    return PaddleSignatureVerifier.signatureHeader(SECRET, timestamp, BODY);
  }

  private static Headers paddleHeader(String value) {
    return Headers.of(Map.of("paddle-signature", value));
  }

  /** The header with the first character of every h1 value changed. */
  private static String tamperSignatures(String header) {
    Matcher h1 = Pattern.compile("h1=(.)").matcher(header);
    StringBuilder out = new StringBuilder();
    while (h1.find()) {
      char c = h1.group(1).charAt(0);
      h1.appendReplacement(out, "h1=" + (c == '0' ? '1' : '0'));
    }
    h1.appendTail(out);
    return out.toString();
  }

  private static List<String> secrets(JsonNode vector) {
    if (vector.has("secrets")) {
      return StreamSupport.stream(vector.get("secrets").spliterator(), false)
          .map(JsonNode::asText)
          .toList();
    }
    return List.of(vector.get("secret").asText());
  }

  private static JsonNode file() throws IOException {
    return new ObjectMapper().readTree(Fixtures.path("paddle/signature_vectors.json").toFile());
  }
}
