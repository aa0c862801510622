package dev.tributary.job.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The provider-written payloads and signature vectors under {@code job/src/test/resources/fixtures}
 * (byte-identical copies; sources in its {@code SOURCES.md}). The gateway's and the local runner's
 * tests read the same folder, so there is one copy in the repository.
 */
public final class Fixtures {
  private Fixtures() {}

  /** The fixtures folder, found from the module directory ({@code job/}). */
  public static Path root() {
    Path p = Path.of("src", "test", "resources", "fixtures");
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException(
          "fixtures not found at " + p.toAbsolutePath() + " (tests run from the job module)");
    }
    return p;
  }

  public static String read(String relative) {
    try {
      return Files.readString(root().resolve(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A Stripe event of {@code type} whose {@code data.object} is the given raw object JSON. */
  public static String stripeEvent(String eventId, String type, long created, String objectJson) {
    return """
        {"id":"%s","object":"event","api_version":"2025-03-31.basil","created":%d,"livemode":false,\
        "type":"%s","data":{"object":%s}}"""
        .formatted(eventId, created, type, objectJson);
  }
}
