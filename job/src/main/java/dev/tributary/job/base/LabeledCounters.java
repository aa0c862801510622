package dev.tributary.job.base;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Counters under one name with a label ({@code <group>.<label key>.<value>.<name>}, a Prometheus
 * label through Flink's reporter), created on first use. Labels must come from a small fixed set
 * (providers, link methods, currencies), never from free text.
 */
public final class LabeledCounters {
  private final MetricGroup group;
  private final String labelKey;
  private final String name;
  private final Map<String, Counter> counters = new HashMap<>();

  public LabeledCounters(MetricGroup group, String labelKey, String name) {
    this.group = group;
    this.labelKey = labelKey;
    this.name = name;
  }

  public void inc(String label, long n) {
    counters.computeIfAbsent(label, l -> group.addGroup(labelKey, l).counter(name)).inc(n);
  }
}
