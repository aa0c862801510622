package dev.tributary.gateway.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.gateway.testing.Fixtures;
import dev.tributary.gateway.testing.Hmac;
import dev.tributary.gateway.verify.StandardWebhooksVerifier.SecretEncoding;
import dev.tributary.gateway.verify.Verification.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Dodo Payments (the standard's key encoding) and Polar (raw secret bytes). */
class StandardWebhooksVerifierTest {

  private static final Duration TOLERANCE = Duration.ofSeconds(300);
  private static final StandardWebhooksVerifier DODO =
      new StandardWebhooksVerifier(SecretEncoding.BASE64_AFTER_WHSEC, TOLERANCE);
  private static final StandardWebhooksVerifier POLAR =
      new StandardWebhooksVerifier(SecretEncoding.RAW_UTF8, TOLERANCE);

  /** The known-answer vector every other case builds on. */
  private static JsonNode kat;

  private static byte[] katBody;
  private static long katTimestamp;

  @BeforeAll
  static void loadKnownAnswer() throws IOException {
    kat =
        StreamSupport.stream(file().get("vectors").spliterator(), false)
            .filter(v -> v.has("expected_signature"))
            .findFirst()
            .orElseThrow();
    katBody = kat.get("body").asText().getBytes(StandardCharsets.UTF_8);
    katTimestamp = kat.get("webhook-timestamp").asLong();
  }

  static Stream<Arguments> vectors() throws IOException {
    return StreamSupport.stream(file().get("vectors").spliterator(), false)
        .map(v -> Arguments.of(v.get("name").asText(), v));
  }

  /**
   * Each vector of shared/fixtures/standard-webhooks/signature_vectors.json, checked the way the
   * file describes it; a vector of an unknown shape fails rather than being skipped.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("vectors")
  void signatureVectors(String name, JsonNode vector) {
    if (vector.has("expected_signature")) {
      knownAnswer(vector);
    } else if (vector.has("secret_variants")) {
      for (JsonNode secret : vector.get("secret_variants")) {
        assertThat(verifyKat(kat.get("expected_signature").asText(), secret.asText()).isValid())
            .as(secret.asText())
            .isTrue();
      }
    } else if (vector.has("header_template")) {
      String header =
          vector
              .get("header_template")
              .asText()
              .replace("<VALID v1,...>", kat.get("expected_signature").asText());
      assertThat(verifyKat(header, kat.get("secret").asText()).isValid()).isTrue();
    } else if (vector.has("header")) {
      assertThat(verifyKat(vector.get("header").asText(), kat.get("secret").asText()).isValid())
          .isEqualTo(vector.get("expected_valid").asBoolean());
    } else if (vector.has("headers") && vector.has("expected_valid")) {
      for (JsonNode header : vector.get("headers")) {
        Verification result = verifyKat(header.asText(), kat.get("secret").asText());
        assertThat(result.isValid()).as(header.asText()).isFalse();
      }
    } else if (vector.has("headers")) {
      // Header names in mixed case.
      List<String> names =
          StreamSupport.stream(vector.get("headers").spliterator(), false)
              .map(JsonNode::asText)
              .toList();
      Headers headers =
          Headers.of(
              Map.of(
                  names.get(0), kat.get("webhook-id").asText(),
                  names.get(1), kat.get("webhook-timestamp").asText(),
                  names.get(2), kat.get("expected_signature").asText()));
      assertThat(DODO.verify(katBody, headers, List.of(kat.get("secret").asText()), katNow()))
          .isEqualTo(Verification.valid());
    } else if (vector.has("rule")) {
      String header = kat.get("expected_signature").asText();
      List<String> secret = List.of(kat.get("secret").asText());
      for (long offset : List.of(-300L, 300L)) {
        assertThat(DODO.verify(katBody, headers(header), secret, katNow().plusSeconds(offset)))
            .isEqualTo(Verification.valid());
      }
      for (long offset : List.of(-301L, 301L)) {
        Verification result =
            DODO.verify(katBody, headers(header), secret, katNow().plusSeconds(offset));
        assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(result.reason()).contains("tolerance");
      }
    } else if (vector.has("secrets")) {
      for (JsonNode secret : vector.get("secrets")) {
        assertThat(verifyKat(kat.get("expected_signature").asText(), secret.asText()).isValid())
            .isFalse();
        assertThatThrownBy(
                () ->
                    StandardWebhooksVerifier.signatureHeader(
                        SecretEncoding.BASE64_AFTER_WHSEC, secret.asText(), "id", 1, katBody))
            .isInstanceOf(IllegalArgumentException.class);
      }
    } else {
      throw new AssertionError("a vector of unknown shape: " + vector);
    }
  }

  private static void knownAnswer(JsonNode vector) {
    String secret = vector.get("secret").asText();
    String expected = vector.get("expected_signature").asText();
    String id = vector.get("webhook-id").asText();
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    assertThat(key).hasSize(vector.get("secret_decoded_len_bytes").asInt());

    assertThat(
            StandardWebhooksVerifier.signatureHeader(
                SecretEncoding.BASE64_AFTER_WHSEC, secret, id, katTimestamp, katBody))
        .isEqualTo(expected);
    assertThat(verifyKat(expected, secret)).isEqualTo(Verification.valid());

    // One byte of the body, or of the signature, changed.
    assertThat(
            DODO.verify(Hmac.tampered(katBody), headers(expected), List.of(secret), katNow())
                .outcome())
        .isEqualTo(Outcome.REJECTED);
    String forged = expected.replace("v1,g", "v1,h");
    assertThat(forged).isNotEqualTo(expected);
    assertThat(verifyKat(forged, secret).outcome()).isEqualTo(Outcome.REJECTED);
    // The signed id and timestamp are part of the content.
    Map<String, String> otherId = new HashMap<>(headerMap(expected));
    otherId.put("webhook-id", id + "x");
    assertThat(DODO.verify(katBody, Headers.of(otherId), List.of(secret), katNow()).isValid())
        .isFalse();
    Map<String, String> otherTime = new HashMap<>(headerMap(expected));
    otherTime.put("webhook-timestamp", String.valueOf(katTimestamp + 1));
    assertThat(DODO.verify(katBody, Headers.of(otherTime), List.of(secret), katNow()).isValid())
        .isFalse();
  }

  @Test
  void polarKeysWithTheRawSecretBytes() {
    String secret = "polar_whs_4wkEsR5v62U3Ldlv6QYu77RTvsKLHJawUVu272zXoy3";
    long now = 1_763_892_000L;
    byte[] body = "{\"type\":\"order.paid\",\"data\":{\"id\":\"ord_1\"}}".getBytes();
    String signature =
        "v1," + Hmac.base64(Hmac.utf8(secret), Hmac.concat("msg_1." + now + ".", body));
    Headers headers = headers("msg_1", now, signature);

    assertThat(POLAR.verify(body, headers, List.of(secret), Instant.ofEpochSecond(now)))
        .isEqualTo(Verification.valid());
    assertThat(
            StandardWebhooksVerifier.signatureHeader(
                SecretEncoding.RAW_UTF8, secret, "msg_1", now, body))
        .isEqualTo(signature);
    assertThat(
            POLAR
                .verify(Hmac.tampered(body), headers, List.of(secret), Instant.ofEpochSecond(now))
                .isValid())
        .isFalse();
  }

  @Test
  void theSecretEncodingMatters() {
    // A whsec_ secret keys the HMAC differently under the two encodings.
    String secret = kat.get("secret").asText();
    String standard = kat.get("expected_signature").asText();
    String raw =
        StandardWebhooksVerifier.signatureHeader(
            SecretEncoding.RAW_UTF8, secret, kat.get("webhook-id").asText(), katTimestamp, katBody);

    assertThat(raw).isNotEqualTo(standard);
    assertThat(POLAR.verify(katBody, headers(standard), List.of(secret), katNow()).outcome())
        .isEqualTo(Outcome.REJECTED);
    assertThat(POLAR.verify(katBody, headers(raw), List.of(secret), katNow()).isValid()).isTrue();
    assertThat(DODO.verify(katBody, headers(raw), List.of(secret), katNow()).isValid()).isFalse();
  }

  @Test
  void acceptsAnySecretOfARotation() {
    String secret = kat.get("secret").asText();
    String other = "whsec_" + Base64.getEncoder().encodeToString(new byte[24]);
    String header = kat.get("expected_signature").asText();

    assertThat(DODO.verify(katBody, headers(header), List.of(other, secret), katNow()).isValid())
        .isTrue();
    assertThat(DODO.verify(katBody, headers(header), List.of(other), katNow()).isValid()).isFalse();
  }

  @Test
  void missingHeadersAreMalformed() {
    String signature = kat.get("expected_signature").asText();
    Map<String, String> complete = headerMap(signature);
    for (String name : complete.keySet()) {
      Map<String, String> partial = new HashMap<>(complete);
      partial.remove(name);
      Verification result =
          DODO.verify(katBody, Headers.of(partial), List.of(kat.get("secret").asText()), katNow());
      assertThat(result.outcome()).as(name).isEqualTo(Outcome.MALFORMED);
      assertThat(result.httpStatus()).isEqualTo(400);
      assertThat(result.reason()).contains(name);
    }
  }

  @Test
  void aTimestampThatIsNotUnixSecondsIsMalformed() {
    for (String timestamp : List.of("soon", "-1614265330", "1614265330.5", "1e9")) {
      Map<String, String> headers =
          new HashMap<>(headerMap(kat.get("expected_signature").asText()));
      headers.put("webhook-timestamp", timestamp);
      assertThat(
              DODO.verify(
                      katBody, Headers.of(headers), List.of(kat.get("secret").asText()), katNow())
                  .outcome())
          .as(timestamp)
          .isEqualTo(Outcome.MALFORMED);
    }
  }

  @Test
  void toleranceIsConfigurable() {
    StandardWebhooksVerifier strict =
        new StandardWebhooksVerifier(SecretEncoding.BASE64_AFTER_WHSEC, Duration.ofSeconds(10));
    Headers header = headers(kat.get("expected_signature").asText());
    List<String> secret = List.of(kat.get("secret").asText());

    assertThat(strict.verify(katBody, header, secret, katNow().plusSeconds(10)).isValid()).isTrue();
    assertThat(strict.verify(katBody, header, secret, katNow().plusSeconds(11)).isValid())
        .isFalse();
  }

  @Test
  void reasonsNeverContainTheExpectedSignatureOrSecret() {
    String secret = kat.get("secret").asText();

    Verification result = DODO.verify(katBody, headers("v1,AAAA"), List.of(secret), katNow());

    assertThat(result.reason())
        .doesNotContain(kat.get("expected_signature").asText().substring(3))
        .doesNotContain(secret);
  }

  private static Verification verifyKat(String signatureHeader, String secret) {
    return DODO.verify(katBody, headers(signatureHeader), List.of(secret), katNow());
  }

  private static Instant katNow() {
    return Instant.ofEpochSecond(katTimestamp);
  }

  private static Headers headers(String signatureHeader) {
    return Headers.of(headerMap(signatureHeader));
  }

  private static Map<String, String> headerMap(String signatureHeader) {
    return Map.of(
        "webhook-id", kat.get("webhook-id").asText(),
        "webhook-timestamp", kat.get("webhook-timestamp").asText(),
        "webhook-signature", signatureHeader);
  }

  private static Headers headers(String id, long timestamp, String signatureHeader) {
    return Headers.of(
        Map.of(
            "webhook-id", id,
            "webhook-timestamp", String.valueOf(timestamp),
            "webhook-signature", signatureHeader));
  }

  private static JsonNode file() throws IOException {
    return new ObjectMapper()
        .readTree(Fixtures.path("standard-webhooks/signature_vectors.json").toFile());
  }
}
