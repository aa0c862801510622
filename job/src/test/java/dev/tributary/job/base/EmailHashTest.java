package dev.tributary.job.base;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The email hashing rule, on vectors computed independently (Python's {@code hmac}) in {@code
 * fixtures/tributary/email_hash_vectors.json}; the gateway's {@code EmailHashTest} reads the same
 * file, so the two modules cannot drift apart.
 */
class EmailHashTest {
  @Test
  void theSharedVectors() throws Exception {
    JsonNode doc =
        new ObjectMapper()
            .readTree(
                EmailHashTest.class.getResource("/fixtures/tributary/email_hash_vectors.json"));
    byte[] key = doc.path("key").asText().getBytes(StandardCharsets.UTF_8);
    assertThat(doc.path("vectors")).hasSizeGreaterThan(8);
    for (JsonNode v : doc.path("vectors")) {
      String email = v.path("email").asText();
      String keyed = v.path("keyed").isNull() ? null : v.path("keyed").asText();
      String bare = v.path("bare").isNull() ? null : v.path("bare").asText();
      assertThat(EmailHash.of(key, v.path("site").asText(), email))
          .as("keyed %s", email)
          .isEqualTo(keyed);
      assertThat(EmailHash.of(null, v.path("site").asText(), email))
          .as("bare %s", email)
          .isEqualTo(bare);
      assertThat(EmailHash.isEmail(email)).as("is %s an email", email).isEqualTo(keyed != null);
    }
  }

  static final String KEY = "tributary-test-key-0123456789abcdef";

  @Test
  void keyedPerSiteWithTheDeploymentKey() {
    byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
    assertThat(EmailHash.of(key, "acme", "  Ada@Example.COM "))
        .isEqualTo("e1a99fcdc23fd28c22826dc08cca8a3bc77247360f22526c5cea688848047985");
    assertThat(EmailHash.of(key, "beta", "ada@example.com"))
        .as("the same person on another site")
        .isEqualTo("b2aa44005068323174a9576328bf135b0be4141e3300ccddaaba395899e14a61");
  }

  @Test
  void withoutAKeyBareSha256AsBeforeVersion02() {
    assertThat(EmailHash.of("ada@example.com"))
        .isEqualTo("b5fc85e55755f9e0d030a10ab4429b6b2944855f9a0d60077fe832becbc41d72");
    assertThat(EmailHash.of("not-an-email")).isNull();
    assertThat(EmailHash.of(" ")).isNull();
  }

  @Test
  void parsersHashUnderTheKeyOfTheSiteTheyParseFor() {
    assertThat(EmailHash.keyed(KEY, "acme", () -> EmailHash.of("ada@example.com")))
        .isEqualTo("e1a99fcdc23fd28c22826dc08cca8a3bc77247360f22526c5cea688848047985");
    assertThat(EmailHash.keyed("", "acme", () -> EmailHash.of("ada@example.com")))
        .isEqualTo("b5fc85e55755f9e0d030a10ab4429b6b2944855f9a0d60077fe832becbc41d72");
    // nothing stays behind on the thread
    assertThat(EmailHash.of("ada@example.com"))
        .isEqualTo("b5fc85e55755f9e0d030a10ab4429b6b2944855f9a0d60077fe832becbc41d72");
  }
}
