package dev.tributary.job.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The dead-letter command: {@code list} / {@code inspect} what the job dead-lettered, and {@code
 * replay} chosen dead letters to their source topic once the cause is fixed. See {@link #USAGE} and
 * the README's runbook ("Dead letters: inspect, fix, replay"); {@code deploy/replay-deadletters.sh}
 * is the wrapper.
 *
 * <p>Replay is safe to re-run: each replayed record carries the header {@value #REPLAY_HEADER}
 * naming the dead letter it came from, and a replay first scans its target topics for those headers
 * and skips dead letters already replayed. The job's inputs are idempotent besides, so a record
 * replayed twice converges to the same warehouse.
 *
 * <p>Exit codes: 0 done (including "nothing to replay"), 1 failed (Kafka unreachable, a topic
 * missing, a read not finished within {@code --timeout}, a record not produced), 2 bad arguments.
 */
public final class ReplayDeadLetters {
  public static final String REPLAY_HEADER = "tributary-replay-of";
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE_ERROR = 2;

  static final String USAGE =
      """
      usage: replay-deadletters <command> --bootstrap-servers <host:port,...> [options]

      commands:
        list      one line per dead letter: partition/offset, failedAt, stage, key, size, reason;
                  then counts by stage and the top 10 reasons. Prints no record content.
        inspect   list, plus each dead letter's full reason, source, extra fields and original
                  record. Records are raw request bodies: they hold PERSONAL DATA (emails, names,
                  addresses). Do not paste them into tickets or chats.
        replay    produce the selected dead letters' original records, with their original keys
                  and receive times, to their source topics. A DRY RUN unless --execute is given.

      connection:
        --bootstrap-servers <list>   Kafka brokers (required)
        --client-config <file>       extra Kafka client properties (TLS/SASL), for both the
                                     consumer and the producer; never printed
        --topic <name>               dead-letter topic (default tributary.deadletter)
        --timeout <duration>         how long each read (the dead-letter topic, each replay
                                     target) may take to reach the end offsets captured when it
                                     started; exceeding it fails the command (default 5m)

      selection (all optional, combined with AND):
        --since <time>               failedAt at or after: ISO instant (2026-11-23T10:00:00Z),
                                     date (2026-11-23, UTC), or an age (90m, 6h, 2d) before now
        --until <time>               failedAt before (same forms)
        --stage <s1,s2,...>          stage is one of these (normalize-webhooks, parse-tracking,
                                     sink-payments, ...)
        --reason-contains <text>     reason contains this text (case-insensitive)
        --source-topic <name>        sourceTopic is this topic
        --key <key>                  the original key is exactly this
        --site <site>                the site: the key before ':' for tracking, the key for
                                     webhooks (or the dead letter's own "site" field)
        --limit <n>                  only the first n matching, in partition/offset order

      list / inspect:
        --show-record                (list) also print the original record: PERSONAL DATA

      replay:
        --dry-run                    print what would be replayed, produce nothing (default)
        --execute                    produce the records (idempotent producer, acks=all)
        --to-topic <name>            produce to this topic instead of each sourceTopic
        --force                      also replay dead letters already replayed

        Each replayed record carries the header tributary-replay-of: <topic>/<partition>/<offset>.
        Before producing, replay scans every target topic for these headers, from the earliest
        receive time among the selected dead letters to the end, and skips dead letters already
        replayed: a second identical replay produces nothing. The scan reads the target topic over
        that span (narrow it with --since). Dead letters without a sourceTopic (rows the warehouse
        refused, stage sink-*) cannot be replayed and are listed as skipped.

      exit codes: 0 done, 1 failed (see stderr), 2 bad arguments.
      """;

  private static final Set<String> FLAGS =
      Set.of("show-record", "dry-run", "execute", "force", "help");
  private static final Set<String> VALUED =
      Set.of(
          "bootstrap-servers",
          "client-config",
          "topic",
          "timeout",
          "since",
          "until",
          "stage",
          "reason-contains",
          "source-topic",
          "key",
          "site",
          "limit",
          "to-topic");

  private ReplayDeadLetters() {}

  /** A usage error: exit code 2. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  enum Command {
    LIST,
    INSPECT,
    REPLAY
  }

  /** The parsed command line. */
  record Options(
      Command command,
      boolean help,
      String bootstrapServers,
      Path clientConfig,
      String topic,
      Duration timeout,
      Instant since,
      Instant until,
      Set<String> stages,
      String reasonContains,
      String sourceTopic,
      String key,
      String site,
      Integer limit,
      boolean showRecord,
      boolean execute,
      String toTopic,
      boolean force) {

    boolean matches(StoredDeadLetter d) {
      Instant at = d.failedAtOrTimestamp();
      if (since != null && at.isBefore(since)) {
        return false;
      }
      if (until != null && !at.isBefore(until)) {
        return false;
      }
      if (stages != null && (d.stage() == null || !stages.contains(d.stage()))) {
        return false;
      }
      if (reasonContains != null
          && (d.reason() == null
              || !d.reason()
                  .toLowerCase(Locale.ROOT)
                  .contains(reasonContains.toLowerCase(Locale.ROOT)))) {
        return false;
      }
      if (sourceTopic != null && !sourceTopic.equals(d.sourceTopic())) {
        return false;
      }
      if (key != null && !key.equals(d.key())) {
        return false;
      }
      return site == null || site.equals(d.site());
    }
  }

  static Options parse(String[] args, Instant now) throws UsageException {
    Map<String, String> opts = new LinkedHashMap<>();
    Set<String> flags = new HashSet<>();
    String command = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h")) {
        a = "--help";
      }
      if (!a.startsWith("--")) {
        if (command != null) {
          throw new UsageException("unexpected argument '" + a + "'");
        }
        command = a;
        continue;
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (FLAGS.contains(name)) {
        if (value != null) {
          throw new UsageException("--" + name + " takes no value");
        }
        flags.add(name);
      } else if (VALUED.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.length) {
            throw new UsageException("--" + name + " needs a value");
          }
          value = args[++i];
        }
        if (opts.put(name, value) != null) {
          throw new UsageException("--" + name + " given twice");
        }
      } else {
        throw new UsageException("unknown option --" + name);
      }
    }
    if (flags.contains("help") || "help".equals(command)) {
      return new Options(
          null, true, null, null, null, null, null, null, null, null, null, null, null, null, false,
          false, null, false);
    }
    if (command == null) {
      throw new UsageException("a command is required: list, inspect or replay");
    }
    Command cmd;
    try {
      cmd = Command.valueOf(command.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("unknown command '" + command + "': list, inspect or replay");
    }
    if (!opts.containsKey("bootstrap-servers")) {
      throw new UsageException("--bootstrap-servers is required");
    }
    if (cmd != Command.REPLAY) {
      for (String o : List.of("to-topic")) {
        if (opts.containsKey(o)) {
          throw new UsageException("--" + o + " is for replay");
        }
      }
      for (String f : List.of("dry-run", "execute", "force")) {
        if (flags.contains(f)) {
          throw new UsageException("--" + f + " is for replay");
        }
      }
    } else if (flags.contains("show-record")) {
      throw new UsageException("--show-record is for list; use inspect to read records");
    }
    if (flags.contains("dry-run") && flags.contains("execute")) {
      throw new UsageException("--dry-run and --execute exclude each other");
    }
    Integer limit = null;
    if (opts.containsKey("limit")) {
      try {
        limit = Integer.valueOf(opts.get("limit"));
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1) {
        throw new UsageException("--limit must be a positive number");
      }
    }
    Set<String> stages = null;
    if (opts.containsKey("stage")) {
      stages = new HashSet<>();
      for (String s : opts.get("stage").split(",")) {
        if (!s.isBlank()) {
          stages.add(s.trim());
        }
      }
    }
    Instant since = time("since", opts.get("since"), now);
    Instant until = time("until", opts.get("until"), now);
    if (since != null && until != null && !since.isBefore(until)) {
      throw new UsageException("--since must be before --until");
    }
    Path clientConfig =
        opts.containsKey("client-config") ? Path.of(opts.get("client-config")) : null;
    if (clientConfig != null && !Files.isReadable(clientConfig)) {
      throw new UsageException("cannot read --client-config " + clientConfig);
    }
    return new Options(
        cmd,
        false,
        opts.get("bootstrap-servers"),
        clientConfig,
        opts.getOrDefault("topic", "tributary.deadletter"),
        duration("timeout", opts.getOrDefault("timeout", "5m")),
        since,
        until,
        stages,
        opts.get("reason-contains"),
        opts.get("source-topic"),
        opts.get("key"),
        opts.get("site"),
        limit,
        cmd == Command.INSPECT || flags.contains("show-record"),
        flags.contains("execute"),
        opts.get("to-topic"),
        flags.contains("force"));
  }

  private static final Pattern AGE = Pattern.compile("(\\d+)([smhd])");

  private static Duration duration(String option, String s) throws UsageException {
    Matcher m = AGE.matcher(s);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(s);
    } catch (DateTimeParseException e) {
      throw new UsageException("--" + option + ": '" + s + "' is not a duration (30s, 5m, PT1H)");
    }
  }

  private static Instant time(String option, String s, Instant now) throws UsageException {
    if (s == null) {
      return null;
    }
    if (AGE.matcher(s).matches()) {
      return now.minus(duration(option, s));
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      // try a date
    }
    try {
      return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new UsageException(
          "--" + option + ": '" + s + "' is not an ISO instant, a date or an age (6h, 2d)");
    }
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Options o;
    try {
      o = parse(args, Instant.now());
    } catch (UsageException e) {
      err.println("replay-deadletters: " + e.getMessage());
      err.println("run with --help for the usage");
      return USAGE_ERROR;
    }
    if (o.help()) {
      out.print(USAGE);
      return OK;
    }
    try {
      return o.command() == Command.REPLAY ? replay(o, out, err) : list(o, out, err);
    } catch (Exception e) {
      err.println("replay-deadletters: FAILED: " + describe(e));
      return FAILED;
    }
  }

  private static String describe(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (b.length() > 0) {
        b.append(": ");
      }
      b.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
      if (t.getCause() == t) {
        break;
      }
    }
    return b.toString();
  }

  // ---------------------------------------------------------------- selection

  /** What the dead-letter read selected, and counts for the summary. */
  private static final class Selection {
    final List<StoredDeadLetter> selected = new ArrayList<>();
    final Map<String, Long> byStage = new TreeMap<>();
    final Map<String, Long> byStageAndReason = new LinkedHashMap<>();
    long read;
    long matched;
  }

  private static Selection select(
      Options o, KafkaConsumer<byte[], byte[]> consumer, PrintStream err) throws Exception {
    Selection s = new Selection();
    BoundedTopicReader reader = new BoundedTopicReader(consumer, o.timeout(), err);
    // The job stamps dead letters with failedAt: seek there instead of reading everything.
    Long from = o.since() == null ? null : o.since().toEpochMilli();
    reader.read(
        o.topic(),
        from,
        r -> {
          s.read++;
          StoredDeadLetter d =
              StoredDeadLetter.parse(
                  r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value());
          if (!o.matches(d)) {
            return;
          }
          s.matched++;
          s.byStage.merge(d.stageOrUnknown(), 1L, Long::sum);
          s.byStageAndReason.merge(d.stageOrUnknown() + "  " + shortReason(d), 1L, Long::sum);
          if (o.limit() == null || s.selected.size() < o.limit()) {
            s.selected.add(d);
          }
        });
    return s;
  }

  private static void printSummary(Options o, Selection s, PrintStream out) {
    out.printf(
        "%d dead letters matched (of %d read from %s)%s%n",
        s.matched,
        s.read,
        o.topic(),
        s.selected.size() < s.matched
            ? "; selected the first " + s.selected.size() + " (--limit)"
            : "");
    if (s.matched == 0) {
      return;
    }
    out.println("by stage:");
    s.byStage.forEach((stage, n) -> out.printf("  %8d  %s%n", n, printable(stage, 80)));
    out.println("top reasons:");
    s.byStageAndReason.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(10)
        .forEach(e -> out.printf("  %8d  %s%n", e.getValue(), e.getKey()));
  }

  // ---------------------------------------------------------------- list / inspect

  private static int list(Options o, PrintStream out, PrintStream err) throws Exception {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(o)) {
      Selection s = select(o, consumer, err);
      if (!s.selected.isEmpty()) {
        out.printf(
            "%-12s %-24s %-20s %-26s %8s  %s%n",
            "part/offset", "failed at", "stage", "key", "bytes", "reason");
      }
      for (StoredDeadLetter d : s.selected) {
        out.printf(
            "%-12s %-24s %-20s %-26s %8d  %s%n",
            d.partition() + "/" + d.offset(),
            d.failedAtOrTimestamp(),
            printable(d.stageOrUnknown(), 40),
            printable(d.key(), 60),
            d.record() == null
                ? d.valueBytes()
                : d.record().getBytes(StandardCharsets.UTF_8).length,
            d.unreadable() ? d.problem() : shortReason(d));
        if (o.showRecord()) {
          if (!d.unreadable()) {
            out.println("    reason: " + printable(d.reason(), 0));
            out.println("    source: " + printable(d.sourceTopic(), 0));
            d.extra()
                .forEach(
                    (k, v) ->
                        out.println(
                            "    "
                                + printable(k, 80)
                                + ": "
                                + printable(v.isTextual() ? v.asText() : v.toString(), 0)));
            out.println("    record: " + printable(d.record(), 0));
          }
        }
      }
      printSummary(o, s, out);
      return OK;
    }
  }

  // ---------------------------------------------------------------- replay

  private static int replay(Options o, PrintStream out, PrintStream err) throws Exception {
    List<StoredDeadLetter> replayable = new ArrayList<>();
    Map<String, Long> skippedByReason = new TreeMap<>();
    Set<String> alreadyReplayed = new HashSet<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(o)) {
      Selection s = select(o, consumer, err);
      printSelectionCounts(s, out);
      for (StoredDeadLetter d : s.selected) {
        String why = d.notReplayableBecause();
        if (why != null) {
          out.printf(
              "skip    %s  stage=%s key=%s: not replayable, %s%n",
              d.coordinates(), printable(d.stageOrUnknown(), 40), printable(d.key(), 60), why);
          skippedByReason.merge(why, 1L, Long::sum);
        } else {
          replayable.add(d);
        }
      }
      // Which of them were replayed before: the targets' tributary-replay-of headers, from the
      // earliest timestamp a replay of one of them carries (see replayTimestampMillis).
      Map<String, Long> scanFrom = new TreeMap<>();
      for (StoredDeadLetter d : replayable) {
        scanFrom.merge(target(o, d), d.replayTimestampMillis(), Math::min);
      }
      BoundedTopicReader reader = new BoundedTopicReader(consumer, o.timeout(), err);
      for (Map.Entry<String, Long> t : scanFrom.entrySet()) {
        reader.partitions(t.getKey()); // fails when the target topic does not exist
        if (o.force()) {
          continue;
        }
        reader.read(
            t.getKey(),
            t.getValue(),
            r -> {
              for (Header h : r.headers().headers(REPLAY_HEADER)) {
                if (h.value() != null) {
                  alreadyReplayed.add(new String(h.value(), StandardCharsets.UTF_8));
                }
              }
            });
      }
    }
    List<StoredDeadLetter> todo = new ArrayList<>();
    int skippedAsReplayed = 0;
    for (StoredDeadLetter d : replayable) {
      if (alreadyReplayed.contains(d.coordinates())) {
        skippedAsReplayed++;
        out.printf(
            "skip    %s -> %s key=%s: already replayed (a record in %s carries %s: %s)%n",
            d.coordinates(),
            target(o, d),
            printable(d.key(), 60),
            target(o, d),
            REPLAY_HEADER,
            d.coordinates());
      } else {
        todo.add(d);
      }
    }
    long notReplayable = skippedByReason.values().stream().mapToLong(Long::longValue).sum();
    if (!o.execute()) {
      for (StoredDeadLetter d : todo) {
        out.printf("would replay %s -> %s%n", d.coordinates(), describeReplay(o, d));
      }
      out.printf(
          "DRY RUN: would replay %d, already replayed %d, not replayable %d; nothing produced."
              + " Add --execute to produce.%n",
          todo.size(), skippedAsReplayed, notReplayable);
      printSkipReasons(skippedByReason, out);
      return OK;
    }
    if (todo.isEmpty()) {
      out.printf(
          "nothing to replay: already replayed %d, not replayable %d; nothing produced.%n",
          skippedAsReplayed, notReplayable);
      printSkipReasons(skippedByReason, out);
      return OK;
    }
    int failed = 0;
    Map<String, Long> byTarget = new TreeMap<>();
    try (KafkaProducer<byte[], byte[]> producer = producer(o)) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (StoredDeadLetter d : todo) {
        ProducerRecord<byte[], byte[]> r =
            new ProducerRecord<>(
                target(o, d),
                null,
                d.replayTimestampMillis(),
                d.key() == null ? null : d.key().getBytes(StandardCharsets.UTF_8),
                d.record().getBytes(StandardCharsets.UTF_8),
                List.of(
                    new RecordHeader(
                        REPLAY_HEADER, d.coordinates().getBytes(StandardCharsets.UTF_8))));
        sent.add(producer.send(r));
      }
      producer.flush();
      for (int i = 0; i < todo.size(); i++) {
        StoredDeadLetter d = todo.get(i);
        try {
          RecordMetadata m = sent.get(i).get();
          byTarget.merge(m.topic(), 1L, Long::sum);
          out.printf(
              "replayed %s -> %s/%d/%d key=%s%n",
              d.coordinates(), m.topic(), m.partition(), m.offset(), printable(d.key(), 60));
        } catch (Exception e) {
          failed++;
          err.printf(
              "replay-deadletters: NOT replayed %s -> %s: %s%n",
              d.coordinates(), target(o, d), describe(e));
        }
      }
    }
    out.printf(
        "replayed %d %s, failed %d, already replayed %d, not replayable %d.%n",
        todo.size() - failed, byTarget, failed, skippedAsReplayed, notReplayable);
    printSkipReasons(skippedByReason, out);
    if (failed > 0) {
      err.printf(
          "replay-deadletters: FAILED: %d records not produced; re-run the same command to"
              + " replay them (the others are skipped as already replayed)%n",
          failed);
      return FAILED;
    }
    return OK;
  }

  private static void printSelectionCounts(Selection s, PrintStream out) {
    out.printf(
        "selected %d dead letters (%d matched, %d read)%n", s.selected.size(), s.matched, s.read);
  }

  private static void printSkipReasons(Map<String, Long> skipped, PrintStream out) {
    skipped.forEach((why, n) -> out.printf("  not replayable: %d  %s%n", n, why));
  }

  private static String describeReplay(Options o, StoredDeadLetter d) {
    return String.format(
        "%s key=%s bytes=%d timestamp=%s (%s: %s)",
        target(o, d),
        printable(d.key(), 60),
        d.record().getBytes(StandardCharsets.UTF_8).length,
        Instant.ofEpochMilli(d.replayTimestampMillis()),
        printable(d.stageOrUnknown(), 40),
        shortReason(d));
  }

  private static String target(Options o, StoredDeadLetter d) {
    return o.toTopic() != null ? o.toTopic() : d.sourceTopic();
  }

  // ---------------------------------------------------------------- Kafka clients

  private static Properties clientProperties(Options o) throws IOException {
    Properties p = new Properties();
    if (o.clientConfig() != null) {
      try (InputStream in = Files.newInputStream(o.clientConfig())) {
        p.load(in);
      }
    }
    p.put("bootstrap.servers", o.bootstrapServers());
    p.put("client.id", "tributary-replay-deadletters");
    return p;
  }

  private static KafkaConsumer<byte[], byte[]> consumer(Options o) throws IOException {
    Properties p = clientProperties(o);
    // assign() only: no group, nothing committed, the job's group untouched
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // a mistyped --topic or --to-topic must fail, not create a topic
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    // partitions are read one after the other: do not wait long at the end of each
    p.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static KafkaProducer<byte[], byte[]> producer(Options o) throws IOException {
    Properties p = clientProperties(o);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  // ---------------------------------------------------------------- printing

  /**
   * The reason's first line, without the input excerpt a JSON parser appends ({@code at [Source:
   * …]}, which can quote personal data), at most 160 characters.
   */
  static String shortReason(StoredDeadLetter d) {
    String r = d.reason();
    if (r == null) {
      return "(no reason)";
    }
    int cut = r.indexOf('\n');
    if (cut >= 0) {
      r = r.substring(0, cut);
    }
    cut = r.indexOf(" at [Source:");
    if (cut >= 0) {
      r = r.substring(0, cut);
    }
    return printable(r.strip(), 160);
  }

  /**
   * Text safe for a terminal: control characters escaped (a record is attacker-controlled input; an
   * escape sequence must not reach the operator's terminal), cut at {@code max} characters (0: no
   * limit).
   */
  static String printable(String s, int max) {
    if (s == null) {
      return "-";
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), max > 0 ? max + 1 : s.length()));
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n') {
        b.append("\\n");
      } else if (c == '\r') {
        b.append("\\r");
      } else if (c == '\t') {
        b.append("\\t");
      } else if (c < 0x20
          || (c >= 0x7f && c < 0xa0)
          || (c >= 0x202a && c <= 0x202e)
          || (c >= 0x2066 && c <= 0x2069)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
      if (max > 0 && b.length() >= max && i < s.length() - 1) {
        b.setLength(max);
        b.append('…');
        break;
      }
    }
    return b.toString();
  }
}
