package dev.tributary.job.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChannelClassifierTest {
  private final ChannelClassifier classifier = new ChannelClassifier(ChannelHosts.defaults());

  @ParameterizedTest(name = "{0} from {1} → {2}")
  @CsvSource(
      nullValues = "-",
      value = {
        "https://acme.com/, -, Direct",
        "https://acme.com/, https://acme.com/blog, Direct",
        "https://acme.com/, https://checkout.stripe.com/c/pay/cs_1, Direct",
        "https://acme.com/, https://www.google.com/, Organic Search",
        "https://acme.com/, https://www.google.co.uk/, Organic Search",
        "https://acme.com/, https://duckduckgo.com/, Organic Search",
        "https://acme.com/?gclid=abc, https://www.google.com/, Paid Search",
        "https://acme.com/?msclkid=abc, -, Paid Search",
        "https://acme.com/?utm_source=facebook&utm_medium=cpc, -, Paid Social",
        "https://acme.com/?utm_source=google&utm_medium=cpc, -, Paid Search",
        "https://acme.com/?utm_source=newsletter&utm_medium=email, -, Email",
        "https://acme.com/?utm_source=partner&utm_medium=affiliate, -, Affiliates",
        "https://acme.com/?utm_source=site&utm_medium=display, -, Display",
        "https://acme.com/, https://t.co/xyz, Organic Social",
        "https://acme.com/, https://l.facebook.com/, Organic Social",
        "https://acme.com/, https://www.youtube.com/watch, Organic Video",
        "https://acme.com/, https://blog.example.org/post, Referral",
        "https://acme.com/?utm_source=podcast&utm_medium=audio, -, Other",
        // AI assistants (#17): by referrer host and by the utm_source they add, ahead of search
        // (gemini.google.com is not Google search) and of referral
        "https://acme.com/, https://chatgpt.com/, AI Assistants",
        "https://acme.com/?utm_source=chatgpt.com, -, AI Assistants",
        "https://acme.com/, https://www.perplexity.ai/search/abc, AI Assistants",
        "https://acme.com/, https://claude.ai/chat/1, AI Assistants",
        "https://acme.com/, https://gemini.google.com/app, AI Assistants",
        "https://acme.com/, https://copilot.microsoft.com/, AI Assistants",
        "https://acme.com/?utm_source=perplexity&utm_medium=referral, -, AI Assistants",
        "https://acme.com/, https://chat.deepseek.com/, AI Assistants",
        "https://acme.com/, https://www.bing.com/search?q=x, Organic Search",
        "https://acme.com/?utm_source=chatgpt&utm_medium=cpc, -, Paid Other",
      })
  void channelGroups(String url, String referrer, String expected) {
    var p =
        TrackingParser.parse(
            dev.tributary.job.testing.Envelopes.pageview(
                "acme",
                "v",
                "s",
                url,
                referrer,
                java.util.Map.of(),
                java.time.Instant.parse("2026-11-23T10:00:00Z")));
    assertThat(classifier.classify(p).group()).isEqualTo(expected);
  }
}
