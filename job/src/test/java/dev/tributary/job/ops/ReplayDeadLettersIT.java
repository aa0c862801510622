package dev.tributary.job.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.deadletter.DeadLetter;
import dev.tributary.job.deadletter.DeadLetterSerializer;
import dev.tributary.job.testing.EmbeddedKafka;
import dev.tributary.job.testing.EmbeddedKafka.Record;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter command against a real broker: dead letters as the job writes them (and one with
 * fields a later version may add, one a warehouse sink wrote, one that is not JSON), listed with
 * filters, then replayed — dry run, execute, and execute again, which must produce nothing.
 */
class ReplayDeadLettersIT {
  private static final String DLT = "tributary.deadletter";
  private static final String WEBHOOKS = "tributary.webhooks";
  private static final String TRACKING = "tributary.tracking";
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  private static final String ACME_ENVELOPE =
      "{\"v\":1,\"siteId\":\"acme\",\"provider\":\"stripe\",\"deliveryId\":\"evt_1\","
          + "\"receivedAt\":\"2026-11-23T10:00:00Z\",\"contentType\":\"application/json\","
          + "\"body\":\"{\\\"type\\\":\\\"payment_intent.succeeded\\\",\\\"email\\\":"
          + "\\\"jane@example.com\\\",\\\"amount\\\":\\\"12.5\\\"}\"}";
  private static final String GLOBEX_ENVELOPE =
      "{\"v\":1,\"siteId\":\"globex\",\"provider\":\"foo\",\"deliveryId\":\"d_2\","
          + "\"receivedAt\":\"2026-11-23T10:00:01Z\",\"contentType\":\"application/json\","
          + "\"body\":\"{}\"}";
  // receivedAt unreadable: the replay is stamped with failedAt instead
  private static final String PAGEVIEW_V1 =
      "{\"v\":1,\"type\":\"pageview\",\"siteId\":\"acme\",\"visitorId\":\"v_1\","
          + "\"sessionId\":\"s_1\",\"url\":\"https://acme.com/\",\"receivedAt\":\"yesterday\","
          + "\"eventId\":\"e1\"}";
  private static final String CLICK_V2 =
      "{\"v\":1,\"type\":\"click\",\"siteId\":\"acme\",\"visitorId\":\"v_2\",\"sessionId\":\"s_2\","
          + "\"receivedAt\":\"2026-11-23T10:00:04Z\",\"eventId\":\"e2\"}";

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(Map.of(DLT, 2, WEBHOOKS, 2, TRACKING, 2));
    // a later version's fields (site, sourcePartition, sourceOffset, detail) must be tolerated
    String future =
        "{\"v\":1,\"reason\":\"unknown tracking record type click\",\"stage\":\"parse-tracking\","
            + "\"sourceTopic\":\"tributary.tracking\",\"key\":\"acme:v_2\",\"site\":\"acme\","
            + "\"sourcePartition\":1,\"sourceOffset\":42,\"detail\":{\"field\":\"type\"},"
            + "\"failedAt\":\"2026-11-23T10:00:05Z\",\"record\":"
            + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(CLICK_V2)
            + "}";
    kafka.send(
        DLT,
        List.of(
            deadLetter(
                "payment intent.amount is not an integer",
                "normalize-webhooks",
                WEBHOOKS,
                "acme",
                T0.plusSeconds(1),
                ACME_ENVELOPE),
            deadLetter(
                "unknown provider foo",
                "normalize-webhooks",
                WEBHOOKS,
                "globex",
                T0.plusSeconds(2),
                GLOBEX_ENVELOPE),
            deadLetter(
                "pageview receivedAt is not ISO-8601",
                "parse-tracking",
                TRACKING,
                "acme:v_1",
                T0.plusSeconds(3),
                PAGEVIEW_V1),
            // a row the warehouse refused: no source topic, the row as JSON
            deadLetter(
                "ERROR: value too long for type character varying(64)",
                "sink-payments",
                null,
                "acme",
                T0.plusSeconds(4),
                "{\"site_id\":\"acme\",\"payment_key\":\"pi_x\"}"),
            new Record("acme:v_2", future, T0.plusSeconds(5).toEpochMilli()),
            new Record("acme", "not json \u001b[31m", T0.plusSeconds(6).toEpochMilli()),
            // two days older: outside --since
            deadLetter(
                "unknown provider foo",
                "normalize-webhooks",
                WEBHOOKS,
                "globex",
                T0.minus(Duration.ofDays(2)),
                GLOBEX_ENVELOPE)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static Record deadLetter(
      String reason, String stage, String sourceTopic, String key, Instant failedAt, String rec) {
    byte[] json =
        DeadLetterSerializer.toJson(
            new DeadLetter(reason, stage, sourceTopic, key, failedAt.toEpochMilli(), rec));
    return new Record(key, new String(json, StandardCharsets.UTF_8), failedAt.toEpochMilli());
  }

  /** The command's exit code, stdout and stderr. */
  private record Run(int exit, String out, String err) {
    /** The per-dead-letter lines of stdout. */
    List<String> lines(String prefix) {
      return out.lines().filter(l -> l.startsWith(prefix)).toList();
    }
  }

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all =
        Stream.concat(
                Stream.of(args),
                Stream.of("--bootstrap-servers", kafka.bootstrapServers(), "--timeout", "20s"))
            .toArray(String[]::new);
    int exit =
        ReplayDeadLetters.run(
            all,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void listsBySiteWithoutPrintingRecords() {
    Run r = run("list", "--site", "acme");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("5 dead letters matched (of 7 read from tributary.deadletter)")
        .contains("payment intent.amount is not an integer")
        .contains("acme:v_1")
        .contains("acme:v_2")
        .contains("sink-payments")
        .contains("value is not a JSON object")
        .doesNotContain("globex")
        .doesNotContain("jane@example.com")
        .doesNotContain("\u001b");
    assertThat(r.out().lines().filter(l -> l.matches("^\\d+/\\d+ .*"))).hasSize(5);
    // summary by stage
    assertThat(r.out())
        .containsPattern("\\s+1\\s+normalize-webhooks\\n")
        .containsPattern("\\s+2\\s+parse-tracking\\n")
        .containsPattern("\\s+1\\s+sink-payments\\n")
        .containsPattern("\\s+1\\s+\\(unreadable\\)\\n")
        .contains("top reasons:");
    assertThat(r.err()).contains("tributary.deadletter: read 7 records from 2 partitions");
  }

  @Test
  void filtersByStageReasonTimeAndTopic() {
    Run byReason =
        run("list", "--stage", "normalize-webhooks,parse-tracking", "--reason-contains", "AMOUNT");
    assertThat(byReason.out()).contains("1 dead letters matched");
    assertThat(byReason.lines("0/").size() + byReason.lines("1/").size()).isEqualTo(1);

    Run recent = run("list", "--since", "2026-11-23T10:00:00Z", "--source-topic", WEBHOOKS);
    // the old one is read where it sits after newer ones in its partition, and filtered out
    assertThat(recent.out()).contains("2 dead letters matched");

    Run window =
        run(
            "list",
            "--since",
            "2026-11-23",
            "--until",
            "2026-11-23T10:00:02Z",
            "--source-topic",
            WEBHOOKS);
    assertThat(window.out()).contains("1 dead letters matched").contains(" acme ");

    Run limited = run("list", "--limit", "1");
    assertThat(limited.out()).contains("7 dead letters matched").contains("the first 1 (--limit)");
    assertThat(limited.out().lines().filter(l -> l.matches("^\\d+/\\d+ .*"))).hasSize(1);
  }

  @Test
  void inspectShowsTheRecordAndFieldsOfLaterVersions() {
    Run r = run("inspect", "--key", "acme:v_2");

    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains("1 dead letters matched")
        .contains("    source: tributary.tracking")
        .contains("    sourceOffset: 42")
        .contains("    detail: {\"field\":\"type\"}")
        .contains("    record: " + CLICK_V2);

    Run shown = run("list", "--show-record", "--stage", "normalize-webhooks", "--key", "acme");
    assertThat(shown.out()).contains("jane@example.com");
  }

  @Test
  void replaysOnceDryRunFirstAndSkipsWhatIsNotReplayable() throws Exception {
    Run dry = run("replay", "--site", "acme");

    assertThat(dry.exit()).as(dry.err()).isZero();
    assertThat(dry.lines("would replay")).hasSize(3);
    assertThat(dry.out())
        .contains("DRY RUN: would replay 3, already replayed 0, not replayable 2; nothing produced")
        .contains("a row the warehouse refused")
        .contains("unreadable dead letter");
    assertThat(readAll(WEBHOOKS)).isEmpty();
    assertThat(readAll(TRACKING)).isEmpty();

    Run first = run("replay", "--site", "acme", "--execute");

    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.lines("replayed ")).hasSize(4); // 3 records and the summary
    assertThat(first.out()).contains("replayed 3 {tributary.tracking=2, tributary.webhooks=1}");
    List<ConsumerRecord<byte[], byte[]>> webhooks = readAll(WEBHOOKS);
    assertThat(webhooks).hasSize(1);
    ConsumerRecord<byte[], byte[]> w = webhooks.get(0);
    assertThat(new String(w.key(), StandardCharsets.UTF_8)).isEqualTo("acme");
    assertThat(w.value()).isEqualTo(ACME_ENVELOPE.getBytes(StandardCharsets.UTF_8));
    assertThat(w.timestamp()).isEqualTo(T0.toEpochMilli()); // the envelope's receivedAt
    assertThat(header(w)).isEqualTo(coordinatesOf("acme", "normalize-webhooks"));

    List<ConsumerRecord<byte[], byte[]>> tracking = readAll(TRACKING);
    assertThat(tracking)
        .extracting(t -> new String(t.key(), StandardCharsets.UTF_8))
        .containsExactlyInAnyOrder("acme:v_1", "acme:v_2");
    for (ConsumerRecord<byte[], byte[]> t : tracking) {
      boolean v1 = new String(t.key(), StandardCharsets.UTF_8).equals("acme:v_1");
      assertThat(new String(t.value(), StandardCharsets.UTF_8))
          .isEqualTo(v1 ? PAGEVIEW_V1 : CLICK_V2);
      // an unreadable receivedAt: failedAt
      assertThat(t.timestamp()).isEqualTo(T0.plusSeconds(v1 ? 3 : 4).toEpochMilli());
      assertThat(header(t)).isEqualTo(coordinatesOf(v1 ? "acme:v_1" : "acme:v_2", null));
    }

    Run second = run("replay", "--site", "acme", "--execute");

    assertThat(second.exit()).as(second.err()).isZero();
    assertThat(second.out())
        .contains("nothing to replay: already replayed 3, not replayable 2; nothing produced.");
    assertThat(second.lines("replayed ")).isEmpty();
    assertThat(readAll(WEBHOOKS)).hasSize(1);
    assertThat(readAll(TRACKING)).hasSize(2);

    Run dryAgain = run("replay", "--site", "acme");
    assertThat(dryAgain.out()).contains("DRY RUN: would replay 0, already replayed 3");
  }

  @Test
  void failsOnAMissingTargetAndOnBadArguments() throws Exception {
    Run missing = run("replay", "--key", "globex", "--to-topic", "no.such.topic", "--execute");
    assertThat(missing.exit()).isEqualTo(ReplayDeadLetters.FAILED);
    assertThat(missing.err()).contains("topic no.such.topic does not exist");

    Run bad = run("replay", "--execute", "--dry-run");
    assertThat(bad.exit()).isEqualTo(ReplayDeadLetters.USAGE_ERROR);
    assertThat(bad.err()).contains("--dry-run and --execute exclude each other");
  }

  private static String header(ConsumerRecord<byte[], byte[]> r) {
    Header h = r.headers().lastHeader(ReplayDeadLetters.REPLAY_HEADER);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** Where the dead letter with this key (and stage, if given) is in the dead-letter topic. */
  private static String coordinatesOf(String key, String stage) throws Exception {
    for (ConsumerRecord<byte[], byte[]> r : readAll(DLT)) {
      StoredDeadLetter d =
          StoredDeadLetter.parse(
              r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value());
      if (key.equals(d.key()) && !d.unreadable() && (stage == null || stage.equals(d.stage()))) {
        return DLT + "/" + r.partition() + "/" + r.offset();
      }
    }
    throw new AssertionError("no dead letter for " + key);
  }

  /** Everything in the topic now, read up to its end offsets. */
  private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps =
          consumer.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        assertThat(System.nanoTime()).as("read " + topic).isLessThan(deadline);
        consumer.poll(Duration.ofMillis(100)).forEach(out::add);
      }
    }
    return out;
  }
}
