package dev.tributary.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Provider-written payloads from the shared fixtures folder beside the repository. */
final class Fixtures {
  private Fixtures() {}

  static String read(String relative) {
    // deploy/local → repo → its parent, where shared/ sits
    Path root = Path.of("..", "..", "..", "shared", "fixtures");
    if (!Files.isDirectory(root)) {
      throw new IllegalStateException(
          "shared/fixtures not found beside the repository: " + root.toAbsolutePath());
    }
    try {
      return Files.readString(root.resolve(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
