package dev.tributary.job.ops;

import dev.tributary.job.AttributionJob;
import dev.tributary.job.Pipeline;
import dev.tributary.job.config.JobOptions;
import dev.tributary.job.config.JobSettings;
import java.util.List;
import java.util.Objects;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;

/**
 * The uids of every operator of the job, read off the topology itself (built with placeholder
 * connection settings; nothing connects), so that tools never keep a second list that drifts.
 */
final class JobUids {
  private JobUids() {}

  static final List<String> ALL = collect();

  private static List<String> collect() {
    Configuration conf = new Configuration();
    conf.set(JobOptions.KAFKA_BOOTSTRAP_SERVERS, "localhost:9092");
    conf.set(JobOptions.JDBC_URL, "jdbc:postgresql://localhost/tributary");
    JobSettings settings = JobOptions.settings(conf);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Pipeline.build(
        env,
        settings,
        AttributionJob.kafkaSources(settings, false),
        AttributionJob.productionSinks(settings));
    return env.getStreamGraph().getStreamNodes().stream()
        .map(StreamNode::getTransformationUID)
        .filter(Objects::nonNull)
        .distinct()
        .sorted()
        .toList();
  }
}
