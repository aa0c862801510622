package dev.tributary.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared provider fixtures. They live beside the repository clone ({@code ../../shared} from
 * this module), not inside it, because every module and the docs use the same files.
 */
public final class Fixtures {

  private static final Path ROOT = Path.of("..", "..", "shared", "fixtures");

  private Fixtures() {}

  /** {@code relative} under the fixtures folder; fails with a clear message if it is missing. */
  public static Path path(String relative) {
    Path path = ROOT.resolve(relative);
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(
          "fixture "
              + path.toAbsolutePath().normalize()
              + " is missing: the shared/ folder must sit beside the repository clone"
              + " (tests run from the module directory and read ../../shared/fixtures)");
    }
    return path;
  }
}
