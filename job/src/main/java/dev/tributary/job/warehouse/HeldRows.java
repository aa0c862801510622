package dev.tributary.job.warehouse;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The rows a warehouse sink holds until its next batch. A table whose rows are complete states (a
 * session as it stands, a payment's whole position) keeps only the <em>latest</em> row per key: a
 * visitor's twenty pageviews in one batch interval are one upsert, not twenty, and a payment
 * corrected twice before the batch is written books one journal difference. Writing the latest
 * state only is exact because each row replaces the one before it entirely. Other tables keep every
 * row.
 *
 * @param <T> the row type
 */
final class HeldRows<T> {
  private final Function<T, String> latestPerKey;
  private final Map<String, T> byKey = new LinkedHashMap<>();
  private final List<T> all = new ArrayList<>();

  /**
   * @param latestPerKey the key whose latest row alone is written, or null to write every row
   */
  HeldRows(Function<T, String> latestPerKey) {
    this.latestPerKey = latestPerKey;
  }

  void add(T row) {
    if (latestPerKey == null) {
      all.add(row);
    } else {
      // re-inserted at the end: rows are written in the order their keys last changed
      String key = latestPerKey.apply(row);
      byKey.remove(key);
      byKey.put(key, row);
    }
  }

  int size() {
    return latestPerKey == null ? all.size() : byKey.size();
  }

  boolean isEmpty() {
    return size() == 0;
  }

  Collection<T> rows() {
    return latestPerKey == null ? all : byKey.values();
  }

  void clear() {
    all.clear();
    byKey.clear();
  }
}
