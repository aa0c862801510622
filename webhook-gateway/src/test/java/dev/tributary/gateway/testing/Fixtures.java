package dev.tributary.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The provider fixtures: one copy in the repository, under {@code job/src/test/resources/fixtures}
 * (byte-identical to the providers' files; sources in its {@code SOURCES.md}), read by every
 * module's tests.
 */
public final class Fixtures {

  private static final Path ROOT = Path.of("..", "job", "src", "test", "resources", "fixtures");

  private Fixtures() {}

  /** {@code relative} under the fixtures folder; fails with a clear message if it is missing. */
  public static Path path(String relative) {
    Path path = ROOT.resolve(relative);
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(
          "fixture "
              + path.toAbsolutePath().normalize()
              + " is missing (tests run from the module directory and read"
              + " ../job/src/test/resources/fixtures)");
    }
    return path;
  }
}
