package dev.tributary.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

  @Test
  void randomKeysOfTheUsualGeneratorsPass() {
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[16 + random.nextInt(17)];
      random.nextBytes(bytes);
      String hex = HexFormat.of().formatHex(bytes); // openssl rand -hex 16..32
      String base64 = Base64.getEncoder().encodeToString(bytes); // openssl rand -base64 …
      StringBuilder digits = new StringBuilder();
      for (int j = 0; j < 32; j++) {
        digits.append(random.nextInt(10));
      }
      assertThat(ApiKeys.weakness(hex)).as(hex).isNull();
      if (base64.length() >= ApiKeys.MIN_LENGTH) {
        assertThat(ApiKeys.weakness(base64)).as(base64).isNull();
      }
      assertThat(ApiKeys.weakness(digits.toString())).as(digits.toString()).isNull();
    }
    assertThat(ApiKeys.weakness("tk_live_4f9a2c7e1b8d3f6a0c5e9b2d7f1a4c8e")).isNull();
  }

  @Test
  void placeholdersAndPatternsAreRefused() {
    List<String> weak =
        List.of(
            "",
            "changeme",
            "x".repeat(31),
            "a".repeat(64),
            "ab".repeat(20),
            "abc123".repeat(6),
            "0123456789".repeat(4),
            "abcdefghijklmnopqrstuvwxyzABCDEF",
            "zyxwvutsrqponmlkjihgfedcba987654",
            "aaaaaaaaaaaaaaaaaaaabbbbbbbbbbbbcc",
            "11111111112222222222333333333344444",
            "key with a space in the middle of it",
            "tab\tinside-a-long-enough-key-value-xyz",
            "newline\nin-the-middle-of-a-long-key-xyz");
    for (String key : weak) {
      assertThat(ApiKeys.weakness(key)).as(key).isNotNull();
    }
  }

  @Test
  void theReasonNeverQuotesTheKey() {
    String key = "secretsecretsecretsecretsecretsecret";
    assertThat(ApiKeys.weakness(key)).isNotNull().doesNotContain("secret");
  }
}
