package dev.tributary.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single KRaft node (broker and controller in one) that can be stopped and started again on the
 * same client port over the same log directory, as an operator restarting a broker would. {@link
 * KafkaTestCluster} cannot do that: its ports and directories are new on every start.
 */
public final class RestartableKafka implements AutoCloseable {

  private static final int NODE_ID = 1;

  private final Path logDir;
  private final int port;
  private final int advertisedPort;
  private KafkaRaftServer server;

  private RestartableKafka(Path logDir, int port, int advertisedPort) {
    this.logDir = logDir;
    this.port = port;
    this.advertisedPort = advertisedPort;
  }

  /** Formats {@code logDir}, starts the node on a free port and creates {@code topics}. */
  public static RestartableKafka start(Path logDir, String... topics) throws Exception {
    int port = freePort();
    return start(logDir, port, port, topics);
  }

  /**
   * A free port for {@link #start(Path, int, int, String...)}: the broker's own, when something (a
   * {@link LaggyProxy}) is to stand between it and its clients.
   */
  public static int freeListenerPort() throws IOException {
    return freePort();
  }

  /**
   * Like {@link #start(Path, String...)}, listening on {@code port} but telling clients to connect
   * to {@code advertisedPort} on localhost, where a proxy forwards to {@code port}: every client,
   * this class's own included, then talks to the broker through the proxy.
   */
  public static RestartableKafka start(Path logDir, int port, int advertisedPort, String... topics)
      throws Exception {
    RestartableKafka kafka = new RestartableKafka(logDir.toAbsolutePath(), port, advertisedPort);
    try {
      kafka.startServer();
      try (Admin admin = kafka.admin()) {
        admin
            .createTopics(List.of(topics).stream().map(t -> new NewTopic(t, 1, (short) 1)).toList())
            .all()
            .get(30, TimeUnit.SECONDS);
      }
    } catch (Exception | Error e) {
      kafka.stop();
      throw e;
    }
    return kafka;
  }

  public String bootstrapServers() {
    return "localhost:" + advertisedPort;
  }

  /** Shuts the node down (controlled) and waits until its port is closed. */
  public void stop() {
    KafkaRaftServer running = server;
    server = null;
    if (running != null) {
      running.shutdown();
      running.awaitShutdown();
    }
  }

  /** Starts the node again: same port, same log directory, so the topics and records are there. */
  public void restart() throws Exception {
    if (server != null) {
      throw new IllegalStateException("the broker is running");
    }
    startServer();
    try (Admin admin = admin()) {
      admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    stop();
  }

  private Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", bootstrapServers()));
  }

  private void startServer() throws IOException {
    int controllerPort = freePort();
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", String.valueOf(NODE_ID));
    // A static voter set of one node: the controller's address is not part of the stored metadata,
    // so it may change between starts.
    props.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
    props.put(
        "listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://localhost:" + advertisedPort);
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", logDir.toString());
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("min.insync.replicas", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("auto.create.topics.enable", "false");
    props.put("broker.heartbeat.interval.ms", "500");
    props.put("broker.session.timeout.ms", "3000");
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      format(props);
    }
    server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    server.startup();
  }

  /** What {@code kafka-storage.sh format -t <random id> -c server.properties} does. */
  private void format(Properties props) throws IOException {
    Files.createDirectories(logDir);
    Path configFile = Files.createTempFile("tributary-test-kafka-", ".properties");
    try {
      try (OutputStream out = Files.newOutputStream(configFile)) {
        props.store(out, "storage format");
      }
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      int rc;
      try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
        rc =
            StorageTool.execute(
                new String[] {
                  "format",
                  "--cluster-id",
                  Uuid.randomUuid().toString(),
                  "--config",
                  configFile.toString(),
                  "--ignore-formatted"
                },
                print);
      }
      if (rc != 0) {
        throw new IOException("formatting " + logDir + " failed: " + output);
      }
    } finally {
      Files.deleteIfExists(configFile);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
