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

/**
 * Razorpay, Lemon Squeezy and Creem: hex HMAC-SHA256 of the raw body; Paystack: hex HMAC-SHA512 of
 * the raw body under the secret key. No timestamp in any of them.
 */
class HexHmacVerifierTest {

  private static final HexHmacVerifier RAZORPAY =
      new HexHmacVerifier(HexHmacVerifier.RAZORPAY_HEADER);
  private static final HexHmacVerifier LEMON_SQUEEZY =
      new HexHmacVerifier(HexHmacVerifier.LEMON_SQUEEZY_HEADER);
  private static final HexHmacVerifier PAYSTACK =
      new HexHmacVerifier(HexHmacVerifier.PAYSTACK_HEADER, HexHmacVerifier.Algorithm.SHA512);
  private static final HexHmacVerifier CREEM = new HexHmacVerifier(HexHmacVerifier.CREEM_HEADER);
  private static final Instant ANY_TIME = Instant.EPOCH;

  /** Paystack signs with the integration's secret key; this one is made up. */
  private static final String PAYSTACK_SECRET = "sk_test_0d7b4c36e2f44b4e9f1d8a5c0b3e7f21";

  private static final String CREEM_SECRET = "whsec_creem_test_5f0c2d9a1b7e";

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

  @Test
  void hmacSha512MatchesTheRfc4231KnownAnswer() {
    // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
    byte[] data = "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8);

    assertThat(HexHmacVerifier.signature(HexHmacVerifier.Algorithm.SHA512, "Jefe", data))
        .isEqualTo(
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                + "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
    assertThat(HexHmacVerifier.signature("Jefe", data))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  /**
   * Paystack's documented check, {@code crypto.createHmac('sha512', secret).update(rawBody)
   * .digest('hex') == req.headers['x-paystack-signature']}, over Paystack's own sample body.
   */
  @Test
  void paystackSignsTheRawBodyWithHmacSha512OfTheSecretKey() throws IOException {
    byte[] body =
        Files.readAllBytes(Fixtures.path("paystack/charge.success.transaction_successful.json"));
    String signature = Hmac.hex512(PAYSTACK_SECRET, body);

    assertThat(signature).hasSize(128);
    assertThat(HexHmacVerifier.signature(HexHmacVerifier.Algorithm.SHA512, PAYSTACK_SECRET, body))
        .isEqualTo(signature);
    assertThat(verify(PAYSTACK, body, signature, List.of(PAYSTACK_SECRET)))
        .isEqualTo(Verification.valid());
    assertThat(
            verify(PAYSTACK, body, signature.toUpperCase(Locale.ROOT), List.of(PAYSTACK_SECRET))
                .isValid())
        .isTrue();
    assertThat(verify(PAYSTACK, Hmac.tampered(body), signature, List.of(PAYSTACK_SECRET)).outcome())
        .isEqualTo(Outcome.REJECTED);
    assertThat(verify(PAYSTACK, body, signature, List.of("sk_test_someone_else")).outcome())
        .isEqualTo(Outcome.REJECTED);
    // The same secret over SHA-256 is not Paystack's signature.
    assertThat(verify(PAYSTACK, body, Hmac.hex(PAYSTACK_SECRET, body), List.of(PAYSTACK_SECRET)))
        .extracting(Verification::outcome)
        .isEqualTo(Outcome.REJECTED);
    // A secret rotated in: either key verifies while both are configured.
    assertThat(
            verify(PAYSTACK, body, signature, List.of("sk_test_previous_key", PAYSTACK_SECRET))
                .isValid())
        .isTrue();
    Verification missing =
        PAYSTACK.verify(body, Headers.of(Map.of()), List.of(PAYSTACK_SECRET), ANY_TIME);
    assertThat(missing.outcome()).isEqualTo(Outcome.MALFORMED);
    assertThat(missing.reason()).contains("x-paystack-signature");
  }

  /** Creem's documented check: hex HMAC-SHA256 of the raw body in {@code creem-signature}. */
  @Test
  void creemSignsTheRawBodyWithHmacSha256() throws IOException {
    byte[] body = Files.readAllBytes(Fixtures.path("creem/checkout.completed.json"));
    String signature = Hmac.hex(CREEM_SECRET, body);

    assertThat(verify(CREEM, body, signature, List.of(CREEM_SECRET)))
        .isEqualTo(Verification.valid());
    assertThat(
            verify(CREEM, body, signature.toUpperCase(Locale.ROOT), List.of(CREEM_SECRET))
                .isValid())
        .isTrue();
    assertThat(verify(CREEM, Hmac.tampered(body), signature, List.of(CREEM_SECRET)).outcome())
        .isEqualTo(Outcome.REJECTED);
    assertThat(verify(CREEM, body, signature, List.of("whsec_other")).outcome())
        .isEqualTo(Outcome.REJECTED);
    assertThat(verify(CREEM, body, signature, List.of("whsec_old", CREEM_SECRET)).isValid())
        .isTrue();
    Verification missing =
        CREEM.verify(body, Headers.of(Map.of()), List.of(CREEM_SECRET), ANY_TIME);
    assertThat(missing.outcome()).isEqualTo(Outcome.MALFORMED);
    assertThat(missing.reason()).contains("creem-signature");
    // Header names are case-insensitive.
    Headers mixedCase = Headers.of(Map.of("Creem-Signature", signature));
    assertThat(CREEM.verify(body, mixedCase, List.of(CREEM_SECRET), ANY_TIME).isValid()).isTrue();
  }

  /** Verifies with the verifier's own header carrying {@code signature}. */
  private static Verification verify(
      HexHmacVerifier verifier, byte[] body, String signature, List<String> secrets) {
    String header;
    if (verifier == RAZORPAY) {
      header = HexHmacVerifier.RAZORPAY_HEADER;
    } else if (verifier == PAYSTACK) {
      header = HexHmacVerifier.PAYSTACK_HEADER;
    } else if (verifier == CREEM) {
      header = HexHmacVerifier.CREEM_HEADER;
    } else {
      header = HexHmacVerifier.LEMON_SQUEEZY_HEADER;
    }
    return verifier.verify(body, Headers.of(Map.of(header, signature)), secrets, ANY_TIME);
  }
}
