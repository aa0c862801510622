package dev.tributary.job.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WarehouseSinksTest {
  @Test
  void theSessionsUrlAsksTheDriverForMultiRowInsertsOnce() {
    assertThat(WarehouseSinks.multiRowInserts("jdbc:postgresql://db:5432/tributary"))
        .isEqualTo("jdbc:postgresql://db:5432/tributary?reWriteBatchedInserts=true");
    assertThat(WarehouseSinks.multiRowInserts("jdbc:postgresql://db/t?user=postgres"))
        .isEqualTo("jdbc:postgresql://db/t?user=postgres&reWriteBatchedInserts=true");
    // an operator's own choice in the URL stands
    assertThat(WarehouseSinks.multiRowInserts("jdbc:postgresql://db/t?reWriteBatchedInserts=false"))
        .isEqualTo("jdbc:postgresql://db/t?reWriteBatchedInserts=false");
  }
}
