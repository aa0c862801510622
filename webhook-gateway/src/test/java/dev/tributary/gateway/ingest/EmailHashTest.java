package dev.tributary.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.gateway.config.GatewayConfig.EmailHashKey;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The email hashing rule on the vectors the job's {@code EmailHashTest} reads too (the job's test
 * fixture, read from this module's directory): an identify call's hash must equal the one the job
 * makes of the payer's email, whatever either module changes.
 */
class EmailHashTest {
  static final Path VECTORS =
      Path.of(
          "..",
          "job",
          "src",
          "test",
          "resources",
          "fixtures",
          "tributary",
          "email_hash_vectors.json");

  @Test
  void theSharedVectors() throws Exception {
    JsonNode doc = new ObjectMapper().readTree(VECTORS.toFile());
    EmailHashKey key = new EmailHashKey(doc.path("key").asText());
    assertThat(doc.path("vectors")).hasSizeGreaterThan(8);
    for (JsonNode v : doc.path("vectors")) {
      String email = v.path("email").asText();
      String keyed = v.path("keyed").isNull() ? null : v.path("keyed").asText();
      String bare = v.path("bare").isNull() ? null : v.path("bare").asText();
      assertThat(EmailHash.of(key, v.path("site").asText(), email))
          .as("keyed %s", email)
          .isEqualTo(keyed);
      assertThat(EmailHash.of(EmailHashKey.NONE, v.path("site").asText(), email))
          .as("bare %s", email)
          .isEqualTo(bare);
      assertThat(IdentifyHandler.looksLikeEmail(email))
          .as("is %s an email", email)
          .isEqualTo(keyed != null);
    }
  }
}
