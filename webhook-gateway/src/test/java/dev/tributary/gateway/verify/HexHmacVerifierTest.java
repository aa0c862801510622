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
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Razorpay and Lemon Squeezy: hex HMAC-SHA256 of the raw body, no timestamp. */
class HexHmacVerifierTest {

  private static final HexHmacVerifier RAZORPAY =
      new HexHmacVerifier(HexHmacVerifier.RAZORPAY_HEADER);
  private static final HexHmacVerifier LEMON_SQUEEZY =
      new HexHmacVerifier(HexHmacVerifier.LEMON_SQUEEZY_HEADER);
  private static final Instant ANY_TIME = Instant.EPOCH;

  static Stream<Arguments> razorpayVectors() throws IOException {
    JsonNode file =
        new ObjectMapper().readTree(Fixtures.path("razorpay/signature_vectors.json").toFile());
    return StreamSupport.stream(file.get("vectors").spliterator(), false).map(Arguments::of);
  }

  /** Each vector of shared/fixtures/razorpay/signature_vectors.json, and tampered copies. */
  @ParameterizedTest
  @MethodSource("razorpayVectors")
  void razorpayVectors(JsonNode vector) {
    byte[] body = vector.get("body").asText().getBytes(StandardCharsets.UTF_8);
    String signature = vector.get("x-razorpay-signature").asText();
    List<String> secret = List.of(vector.get("secret").asText());

    Verification result =
        RAZORPAY.verify(
            body, Headers.of(Map.of("x-razorpay-signature", signature)), secret, ANY_TIME);

    assertThat(result.isValid()).isEqualTo(vector.get("expected_valid").asBoolean());
    assertThat(HexHmacVerifier.signature(secret.get(0), body)).isEqualTo(signature);
    assertThat(verify(RAZORPAY, Hmac.tampered(body), signature, secret).outcome())
        .isEqualTo(Outcome.REJECTED);
    String forged = (signature.charAt(0) == '0' ? "1" : "0") + signature.substring(1);
    assertThat(verify(RAZORPAY, body, forged, secret).outcome()).isEqualTo(Outcome.REJECTED);
  }

  @Test
  void lemonSqueezySignsTheRawBodyWithXSignature() throws IOException {
    byte[] body = Files.readAllBytes(Fixtures.path("lemonsqueezy/order_created.json"));
    String secret = "ls-signing-secret";
    String signature = Hmac.hex(secret, body);

    assertThat(verify(LEMON_SQUEEZY, body, signature, List.of(secret)))
        .isEqualTo(Verification.valid());
    // Hex is case-insensitive.
    assertThat(
            verify(LEMON_SQUEEZY, body, signature.toUpperCase(Locale.ROOT), List.of(secret))
                .isValid())
        .isTrue();
    assertThat(verify(LEMON_SQUEEZY, Hmac.tampered(body), signature, List.of(secret)).isValid())
        .isFalse();
    // The Razorpay verifier reads another header.
    Headers xSignature = Headers.of(Map.of("X-Signature", signature));
    assertThat(RAZORPAY.verify(body, xSignature, List.of(secret), ANY_TIME).outcome())
        .isEqualTo(Outcome.MALFORMED);
  }

  @Test
  void acceptsAnySecretOfARotation() {
    byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    String signature = Hmac.hex("new", body);

    assertThat(verify(LEMON_SQUEEZY, body, signature, List.of("old", "new")).isValid()).isTrue();
    assertThat(verify(LEMON_SQUEEZY, body, signature, List.of("old")).isValid()).isFalse();
  }

  @Test
  void missingHeaderIsMalformedAndGarbageIsRejected() {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);

    Verification missing = RAZORPAY.verify(body, Headers.of(Map.of()), List.of("s"), ANY_TIME);
    Verification garbage = verify(RAZORPAY, body, "not-hex", List.of("s"));

    assertThat(missing.outcome()).isEqualTo(Outcome.MALFORMED);
    assertThat(missing.reason()).contains("X-Razorpay-Signature");
    assertThat(garbage.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(garbage.reason()).doesNotContain(Hmac.hex("s", body));
  }

  /** Verifies with the verifier's own header carrying {@code signature}. */
  private static Verification verify(
      HexHmacVerifier verifier, byte[] body, String signature, List<String> secrets) {
    Map<String, String> headers =
        Map.of(
            verifier == RAZORPAY
                ? HexHmacVerifier.RAZORPAY_HEADER
                : HexHmacVerifier.LEMON_SQUEEZY_HEADER,
            signature);
    return verifier.verify(body, Headers.of(headers), secrets, ANY_TIME);
  }
}
