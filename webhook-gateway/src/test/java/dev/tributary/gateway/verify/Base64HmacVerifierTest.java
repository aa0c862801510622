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
import org.junit.jupiter.api.Test;

/** Shopify and WooCommerce: base64 HMAC-SHA256 of the raw body, no timestamp. */
class Base64HmacVerifierTest {

  private static final Base64HmacVerifier SHOPIFY =
      new Base64HmacVerifier(Base64HmacVerifier.SHOPIFY_HEADER);
  private static final Base64HmacVerifier WOOCOMMERCE =
      new Base64HmacVerifier(Base64HmacVerifier.WOOCOMMERCE_HEADER);
  private static final Instant ANY_TIME = Instant.EPOCH;

  private static JsonNode vector(String file) throws IOException {
    return new ObjectMapper().readTree(Fixtures.path(file).toFile()).get("vectors").get(0);
  }

  /** shopify-api-js's own vector: {@code {"foo": "bar"}} under {@code test_secret_key}. */
  @Test
  void shopifyVectorFromItsSdkTests() throws IOException {
    JsonNode vector = vector("shopify/signature_vectors.json");
    byte[] body = vector.get("body").asText().getBytes(StandardCharsets.UTF_8);
    String signature = vector.get("x-shopify-hmac-sha256").asText();
    List<String> secret = List.of(vector.get("secret").asText());

    assertThat(verify(SHOPIFY, body, signature, secret).isValid())
        .isEqualTo(vector.get("expected_valid").asBoolean());
    assertThat(Base64HmacVerifier.signature(secret.get(0), body)).isEqualTo(signature);
    assertThat(verify(SHOPIFY, Hmac.tampered(body), signature, secret).outcome())
        .isEqualTo(Outcome.REJECTED);
    assertThat(verify(SHOPIFY, body, signature, List.of("another_secret")).outcome())
        .isEqualTo(Outcome.REJECTED);
  }

  /**
   * WooCommerce's own vector signs {@code secret} with a webhook whose secret is empty. The gateway
   * refuses blank secrets, but an HMAC key is zero-padded to the block size, so the one-byte key
   * NUL is the same key as the empty one and reproduces WooCommerce's answer.
   */
  @Test
  void wooCommerceVectorFromItsUnitTests() throws IOException {
    JsonNode vector = vector("woocommerce/signature_vectors.json");
    byte[] body = vector.get("body").asText().getBytes(StandardCharsets.UTF_8);
    String signature = vector.get("x-wc-webhook-signature").asText();
    assertThat(vector.get("secret").asText()).isEmpty();
    List<String> sameKey = List.of("\u0000");

    assertThat(verify(WOOCOMMERCE, body, signature, sameKey).isValid())
        .isEqualTo(vector.get("expected_valid").asBoolean());
    assertThat(verify(WOOCOMMERCE, Hmac.tampered(body), signature, sameKey).outcome())
        .isEqualTo(Outcome.REJECTED);
  }

  @Test
  void signsTheRawBodyOfARealPayload() throws IOException {
    byte[] body = Files.readAllBytes(Fixtures.path("woocommerce/order.processing.json"));
    String secret = "wc-webhook-secret";
    String signature = Hmac.base64(Hmac.utf8(secret), body);

    assertThat(verify(WOOCOMMERCE, body, signature, List.of(secret)))
        .isEqualTo(Verification.valid());
    // Surrounding white space is not part of the value.
    assertThat(verify(WOOCOMMERCE, body, " " + signature + " ", List.of(secret)).isValid())
        .isTrue();
    // Base64 is case-sensitive: another case is another signature.
    assertThat(
            verify(WOOCOMMERCE, body, signature.toLowerCase(Locale.ROOT), List.of(secret))
                .outcome())
        .isEqualTo(Outcome.REJECTED);
    // The hex encoding of the same MAC is not what these providers send.
    assertThat(verify(WOOCOMMERCE, body, Hmac.hex(secret, body), List.of(secret)).outcome())
        .isEqualTo(Outcome.REJECTED);
    assertThat(verify(WOOCOMMERCE, Hmac.tampered(body), signature, List.of(secret)).outcome())
        .isEqualTo(Outcome.REJECTED);
    // The Shopify verifier reads another header.
    Headers wooHeader = Headers.of(Map.of(Base64HmacVerifier.WOOCOMMERCE_HEADER, signature));
    assertThat(SHOPIFY.verify(body, wooHeader, List.of(secret), ANY_TIME).outcome())
        .isEqualTo(Outcome.MALFORMED);
  }

  @Test
  void acceptsAnySecretOfARotation() {
    byte[] body = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
    String signature = Hmac.base64(Hmac.utf8("new"), body);

    assertThat(verify(SHOPIFY, body, signature, List.of("old", "new")).isValid()).isTrue();
    assertThat(verify(SHOPIFY, body, signature, List.of("new", "old")).isValid()).isTrue();
    assertThat(verify(SHOPIFY, body, signature, List.of("old")).isValid()).isFalse();
  }

  @Test
  void missingHeaderIsMalformedAndGarbageIsRejected() {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);

    Verification missing = SHOPIFY.verify(body, Headers.of(Map.of()), List.of("s"), ANY_TIME);
    Verification blank = verify(SHOPIFY, body, "  ", List.of("s"));
    Verification garbage = verify(SHOPIFY, body, "not base64!", List.of("s"));

    assertThat(missing.outcome()).isEqualTo(Outcome.MALFORMED);
    assertThat(missing.reason()).contains("X-Shopify-Hmac-Sha256");
    assertThat(blank.outcome()).isEqualTo(Outcome.MALFORMED);
    assertThat(garbage.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(garbage.reason()).doesNotContain(Base64HmacVerifier.signature("s", body));
  }

  /** Verifies with the verifier's own header carrying {@code signature}. */
  private static Verification verify(
      Base64HmacVerifier verifier, byte[] body, String signature, List<String> secrets) {
    String header =
        verifier == SHOPIFY
            ? Base64HmacVerifier.SHOPIFY_HEADER
            : Base64HmacVerifier.WOOCOMMERCE_HEADER;
    return verifier.verify(body, Headers.of(Map.of(header, signature)), secrets, ANY_TIME);
  }
}
