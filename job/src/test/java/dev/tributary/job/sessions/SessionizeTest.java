package dev.tributary.job.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.testing.Harnesses;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionizeTest {
  private static final Duration RETENTION = Duration.ofDays(1);
  private KeyedOneInputStreamOperatorTestHarness<String, Pageview, Session> harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new Sessionize(new ChannelClassifier(ChannelHosts.defaults()), RETENTION),
            Pageview::visitorKey,
            Types.STRING);
    harness.setStateTtlProcessingTime(0);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  static Pageview view(String visitor, String session, String url, String referrer, long at) {
    return new Pageview(
        "acme", visitor, session, "e" + at, url, referrer, null, null, null, null, null, at);
  }

  @Test
  void pageviewsAggregateIntoOneSessionWhoseChannelComesFromTheLandingPage() throws Exception {
    harness.processElement(
        view("v1", "s1", "https://acme.com/pricing", "https://acme.com/", 2_000), 2_000);
    // arrives later but happened first: the real landing page, from Google
    harness.processElement(
        view("v1", "s1", "https://acme.com/", "https://www.google.com/", 1_000), 1_000);

    List<Session> out = harness.extractOutputValues();
    Session last = out.get(out.size() - 1);
    assertThat(last.pageviews()).isEqualTo(2);
    assertThat(last.startedAtMillis()).isEqualTo(1_000);
    assertThat(last.lastSeenAtMillis()).isEqualTo(2_000);
    assertThat(last.landingPage()).isEqualTo("https://acme.com/");
    assertThat(last.channel()).isEqualTo("Organic Search");
    assertThat(last.source()).isEqualTo("google.com");
  }

  @Test
  void attributionHearsOfASessionOnlyWhenItsTouchChanges() throws Exception {
    harness.processElement(view("v1", "s1", "https://acme.com/x", null, 5_000), 5_000);
    harness.processElement(
        view("v1", "s1", "https://acme.com/a", "https://acme.com/", 6_000), 6_000);
    harness.processElement(
        view("v1", "s1", "https://acme.com/b", "https://acme.com/", 7_000), 7_000);
    // earlier than the start: a new landing page, so a new touch
    harness.processElement(
        view("v1", "s1", "https://acme.com/", "https://www.google.com/", 1_000), 1_000);
    harness.processElement(view("v1", "s2", "https://acme.com/", null, 9_000), 9_000);

    assertThat(harness.extractOutputValues()).hasSize(5);
    assertThat(harness.getSideOutput(Sessionize.TOUCHES))
        .extracting(
            r ->
                r.getValue().sessionId()
                    + "|"
                    + r.getValue().startedAtMillis()
                    + "|"
                    + r.getValue().channel())
        .containsExactly("s1|5000|Direct", "s1|1000|Organic Search", "s2|9000|Direct");
  }

  @Test
  void aPageviewDeliveredTwiceCountsOnce() throws Exception {
    Pageview p = view("v1", "s1", "https://acme.com/", null, 1_000);
    harness.processElement(p, 1_000);
    harness.processElement(p, 1_000);
    harness.processElement(
        view("v1", "s1", "https://acme.com/a", "https://acme.com/", 2_000), 2_000);
    List<Session> out = harness.extractOutputValues();
    assertThat(out).hasSize(2);
    assertThat(out.get(1).pageviews()).isEqualTo(2);
  }

  @Test
  void sessionsAreForgottenAfterTheRetention() throws Exception {
    harness.processElement(view("v1", "s1", "https://acme.com/", null, 1_000), 1_000);
    harness.processElement(view("v2", "s2", "https://acme.com/", null, 1_000), 1_000);
    assertThat(harness.numKeyedStateEntries()).as("a session and a seen event each").isEqualTo(4);

    var snapshot = Harnesses.snapshotAt(harness, RETENTION.toMillis() + 1);
    try (var restored =
        Harnesses.keyed(
            new Sessionize(new ChannelClassifier(ChannelHosts.defaults()), RETENTION),
            Pageview::visitorKey,
            Types.STRING,
            snapshot,
            RETENTION.toMillis() + 1)) {
      assertThat(restored.numKeyedStateEntries()).isZero();
    }
  }
}
