package dev.tributary.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {

  @Test
  void countersStartAtZeroForConfiguredProvidersAndCountByLabel() {
    GatewayMetrics m = new GatewayMetrics(List.of("stripe", "paddle"));
    m.accepted("stripe");
    m.rejected("stripe", "invalid_signature");
    m.rejected(null, "not_found");
    String text = m.prometheus();
    assertThat(text)
        .contains("tributary_gateway_accepted_total{provider=\"stripe\"} 1")
        .contains("tributary_gateway_accepted_total{provider=\"paddle\"} 0")
        .contains(
            "tributary_gateway_rejected_total{provider=\"stripe\",reason=\"invalid_signature\"} 1")
        .contains("tributary_gateway_rejected_total{provider=\"none\",reason=\"not_found\"} 1");
  }

  @Test
  void ackLatencyIsACumulativeHistogramInSeconds() {
    GatewayMetrics m = new GatewayMetrics();
    m.ackLatency(800_000); // 0.8 ms
    m.ackLatency(3_000_000); // 3 ms
    m.ackLatency(20_000_000_000L); // 20 s, beyond the last bound
    String text = m.prometheus();
    assertThat(text)
        .contains("# TYPE tributary_gateway_kafka_ack_seconds histogram")
        .contains("tributary_gateway_kafka_ack_seconds_bucket{le=\"0.001\"} 1")
        .contains("tributary_gateway_kafka_ack_seconds_bucket{le=\"0.0025\"} 1")
        .contains("tributary_gateway_kafka_ack_seconds_bucket{le=\"0.005\"} 2")
        .contains("tributary_gateway_kafka_ack_seconds_bucket{le=\"10.0\"} 2")
        .contains("tributary_gateway_kafka_ack_seconds_bucket{le=\"+Inf\"} 3")
        .contains("tributary_gateway_kafka_ack_seconds_count 3")
        .contains("tributary_gateway_kafka_ack_seconds_sum 20.0038");
  }

  @Test
  void inFlightIsAGaugePerLane() {
    GatewayMetrics m = new GatewayMetrics();
    assertThat(m.prometheus()).doesNotContain("tributary_gateway_in_flight");
    m.inFlight("webhooks", () -> 3);
    m.inFlight("tracking", () -> 0);
    assertThat(m.prometheus())
        .contains("# TYPE tributary_gateway_in_flight gauge")
        .contains("tributary_gateway_in_flight{lane=\"tracking\"} 0")
        .contains("tributary_gateway_in_flight{lane=\"webhooks\"} 3");
  }
}
