package dev.tributary.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UrlHygieneTest {

  @Test
  void onlyWhatAttributionReadsIsForwarded() {
    assertThat(
            UrlHygiene.page(
                "https://acme.test/reset?token=s3cr3t&UTM_Source=news&fbclid=f#access_token=x",
                List.of()))
        .isEqualTo("https://acme.test/reset?UTM_Source=news&fbclid=f");
    assertThat(UrlHygiene.page("https://acme.test/a?code=1", List.of()))
        .isEqualTo("https://acme.test/a");
    assertThat(UrlHygiene.page("https://acme.test/", List.of())).isEqualTo("https://acme.test/");
  }

  @Test
  void aSiteMayKeepParametersOfItsOwn() {
    assertThat(UrlHygiene.page("https://acme.test/p?plan=pro&token=t", List.of("plan")))
        .isEqualTo("https://acme.test/p?plan=pro");
  }

  @Test
  void referrersKeepOriginAndPathAndUnparseableAddressesTheirStart() {
    assertThat(UrlHygiene.referrer("https://www.google.com/search?q=x#y"))
        .isEqualTo("https://www.google.com/search");
    assertThat(UrlHygiene.page("https://acme.test/a b?token=1", List.of()))
        .isEqualTo("https://acme.test/a b");
  }
}
