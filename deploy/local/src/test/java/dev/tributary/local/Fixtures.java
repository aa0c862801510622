package dev.tributary.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Provider-written payloads: the repository's one copy, under job/src/test/resources/fixtures. */
final class Fixtures {
  private Fixtures() {}

  static String read(String relative) {
    // tests run from deploy/local
    Path root = Path.of("..", "..", "job", "src", "test", "resources", "fixtures");
    if (!Files.isDirectory(root)) {
      throw new IllegalStateException("fixtures not found: " + root.toAbsolutePath());
    }
    try {
      return Files.readString(root.resolve(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
