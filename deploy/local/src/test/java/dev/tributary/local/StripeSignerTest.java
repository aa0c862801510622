package dev.tributary.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StripeSignerTest {

  @Test
  void signsLikeStripe() {
    // Reference: printf '%s' '1700000000.<body>' | openssl dgst -sha256 -hmac 'whsec_test_secret'
    String body = "{\"id\":\"evt_1\",\"object\":\"event\"}";
    String header =
        new StripeSigner("whsec_test_secret").header(body, Instant.ofEpochSecond(1_700_000_000L));
    assertThat(header)
        .isEqualTo(
            "t=1700000000,v1=0c8670ed117751cc551a20e35839447075c42800ea3cf3e8a2fbda99cd1e6edd");
  }

  @Test
  void refusesAnEmptySecret() {
    assertThatThrownBy(() -> new StripeSigner("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void checkoutSessionAndPaymentIntentNameTheSamePayment() throws Exception {
    StripeEvents.Payment p =
        StripeEvents.Payment.create(
            4_900,
            "EUR",
            "cus_1",
            "a@example.com",
            "v_1",
            "s_1",
            Instant.ofEpochSecond(1_700_000_000L));
    ObjectMapper json = new ObjectMapper();
    JsonNode cs = json.readTree(StripeEvents.checkoutSessionCompleted("evt_a", p));
    JsonNode pi = json.readTree(StripeEvents.paymentIntentSucceeded("evt_b", p));

    assertThat(cs.path("type").asText()).isEqualTo("checkout.session.completed");
    assertThat(cs.path("created").asLong()).isEqualTo(1_700_000_000L);
    JsonNode session = cs.path("data").path("object");
    assertThat(session.path("payment_intent").asText()).isEqualTo(p.paymentIntentId());
    assertThat(session.path("amount_total").asLong()).isEqualTo(4_900);
    assertThat(session.path("currency").asText()).isEqualTo("eur");
    assertThat(session.path("payment_status").asText()).isEqualTo("paid");
    assertThat(session.path("metadata").path(StripeEvents.VISITOR_KEY).asText()).isEqualTo("v_1");
    assertThat(session.path("metadata").path(StripeEvents.SESSION_KEY).asText()).isEqualTo("s_1");

    assertThat(pi.path("type").asText()).isEqualTo("payment_intent.succeeded");
    JsonNode intent = pi.path("data").path("object");
    assertThat(intent.path("id").asText()).isEqualTo(p.paymentIntentId());
    assertThat(intent.path("amount_received").asLong()).isEqualTo(4_900);
  }

  @Test
  void anUnlinkedPaymentCarriesNoVisitorAnywhere() throws Exception {
    StripeEvents.Payment p =
        StripeEvents.Payment.create(100, "usd", null, null, null, null, Instant.now());
    JsonNode session =
        new ObjectMapper()
            .readTree(StripeEvents.checkoutSessionCompleted("evt_c", p))
            .path("data")
            .path("object");
    assertThat(session.path("metadata").size()).isZero();
    assertThat(session.path("client_reference_id").isNull()).isTrue();
    assertThat(session.path("customer").isNull()).isTrue();
  }
}
