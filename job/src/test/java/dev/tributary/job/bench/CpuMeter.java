package dev.tributary.job.bench;

import dev.tributary.job.testing.EmbeddedWarehouse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU seconds used so far by this JVM (Flink, the Kafka broker, the benchmark driver: all in one
 * process) and by the embedded PostgreSQL: its postmaster, its live backends, and the backends that
 * have exited (the postmaster's children times). Read from {@code /proc}, so Linux only; elsewhere
 * PostgreSQL's share reads as 0.
 *
 * <p>Why both: the job's sinks wait for PostgreSQL inside the task thread, so a figure of events/s
 * means little without how much of the machine the database took to reach it.
 */
final class CpuMeter {
  /** USER_HZ: the unit of {@code /proc/<pid>/stat} times on every mainstream Linux. */
  private static final double TICKS_PER_SECOND = 100;

  private final long postmaster;

  private CpuMeter(long postmaster) {
    this.postmaster = postmaster;
  }

  /** A meter of this JVM and of the PostgreSQL serving {@code warehouse}. */
  static CpuMeter of(EmbeddedWarehouse warehouse) throws Exception {
    String dataDir =
        String.valueOf(
            warehouse
                .query("SELECT setting FROM pg_settings WHERE name = 'data_directory'")
                .get(0)
                .values()
                .iterator()
                .next());
    // postmaster.pid: the first line is the postmaster's pid
    List<String> lines = Files.readAllLines(Path.of(dataDir, "postmaster.pid"));
    return new CpuMeter(Long.parseLong(lines.get(0).trim()));
  }

  /** CPU seconds of this process so far. */
  static double jvmSeconds() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime() / 1e9;
    }
    return 0;
  }

  /** CPU seconds of PostgreSQL so far: the postmaster with its exited and its live children. */
  double postgresSeconds() {
    long[] self = stat(postmaster);
    if (self == null) {
      return 0;
    }
    long ticks = self[0] + self[1] + self[2] + self[3];
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        long[] child = stat(Long.parseLong(name));
        if (child != null && child[4] == postmaster) {
          ticks += child[0] + child[1];
        }
      }
    } catch (IOException e) {
      return ticks / TICKS_PER_SECOND;
    }
    return ticks / TICKS_PER_SECOND;
  }

  /** utime, stime, cutime, cstime, ppid of a process, or null when it is gone. */
  private static long[] stat(long pid) {
    String s;
    try {
      s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException | RuntimeException e) {
      return null;
    }
    // the command name is in parentheses and may hold spaces: fields count from after it
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    // f[0] = state (field 3), f[1] = ppid (4), f[11..14] = utime, stime, cutime, cstime (14..17)
    return new long[] {
      Long.parseLong(f[11]),
      Long.parseLong(f[12]),
      Long.parseLong(f[13]),
      Long.parseLong(f[14]),
      Long.parseLong(f[1])
    };
  }
}
