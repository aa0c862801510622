package dev.tributary.job.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WarehouseSinksTest {

  @Test
  void theLedgerAsksPostgresqlToRewriteItsBatchesUnlessTheUrlSaysOtherwise() {
    assertThat(WarehouseSinks.batchedInserts("jdbc:postgresql://db:5432/tributary"))
        .isEqualTo("jdbc:postgresql://db:5432/tributary?reWriteBatchedInserts=true");
    assertThat(WarehouseSinks.batchedInserts("jdbc:postgresql://db/t?user=u"))
        .isEqualTo("jdbc:postgresql://db/t?user=u&reWriteBatchedInserts=true");
    assertThat(WarehouseSinks.batchedInserts("jdbc:postgresql://db/t?reWriteBatchedInserts=false"))
        .isEqualTo("jdbc:postgresql://db/t?reWriteBatchedInserts=false");
    assertThat(WarehouseSinks.batchedInserts("jdbc:h2:mem:x")).isEqualTo("jdbc:h2:mem:x");
  }
}
