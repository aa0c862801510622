package dev.tributary.job.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A Flink standalone session cluster as separate operating-system processes, started the way
 * Flink's own {@code jobmanager.sh} and {@code taskmanager.sh} start them: {@code java -cp …
 * StandaloneSessionClusterEntrypoint --configDir …} and {@code java -cp … TaskManagerRunner
 * --configDir … -D …}, with the JVM memory flags and dynamic memory settings that Flink's {@code
 * BashJavaUtils} derives from the same configuration. The class path is this JVM's test class path
 * (flink-runtime, the job's classes, connectors, JDBC driver), so a job graph submitted over REST
 * needs no jar.
 *
 * <p>{@link #kill} ends a TaskManager with SIGKILL ({@link Process#destroyForcibly()} on Linux; the
 * exit code 137 = 128 + 9 proves it): no shutdown hook, no flush, no goodbye to the JobManager,
 * which learns of the loss from failed heartbeats. {@link #startTaskManager()} starts a fresh one
 * (new process, new resource id, new temporary and RocksDB directories).
 */
final class ChaosCluster implements AutoCloseable {
  /** The module opens Flink needs on Java 17: deploy/bench/lib.sh's flink_opens, the pom's list. */
  static final List<String> FLINK_OPENS =
      List.of(
          "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.text=ALL-UNNAMED",
          "--add-opens=java.base/java.time=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JOB_MANAGER =
      "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
  private static final String TASK_MANAGER =
      "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";

  private final Path dir;
  private final String classpath;
  private final Configuration conf;
  private final int restPort;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Process jobManager;
  private final Map<String, Process> taskManagers = new java.util.LinkedHashMap<>();
  private int started;

  /** What one kill did. */
  record Killed(String taskManagerId, long pid, int exitCode) {}

  /** Ends the processes should this JVM end first (a failed test, Ctrl-C on the command). */
  private final Thread reaper = new Thread(this::destroyAll, "chaos-cluster-reaper");

  private ChaosCluster(Path dir, String classpath, Configuration conf, int restPort) {
    this.dir = dir;
    this.classpath = classpath;
    this.conf = conf;
    this.restPort = restPort;
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /**
   * Writes {@code dir/conf/config.yaml} and starts the JobManager; returns once its REST API
   * answers. No TaskManager runs yet.
   */
  static ChaosCluster start(Path dir, String classpath, int slots) throws Exception {
    Files.createDirectories(dir.resolve("conf"));
    Files.createDirectories(dir.resolve("plugins"));
    int rpcPort = freePort();
    int restPort = freePort();
    Map<String, String> yaml = new TreeMap<>();
    yaml.put("jobmanager.rpc.address", "localhost");
    yaml.put("jobmanager.rpc.port", Integer.toString(rpcPort));
    yaml.put("jobmanager.bind-host", "localhost");
    yaml.put("taskmanager.bind-host", "localhost");
    yaml.put("taskmanager.host", "localhost");
    yaml.put("rest.address", "localhost");
    yaml.put("rest.bind-address", "localhost");
    yaml.put("rest.port", Integer.toString(restPort));
    yaml.put("jobmanager.memory.process.size", "1024m");
    yaml.put("taskmanager.memory.process.size", "1600m");
    yaml.put("taskmanager.memory.managed.fraction", "0.25");
    yaml.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
    yaml.put("parallelism.default", Integer.toString(slots));
    // a killed TaskManager is noticed by the first heartbeat that cannot reach it (the process is
    // gone, the connection refused), not only after the timeout
    yaml.put("heartbeat.interval", "1 s");
    yaml.put("heartbeat.timeout", "15 s");
    yaml.put("heartbeat.rpc-failure-threshold", "1");
    // deploying some forty tasks to a TaskManager that has just booted, on two loaded cores, took
    // longer than the default 10 s and failed the deployment (a restart that is no kill)
    yaml.put("pekko.ask.timeout", "30 s");
    yaml.put("web.exception-history-size", "1000");
    // the REST API caches a job's execution graph this long: fresh answers after each restore
    yaml.put("web.refresh-interval", "100 ms");
    // a restart while no TaskManager has free slots (the spare still booting) waits for one, rather
    // than failing its slot requests at once and using up restart attempts
    yaml.put("resourcemanager.standalone.start-up-time", "2 h");
    yaml.put("io.tmp.dirs", dir.resolve("jobmanager-tmp").toString());
    Files.createDirectories(dir.resolve("jobmanager-tmp"));
    StringBuilder text = new StringBuilder("# written by ChaosCluster\n");
    yaml.forEach((k, v) -> text.append(k).append(": ").append(v).append('\n'));
    Files.writeString(dir.resolve("conf").resolve("config.yaml"), text);
    Files.writeString(
        dir.resolve("conf").resolve("log4j2.properties"),
        """
        rootLogger.level = INFO
        rootLogger.appenderRef.file.ref = file
        appender.file.type = File
        appender.file.name = file
        appender.file.fileName = ${sys:log.file}
        appender.file.layout.type = PatternLayout
        appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} [%t] - %m%n
        logger.kafka.name = org.apache.kafka
        logger.kafka.level = WARN
        logger.pekko.name = org.apache.pekko
        logger.pekko.level = WARN
        """
            // -Dchaos.debug=true: the job's DEBUG lines (each attribution and booking) in the logs
            + (Boolean.getBoolean("chaos.debug")
                ? "logger.tributary.name = dev.tributary.job\nlogger.tributary.level = DEBUG\n"
                : ""));
    Configuration conf = new Configuration();
    yaml.forEach(conf::setString);
    ChaosCluster c = new ChaosCluster(dir, classpath, conf, restPort);
    c.startJobManager();
    return c;
  }

  URI rest() {
    return URI.create("http://localhost:" + restPort);
  }

  int restPort() {
    return restPort;
  }

  Path dir() {
    return dir;
  }

  private void startJobManager() throws Exception {
    JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfig(conf);
    List<String> jvm = split(JobManagerProcessUtils.generateJvmParametersStr(spec, conf));
    List<String> args = split(JobManagerProcessUtils.generateDynamicConfigsStr(spec));
    jobManager = spawn("jobmanager", JOB_MANAGER, jvm, args);
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (!jobManager.isAlive()) {
        throw new IllegalStateException(
            "the JobManager exited with " + jobManager.exitValue() + "; see " + dir);
      }
      try {
        get("/overview");
        return;
      } catch (IOException e) {
        Thread.sleep(250);
      }
    }
    throw new IllegalStateException("the JobManager's REST API did not come up; see " + dir);
  }

  /**
   * Starts a fresh TaskManager process (new resource id, new temporary and RocksDB directories) and
   * returns its id at once; {@link #awaitRegistered} waits for it.
   */
  String startTaskManager() throws Exception {
    started++;
    String id = "chaos-tm-" + started;
    Path tmp = dir.resolve(id);
    Files.createDirectories(tmp);
    TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(conf);
    List<String> jvm = split(ProcessMemoryUtils.generateJvmParametersStr(spec));
    List<String> args =
        new ArrayList<>(split(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)));
    args.addAll(
        List.of(
            "-D",
            TaskManagerOptions.TASK_MANAGER_RESOURCE_ID.key() + "=" + id,
            "-D",
            "io.tmp.dirs=" + tmp,
            "-D",
            "state.backend.rocksdb.log.dir=" + tmp.resolve("rocksdb-logs")));
    taskManagers.put(id, spawn(id, TASK_MANAGER, jvm, args));
    return id;
  }

  /** Waits until TaskManager {@code id} has registered with the cluster. */
  void awaitRegistered(String id) throws Exception {
    Process p = taskManagers.get(id);
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(id + " exited with " + p.exitValue() + "; see " + dir);
      }
      if (registered().containsKey(id)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(id + " did not register; see " + dir);
  }

  /** The registered TaskManagers: id → slots in use. */
  Map<String, Integer> registered() throws Exception {
    Map<String, Integer> out = new TreeMap<>();
    for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
      out.put(
          tm.path("id").asText(), tm.path("slotsNumber").asInt() - tm.path("freeSlots").asInt());
    }
    return out;
  }

  /**
   * The live TaskManager processes that run tasks of {@code job} (as its subtasks name them),
   * normally exactly one.
   */
  List<String> busyTaskManagers(String job) throws Exception {
    java.util.Set<String> ids = new java.util.TreeSet<>();
    for (JsonNode v : get("/jobs/" + job).path("vertices")) {
      for (JsonNode t :
          get("/jobs/" + job + "/vertices/" + v.path("id").asText()).path("subtasks")) {
        String id = t.path("taskmanager-id").asText("");
        if (!id.isEmpty() && !"(unassigned)".equals(id)) {
          ids.add(id);
        }
      }
    }
    return ids.stream()
        .filter(id -> taskManagers.containsKey(id) && taskManagers.get(id).isAlive())
        .toList();
  }

  /** The live TaskManager processes that run nothing of {@code job}: spares. */
  List<String> idleTaskManagers(String job) throws Exception {
    List<String> busy = busyTaskManagers(job);
    return taskManagers.entrySet().stream()
        .filter(e -> e.getValue().isAlive() && !busy.contains(e.getKey()))
        .map(Map.Entry::getKey)
        .toList();
  }

  /** SIGKILLs TaskManager {@code id} and waits until the process is gone. */
  Killed kill(String id) throws InterruptedException {
    Process p = taskManagers.get(id);
    long pid = p.pid();
    p.destroyForcibly();
    int code = p.waitFor();
    return new Killed(id, pid, code);
  }

  /** Number of TaskManager processes started so far. */
  int taskManagersStarted() {
    return started;
  }

  JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(rest().resolve(path))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IOException("GET " + path + " → " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private Process spawn(String name, String mainClass, List<String> jvm, List<String> args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(FLINK_OPENS);
    cmd.addAll(jvm);
    cmd.add("-Dlog.file=" + dir.resolve(name + ".log"));
    cmd.add("-Dlog4j.configurationFile=" + dir.resolve("conf").resolve("log4j2.properties"));
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    cmd.add("--configDir");
    cmd.add(dir.resolve("conf").toString());
    cmd.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".out").toFile());
    pb.environment().put("FLINK_CONF_DIR", dir.resolve("conf").toString());
    pb.environment().put("FLINK_PLUGINS_DIR", dir.resolve("plugins").toString());
    return pb.start();
  }

  private static List<String> split(String flags) {
    return Arrays.stream(flags.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * The class path to give the cluster's processes: this JVM's test class path (Maven's
   * surefire/failsafe name it in {@code surefire.test.class.path} when they run tests through a
   * manifest-only jar).
   */
  static String testClasspath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  private void destroyAll() {
    List<Process> all = new ArrayList<>(taskManagers.values());
    all.add(jobManager);
    for (Process p : all) {
      if (p != null && p.isAlive()) {
        p.destroyForcibly();
        try {
          p.waitFor();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    destroyAll();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs anyway
    }
  }
}
