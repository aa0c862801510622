package dev.tributary.job.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeldRowsTest {

  @Test
  void aStateTableWritesTheLatestRowPerKeyInTheOrderKeysLastChanged() {
    HeldRows<String> rows = new HeldRows<>(r -> r.substring(0, 1));
    for (String r : new String[] {"a1", "b1", "a2", "c1", "a3", "b2"}) {
      rows.add(r);
    }
    assertThat(rows.size()).isEqualTo(3);
    assertThat(rows.rows()).containsExactly("c1", "a3", "b2");
    rows.clear();
    assertThat(rows.isEmpty()).isTrue();
  }

  @Test
  void otherTablesWriteEveryRow() {
    HeldRows<String> rows = new HeldRows<>(null);
    for (String r : new String[] {"a1", "a2", "a1"}) {
      rows.add(r);
    }
    assertThat(rows.rows()).containsExactly("a1", "a2", "a1");
  }
}
