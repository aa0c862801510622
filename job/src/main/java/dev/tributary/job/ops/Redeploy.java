package dev.tributary.job.ops;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A savepoint redeploy against a standalone or session cluster, through Flink's REST API:
 *
 * <ol>
 *   <li>upload the new jar (before anything stops: a bad upload costs no downtime);
 *   <li>stop the running job with a canonical savepoint (no drain: timers and pending payments stay
 *       in state);
 *   <li>run the new jar from the savepoint, refusing state it cannot map;
 *   <li>wait until every vertex of the new job runs, and stays running for a grace period;
 *   <li>if any of 3–4 fails: cancel what was started and run the previous jar from the same
 *       savepoint (roll back), so the job is back as it was, minus the downtime.
 * </ol>
 *
 * <p>Exit codes: 0 redeployed, 2 rolled back to the previous jar, 1 failed (see the log). {@code
 * deploy/redeploy.sh} is the command-line wrapper.
 */
public final class Redeploy {
  /** A command-line tool: progress goes to stderr, the outcome to stdout. */
  private static void report(String format, Object... args) {
    System.err.printf("redeploy: " + format + "%n", args);
  }

  /** What to deploy and where; built from {@code --key value} arguments by {@link #parse}. */
  public record Plan(
      URI rest,
      String jobName,
      Path newJar,
      Path previousJar,
      String entryClass,
      List<String> jobArgs,
      Integer parallelism,
      String savepointDirectory,
      Duration timeout,
      Duration grace) {}

  /** What happened: the new job's id, the savepoint, the downtime and whether it rolled back. */
  public record Outcome(String jobId, String savepoint, long downtimeMillis, boolean rolledBack) {}

  private Redeploy() {}

  public static Outcome redeploy(Plan plan) throws Exception {
    FlinkRest flink = new FlinkRest(plan.rest());
    List<String> running = flink.runningJobs(plan.jobName());
    if (running.size() != 1) {
      throw new IllegalStateException(
          "expected one running job named '" + plan.jobName() + "', found " + running.size());
    }
    String oldJob = running.get(0);
    String newJarId = flink.uploadJar(plan.newJar());
    report("uploaded %s as %s; stopping %s with a savepoint", plan.newJar(), newJarId, oldJob);
    long stoppedAt = System.nanoTime();
    String savepoint = flink.stopWithSavepoint(oldJob, plan.savepointDirectory(), plan.timeout());
    report("savepoint %s", savepoint);
    String newJob = null;
    try {
      newJob =
          flink.run(newJarId, plan.entryClass(), plan.jobArgs(), plan.parallelism(), savepoint);
      flink.awaitRunning(newJob, plan.timeout());
      long downtime = (System.nanoTime() - stoppedAt) / 1_000_000;
      Thread.sleep(plan.grace().toMillis());
      FlinkRest.JobState after = flink.job(newJob);
      if (!"RUNNING".equals(after.state()) || !after.allVerticesRunning()) {
        throw new IllegalStateException("new job " + newJob + " did not stay running: " + after);
      }
      report("redeployed: job %s running from %s after %s ms", newJob, savepoint, downtime);
      return new Outcome(newJob, savepoint, downtime, false);
    } catch (Exception e) {
      report("new version failed (%s); rolling back to %s", e.getMessage(), plan.previousJar());
      if (newJob != null) {
        try {
          flink.cancel(newJob);
        } catch (Exception cancelFailed) {
          report("could not cancel %s: %s", newJob, cancelFailed.getMessage());
        }
      }
      String previousJarId = flink.uploadJar(plan.previousJar());
      String restored =
          flink.run(previousJarId, plan.entryClass(), plan.jobArgs(), null, savepoint);
      flink.awaitRunning(restored, plan.timeout());
      long downtime = (System.nanoTime() - stoppedAt) / 1_000_000;
      report("rolled back: job %s running the previous jar from %s", restored, savepoint);
      return new Outcome(restored, savepoint, downtime, true);
    }
  }

  /**
   * {@code --rest http://jm:8081 --jar new.jar --previous-jar old.jar [--job-name tributary]
   * [--entry-class …] [--parallelism n] [--savepoint-dir file:///…] [--timeout-seconds 120]
   * [--grace-seconds 10] [-- job arguments…]}.
   */
  public static Plan parse(String[] args) {
    java.util.Map<String, String> opts = new java.util.HashMap<>();
    List<String> jobArgs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--")) {
        jobArgs.addAll(List.of(args).subList(i + 1, args.length));
        break;
      }
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value at '" + args[i] + "'");
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    for (String required : List.of("rest", "jar", "previous-jar")) {
      if (!opts.containsKey(required)) {
        throw new IllegalArgumentException("--" + required + " is required");
      }
    }
    Path jar = Path.of(opts.get("jar"));
    Path previous = Path.of(opts.get("previous-jar"));
    for (Path p : List.of(jar, previous)) {
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException("no jar at " + p);
      }
    }
    return new Plan(
        URI.create(opts.get("rest")),
        opts.getOrDefault("job-name", "tributary"),
        jar,
        previous,
        opts.getOrDefault("entry-class", "dev.tributary.job.AttributionJob"),
        jobArgs,
        opts.containsKey("parallelism") ? Integer.valueOf(opts.get("parallelism")) : null,
        opts.get("savepoint-dir"),
        Duration.ofSeconds(Long.parseLong(opts.getOrDefault("timeout-seconds", "120"))),
        Duration.ofSeconds(Long.parseLong(opts.getOrDefault("grace-seconds", "10"))));
  }

  public static void main(String[] args) {
    try {
      Outcome o = redeploy(parse(args));
      System.out.printf(
          "%s: job %s from %s, downtime %d ms%n",
          o.rolledBack() ? "ROLLED BACK" : "REDEPLOYED",
          o.jobId(),
          o.savepoint(),
          o.downtimeMillis());
      System.exit(o.rolledBack() ? 2 : 0);
    } catch (Exception e) {
      System.err.println("redeploy failed: " + e.getMessage());
      System.exit(1);
    }
  }
}
