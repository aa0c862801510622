package dev.tributary.local;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Flink state the runner keeps in its data directory, and how it finds the newest restorable
 * snapshot.
 *
 * <pre>
 * flink/checkpoints/&lt;job id&gt;/chk-&lt;n&gt;/_metadata   retained checkpoints (RETAIN_ON_CANCELLATION)
 * flink/checkpoints/&lt;job id&gt;/shared/…              incremental RocksDB files they refer to
 * flink/savepoints/savepoint-…/_metadata           the savepoint taken at a clean shutdown
 * </pre>
 *
 * A snapshot is complete once its {@code _metadata} file exists (Flink writes it last), so a
 * directory without one (the process was killed while writing it) is skipped. The newest complete
 * snapshot by the time of its {@code _metadata} wins.
 */
public final class FlinkState {

  private final Path checkpoints;
  private final Path savepoints;

  public FlinkState(Path flinkDir) {
    Path dir = flinkDir.toAbsolutePath().normalize();
    this.checkpoints = dir.resolve("checkpoints");
    this.savepoints = dir.resolve("savepoints");
  }

  public Path checkpointsDir() {
    return checkpoints;
  }

  public Path savepointsDir() {
    return savepoints;
  }

  /** A complete snapshot: its directory and when its metadata was written. */
  public record Snapshot(Path dir, FileTime writtenAt) {
    public boolean isSavepoint() {
      return dir.getFileName().toString().startsWith("savepoint-");
    }
  }

  /** The newest complete checkpoint or savepoint, if any. */
  public Optional<Snapshot> newest() throws IOException {
    return all().stream().max(Comparator.comparing(Snapshot::writtenAt));
  }

  /**
   * Every complete snapshot: {@code checkpoints/<job>/chk-*} and {@code savepoints/savepoint-*}.
   */
  List<Snapshot> all() throws IOException {
    List<Snapshot> found = new ArrayList<>();
    if (Files.isDirectory(checkpoints)) {
      try (Stream<Path> jobs = Files.list(checkpoints)) {
        for (Path job : (Iterable<Path>) jobs::iterator) {
          if (Files.isDirectory(job)) {
            collect(job, "chk-", found);
          }
        }
      }
    }
    collect(savepoints, "savepoint-", found);
    return found;
  }

  private static void collect(Path parent, String prefix, List<Snapshot> found) throws IOException {
    if (!Files.isDirectory(parent)) {
      return;
    }
    try (Stream<Path> children = Files.list(parent)) {
      for (Path child : (Iterable<Path>) children::iterator) {
        Path metadata = child.resolve("_metadata");
        if (child.getFileName().toString().startsWith(prefix) && Files.isRegularFile(metadata)) {
          found.add(new Snapshot(child, Files.getLastModifiedTime(metadata)));
        }
      }
    }
  }

  /**
   * Deletes what no restore will need any more: checkpoint directories of runs other than the one
   * {@code keep} belongs to, and savepoints other than {@code keep}. The runner calls it after a
   * clean stop, with the savepoint it just took (a canonical savepoint needs no other files).
   *
   * @return how many directories were deleted
   */
  public int pruneAllBut(Optional<Snapshot> keep) throws IOException {
    Path keepJob = keep.filter(s -> !s.isSavepoint()).map(s -> s.dir().getParent()).orElse(null);
    Path keepSavepoint = keep.filter(Snapshot::isSavepoint).map(Snapshot::dir).orElse(null);
    int deleted = 0;
    for (Path parent : List.of(checkpoints, savepoints)) {
      if (!Files.isDirectory(parent)) {
        continue;
      }
      try (Stream<Path> children = Files.list(parent)) {
        for (Path child : children.toList()) {
          if (Files.isDirectory(child) && !child.equals(keepJob) && !child.equals(keepSavepoint)) {
            deleteRecursively(child);
            deleted++;
          }
        }
      }
    }
    return deleted;
  }

  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            if (exc != null) {
              throw exc;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
