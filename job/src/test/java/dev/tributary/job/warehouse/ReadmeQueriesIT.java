package dev.tributary.job.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.job.testing.EmbeddedWarehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every example query the README and sql/README.md show runs against the migrated warehouse. */
class ReadmeQueriesIT {
  private static final Pattern INLINE = Pattern.compile("`(SELECT [^`]+)`");

  @Test
  void everyDocumentedExampleQueryRuns() throws Exception {
    List<String> queries = new ArrayList<>();
    for (String doc : List.of("../README.md", "../sql/README.md")) {
      Matcher m = INLINE.matcher(Files.readString(Path.of(doc)));
      while (m.find()) {
        queries.add(m.group(1));
      }
    }
    assertThat(queries).hasSizeGreaterThanOrEqualTo(8);
    try (EmbeddedWarehouse w = EmbeddedWarehouse.start()) {
      for (String q : queries) {
        w.query(q.endsWith(";") ? q.substring(0, q.length() - 1) : q); // throws if it does not run
      }
    }
  }
}
