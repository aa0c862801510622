package dev.tributary.job.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The provider-written payloads in the shared fixtures folder beside the repository. */
public final class Fixtures {
  private Fixtures() {}

  /** {@code shared/fixtures}, found from the module directory (…/repo/job → …/shared). */
  public static Path root() {
    for (Path p :
        new Path[] {
          Path.of("..", "..", "shared", "fixtures"), Path.of("..", "shared", "fixtures")
        }) {
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    throw new IllegalStateException(
        "shared/fixtures not found beside the repository (looked in ../../shared and ../shared from "
            + Path.of("").toAbsolutePath()
            + ")");
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
