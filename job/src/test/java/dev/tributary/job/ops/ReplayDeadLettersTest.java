package dev.tributary.job.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.job.ops.ReplayDeadLetters.Command;
import dev.tributary.job.ops.ReplayDeadLetters.Options;
import dev.tributary.job.ops.ReplayDeadLetters.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplayDeadLettersTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  private static Options parse(String... args) throws UsageException {
    return ReplayDeadLetters.parse(args, NOW);
  }

  @Test
  void replayIsADryRunUnlessExecuteIsGiven() throws Exception {
    Options o = parse("replay", "--bootstrap-servers", "k:9092");
    assertThat(o.command()).isEqualTo(Command.REPLAY);
    assertThat(o.execute()).isFalse();
    assertThat(o.topic()).isEqualTo("tributary.deadletter");
    assertThat(o.timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(parse("replay", "--bootstrap-servers=k:9092", "--execute").execute()).isTrue();
  }

  @Test
  void parsesTimesStagesAndLimits() throws Exception {
    Options o =
        parse(
            "list",
            "--bootstrap-servers",
            "k:9092",
            "--since",
            "6h",
            "--until",
            "2026-11-23T11:30:00Z",
            "--stage",
            "parse-tracking, sink-payments",
            "--limit",
            "3",
            "--timeout",
            "PT30S");
    assertThat(o.since()).isEqualTo(NOW.minus(Duration.ofHours(6)));
    assertThat(o.until()).isEqualTo(Instant.parse("2026-11-23T11:30:00Z"));
    assertThat(o.stages()).isEqualTo(Set.of("parse-tracking", "sink-payments"));
    assertThat(o.limit()).isEqualTo(3);
    assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.showRecord()).isFalse();
    assertThat(parse("inspect", "--bootstrap-servers", "k").showRecord()).isTrue();
    assertThat(parse("list", "--bootstrap-servers", "k", "--since", "2026-11-22").since())
        .isEqualTo(Instant.parse("2026-11-22T00:00:00Z"));
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> parse("list")).hasMessageContaining("--bootstrap-servers");
    assertThatThrownBy(() -> parse("drop", "--bootstrap-servers", "k"))
        .hasMessageContaining("unknown command");
    assertThatThrownBy(() -> parse("list", "--bootstrap-servers", "k", "--execute"))
        .hasMessageContaining("is for replay");
    assertThatThrownBy(() -> parse("list", "--bootstrap-servers", "k", "--limit", "0"))
        .hasMessageContaining("--limit");
    assertThatThrownBy(() -> parse("list", "--bootstrap-servers", "k", "--since", "yesterday"))
        .hasMessageContaining("--since");
    assertThatThrownBy(() -> parse("list", "--bootstrap-servers", "k", "--bogus", "1"))
        .hasMessageContaining("unknown option --bogus");
  }

  @Test
  void helpPrintsTheUsageAndExitsZero() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit =
        ReplayDeadLetters.run(
            new String[] {"--help"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err);
    assertThat(exit).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage: replay-deadletters");
    assertThat(ReplayDeadLetters.run(new String[] {"list"}, System.out, System.err)).isEqualTo(2);
  }

  @Test
  void readsDeadLettersTolerantly() {
    StoredDeadLetter tracking =
        stored(
            "{\"v\":2,\"reason\":\"r\",\"stage\":\"parse-tracking\",\"sourceTopic\":\"t\","
                + "\"key\":\"acme:v_1\",\"failedAt\":\"2026-11-23T10:00:01Z\",\"new\":true,"
                + "\"record\":\"{\\\"receivedAt\\\":\\\"2026-11-23T10:00:00Z\\\"}\"}");
    assertThat(tracking.site()).isEqualTo("acme");
    assertThat(tracking.notReplayableBecause()).isNull();
    assertThat(tracking.replayTimestampMillis())
        .isEqualTo(Instant.parse("2026-11-23T10:00:00Z").toEpochMilli());
    assertThat(tracking.extra()).containsOnlyKeys("new");

    StoredDeadLetter sinkRow =
        stored("{\"stage\":\"sink-ledger\",\"key\":\"acme\",\"record\":{\"a\":1}}");
    assertThat(sinkRow.notReplayableBecause()).contains("warehouse refused");
    assertThat(sinkRow.record()).isEqualTo("{\"a\":1}");
    assertThat(sinkRow.failedAtOrTimestamp()).isEqualTo(Instant.ofEpochMilli(7));

    StoredDeadLetter withSite =
        stored("{\"stage\":\"s\",\"key\":\"x\",\"site\":\"acme\",\"sourceTimestamp\":5}");
    assertThat(withSite.site()).isEqualTo("acme");
    assertThat(withSite.notReplayableBecause()).isEqualTo("no sourceTopic");
    assertThat(withSite.replayTimestampMillis()).isEqualTo(5);

    StoredDeadLetter garbage = stored("[1,2");
    assertThat(garbage.unreadable()).isTrue();
    assertThat(garbage.key()).isEqualTo("kafka-key");
    assertThat(garbage.notReplayableBecause()).startsWith("unreadable");
  }

  @Test
  void keepsTerminalEscapesAndParserExcerptsOut() {
    assertThat(ReplayDeadLetters.printable("a\u001b[31mb\nc", 0)).isEqualTo("a\\u001b[31mb\\nc");
    assertThat(ReplayDeadLetters.printable("abcdef", 3)).isEqualTo("abc…");
    StoredDeadLetter d =
        stored(
            "{\"reason\":\"Unexpected character ('x')\\n at [Source: (String)\\\"jane@x.com\\\"]\"}");
    assertThat(ReplayDeadLetters.shortReason(d)).isEqualTo("Unexpected character ('x')");
  }

  private static StoredDeadLetter stored(String json) {
    return StoredDeadLetter.parse(
        "tributary.deadletter",
        0,
        1,
        7,
        "kafka-key".getBytes(StandardCharsets.UTF_8),
        json.getBytes(StandardCharsets.UTF_8));
  }
}
