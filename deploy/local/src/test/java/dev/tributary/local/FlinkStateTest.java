package dev.tributary.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlinkStateTest {

  @TempDir Path dir;

  @Test
  void noSnapshotInAnEmptyDirectory() throws IOException {
    assertThat(new FlinkState(dir).newest()).isEmpty();
  }

  @Test
  void picksTheNewestCompleteCheckpointOrSavepoint() throws IOException {
    FlinkState state = new FlinkState(dir);
    Path oldJob = snapshot(state.checkpointsDir().resolve("job-a/chk-7"), 1_000);
    Path savepoint = snapshot(state.savepointsDir().resolve("savepoint-a-1"), 2_000);
    Path newest = snapshot(state.checkpointsDir().resolve("job-b/chk-3"), 3_000);
    // Newer but incomplete: the process died while writing it.
    Files.createDirectories(state.checkpointsDir().resolve("job-b/chk-4"));

    assertThat(state.newest()).map(FlinkState.Snapshot::dir).contains(newest);
    assertThat(state.all())
        .extracting(FlinkState.Snapshot::dir)
        .containsExactlyInAnyOrder(oldJob, savepoint, newest);

    Files.setLastModifiedTime(
        savepoint.resolve("_metadata"), FileTime.from(Instant.ofEpochSecond(4_000)));
    assertThat(state.newest()).map(FlinkState.Snapshot::dir).contains(savepoint);
  }

  @Test
  void pruneKeepsOnlyWhatTheRestoreNeeds() throws IOException {
    FlinkState state = new FlinkState(dir);
    snapshot(state.checkpointsDir().resolve("job-a/chk-7"), 1_000);
    Path keep = snapshot(state.checkpointsDir().resolve("job-b/chk-3"), 3_000);
    Files.createDirectories(state.checkpointsDir().resolve("job-b/shared"));
    snapshot(state.savepointsDir().resolve("savepoint-a-1"), 2_000);

    Optional<FlinkState.Snapshot> newest = state.newest();
    assertThat(state.pruneAllBut(newest)).isEqualTo(2);
    assertThat(keep.resolve("_metadata")).exists();
    assertThat(state.checkpointsDir().resolve("job-b/shared")).exists();
    assertThat(state.checkpointsDir().resolve("job-a")).doesNotExist();
    assertThat(state.savepointsDir().resolve("savepoint-a-1")).doesNotExist();

    assertThat(state.pruneAllBut(Optional.empty())).isEqualTo(1);
    assertThat(state.newest()).isEmpty();
  }

  private static Path snapshot(Path snapshotDir, long epochSecond) throws IOException {
    Files.createDirectories(snapshotDir);
    Path metadata = Files.writeString(snapshotDir.resolve("_metadata"), "x");
    Files.setLastModifiedTime(metadata, FileTime.from(Instant.ofEpochSecond(epochSecond)));
    return snapshotDir;
  }

  @Test
  void savepointPathsFromFlinkAreLocalPaths() {
    assertThat(LocalFlink.localPath("file:/tmp/data/flink/savepoints/savepoint-1"))
        .isEqualTo(Path.of("/tmp/data/flink/savepoints/savepoint-1"));
    assertThat(LocalFlink.localPath("file:///tmp/data/x")).isEqualTo(Path.of("/tmp/data/x"));
    assertThat(LocalFlink.localPath("/tmp/data/../y")).isEqualTo(Path.of("/tmp/y"));
  }
}
