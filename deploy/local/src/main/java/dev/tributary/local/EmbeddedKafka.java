package dev.tributary.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka broker (KRaft, combined broker + controller) inside this JVM.
 *
 * <p>It is a real {@link KafkaRaftServer} over a storage directory that is formatted once (like
 * {@code kafka-storage.sh format}) and reused on the next start, so topics, records and consumer
 * offsets survive a restart of the runner. The client listener is PLAINTEXT on localhost; the
 * controller listener uses a fresh free port on each start (static voter set of one node, so the
 * controller address is not part of the stored metadata).
 */
public final class EmbeddedKafka implements AutoCloseable {

  /** A topic to create at start-up (ignored if it already exists). */
  public record Topic(String name, int partitions) {}

  private static final int NODE_ID = 1;

  private final Path logDir;
  private final int port;
  private KafkaRaftServer server;

  private EmbeddedKafka(Path logDir, int port) {
    this.logDir = logDir;
    this.port = port;
  }

  /**
   * Formats {@code logDir} if it holds no broker yet, starts the broker on {@code port} (0 = any
   * free port) and creates the topics.
   */
  public static EmbeddedKafka start(Path logDir, int port, List<Topic> topics) throws Exception {
    Path dir = logDir.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    int clientPort = port == 0 ? Ports.freePort() : port;
    EmbeddedKafka kafka = new EmbeddedKafka(dir, clientPort);
    try {
      kafka.startServer();
      kafka.createTopics(topics);
    } catch (Exception | Error e) {
      kafka.close();
      throw e;
    }
    return kafka;
  }

  /** {@code localhost:port} of the PLAINTEXT listener. */
  public String bootstrapServers() {
    return "localhost:" + port;
  }

  public Path logDir() {
    return logDir;
  }

  private void startServer() throws IOException {
    int controllerPort = Ports.freePort();
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", String.valueOf(NODE_ID));
    props.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
    props.put(
        "listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", logDir.toString());
    // One node: every internal topic has one replica.
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "5");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "5");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("min.insync.replicas", "1");
    props.put("default.replication.factor", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("auto.create.topics.enable", "false");
    // After a kill -9 the restarted broker must wait for its old registration to expire before it
    // may register again (9 s by default); the broker and its controller share this JVM anyway.
    props.put("broker.heartbeat.interval.ms", "1000");
    props.put("broker.session.timeout.ms", "3000");
    props.put("num.partitions", "3");
    // A laptop tool: keep a week of data but in small segments, so that a restart recovers fast.
    props.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
    props.put("log.retention.hours", "168");

    if (!Files.exists(logDir.resolve("meta.properties"))) {
      format(props);
    }
    server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    server.startup();
  }

  /** Same as {@code kafka-storage.sh format -t <random id> -c server.properties}. */
  private void format(Properties props) throws IOException {
    Path configFile = Files.createTempFile("tributary-kafka-", ".properties");
    try {
      try (OutputStream out = Files.newOutputStream(configFile)) {
        props.store(out, "tributary local runner: storage format");
      }
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      int rc;
      try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
        String[] args = {
          "format",
          "--cluster-id",
          Uuid.randomUuid().toString(),
          "--config",
          configFile.toString(),
          "--ignore-formatted"
        };
        rc = StorageTool.execute(args, print);
      }
      if (rc != 0) {
        throw new IOException(
            "formatting the Kafka storage in "
                + logDir
                + " failed: "
                + output.toString(StandardCharsets.UTF_8));
      }
    } finally {
      Files.deleteIfExists(configFile);
    }
  }

  private void createTopics(List<Topic> topics) throws Exception {
    try (Admin admin = Admin.create(adminProps())) {
      // The broker registers itself with its controller a moment after startup(); describing the
      // cluster waits for that.
      admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (Topic topic : topics) {
        if (!existing.contains(topic.name())) {
          // Kept until deleted by hand: tests and replays write records dated in the past, which
          // the default retention (7 days by record timestamp) would delete at once.
          missing.add(
              new NewTopic(topic.name(), topic.partitions(), (short) 1)
                  .configs(Map.of("retention.ms", "-1")));
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      for (var entry : admin.createTopics(missing).values().entrySet()) {
        try {
          entry.getValue().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    }
  }

  private Map<String, Object> adminProps() {
    return Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrapServers(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
        (int) Duration.ofSeconds(20).toMillis(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
        (int) Duration.ofSeconds(60).toMillis());
  }

  /** Stops the broker (controlled shutdown, logs flushed). */
  @Override
  public void close() {
    KafkaRaftServer s = server;
    server = null;
    if (s != null) {
      s.shutdown();
      s.awaitShutdown();
    }
  }
}
