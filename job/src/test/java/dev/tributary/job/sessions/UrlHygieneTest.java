package dev.tributary.job.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrlHygieneTest {

  @Test
  void tokensInTheQueryAndTheFragmentAreNeverKept() {
    assertThat(
            UrlHygiene.page(
                "https://acme.test/reset?token=s3cr3t&utm_source=news&email=a%40b.c#access_token=x"))
        .isEqualTo("https://acme.test/reset?utm_source=news");
    assertThat(UrlHygiene.page("https://acme.test/login#access_token=abc&id_token=def"))
        .isEqualTo("https://acme.test/login");
    assertThat(UrlHygiene.page("https://acme.test/magic?code=123"))
        .isEqualTo("https://acme.test/magic");
  }

  @Test
  void whatAttributionReadsStays() {
    String landing =
        "https://acme.test/pricing?UTM_Campaign=bf&gclid=Cj0&fbclid=IwA&ref=producthunt&x=1";
    assertThat(UrlHygiene.page(landing))
        .isEqualTo(
            "https://acme.test/pricing?UTM_Campaign=bf&gclid=Cj0&fbclid=IwA&ref=producthunt");
    assertThat(UrlHygiene.page("https://acme.test/")).isEqualTo("https://acme.test/");
  }

  @Test
  void aReferrerKeepsItsOriginAndPathOnly() {
    assertThat(UrlHygiene.referrer("https://www.google.com/search?q=acme+login&sxsrf=x#frag"))
        .isEqualTo("https://www.google.com/search");
    assertThat(UrlHygiene.referrer(null)).isNull();
  }

  @Test
  void anAddressThatDoesNotParseKeepsOnlyWhatPrecedesItsQuery() {
    assertThat(UrlHygiene.page("https://acme.test/a b?token=1|2"))
        .isEqualTo("https://acme.test/a b");
    assertThat(UrlHygiene.page("not a url#x")).isEqualTo("not a url");
  }

  @Test
  void theParserStoresOnlyTheCleanedAddresses() {
    var parsed =
        TrackingParser.parseRecord(
            "{\"v\":1,\"type\":\"pageview\",\"siteId\":\"acme\",\"visitorId\":\"v\",\"sessionId\":\"s\","
                + "\"url\":\"https://acme.test/welcome?utm_source=x&invite=SECRET#t=1\","
                + "\"referrer\":\"https://mail.example/read?msg=42\","
                + "\"receivedAt\":\"2026-11-01T10:00:00Z\"}");
    assertThat(parsed.pageview().url()).isEqualTo("https://acme.test/welcome?utm_source=x");
    assertThat(parsed.pageview().referrer()).isEqualTo("https://mail.example/read");
    assertThat(parsed.pageview().utmSource()).isEqualTo("x");
  }

  @Test
  void parametersTheDeploymentKeepsStay() {
    assertThat(UrlHygiene.page("https://acme.test/p?plan=pro&token=t", java.util.Set.of("plan")))
        .isEqualTo("https://acme.test/p?plan=pro");
  }
}
