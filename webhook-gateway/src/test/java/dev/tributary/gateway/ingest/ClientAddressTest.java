package dev.tributary.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.gateway.net.TrustedProxies;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

  private final ClientAddress behindProxies =
      new ClientAddress(TrustedProxies.parse("10.0.0.0/8, 192.0.2.10, fd00::/8"));
  private final ClientAddress direct = new ClientAddress(TrustedProxies.NONE);

  private String key(ClientAddress clients, String peer, String... forwardedFor) {
    return clients.keyOf(peer, List.of(forwardedFor));
  }

  @Test
  void withoutTrustedProxiesThePeerIsTheClient() {
    assertThat(key(direct, "198.51.100.1", "203.0.113.1")).isEqualTo("198.51.100.1");
    assertThat(key(direct, "10.0.0.1", "203.0.113.1")).isEqualTo("10.0.0.1");
    assertThat(key(direct, "[2001:db8:1:2::9]", "203.0.113.1")).isEqualTo("2001:db8:1:2::/64");
  }

  @Test
  void aPeerThatIsNoTrustedProxyIsTheClientWhateverItSends() {
    assertThat(key(behindProxies, "198.51.100.1", "203.0.113.1")).isEqualTo("198.51.100.1");
    assertThat(key(behindProxies, "198.51.100.1", "203.0.113.1, 10.0.0.1"))
        .isEqualTo("198.51.100.1");
  }

  @Test
  void fromATrustedProxyTheFirstUntrustedAddressFromTheRightIsTheClient() {
    assertThat(key(behindProxies, "10.0.0.1", "203.0.113.1")).isEqualTo("203.0.113.1");
    // Client-written entries left of the one the proxy appended are never used.
    assertThat(key(behindProxies, "10.0.0.1", "6.6.6.6, 203.0.113.1")).isEqualTo("203.0.113.1");
    // Trusted hops are skipped, across several header lines too.
    assertThat(key(behindProxies, "10.0.0.1", "6.6.6.6, 203.0.113.1, 192.0.2.10", "10.2.3.4"))
        .isEqualTo("203.0.113.1");
    assertThat(key(behindProxies, "[fd00::1]", "2001:db8:5:6::1, fd12::9"))
        .isEqualTo("2001:db8:5:6::/64");
    assertThat(key(behindProxies, "10.0.0.1", "[2001:db8:7:8::1]:5555"))
        .isEqualTo("2001:db8:7:8::/64");
    assertThat(key(behindProxies, "10.0.0.1", "::ffff:203.0.113.1")).isEqualTo("203.0.113.1");
    assertThat(key(behindProxies, "10.0.0.1", " 203.0.113.1:443 ")).isEqualTo("203.0.113.1");
  }

  @Test
  void invalidEntriesStopTheWalkAtTheNearestTrustedHop() {
    // No header, or only trusted hops: the nearest trusted address known.
    assertThat(key(behindProxies, "10.0.0.1")).isEqualTo("10.0.0.1");
    assertThat(key(behindProxies, "10.0.0.1", "10.0.0.2, 10.0.0.3")).isEqualTo("10.0.0.2");
    for (String garbage :
        List.of("unknown", "", " ", "_obfuscated", "host.example", "999.0.0.1", "1.2.3.4:x")) {
      assertThat(key(behindProxies, "10.0.0.1", "203.0.113.1, " + garbage))
          .as(garbage)
          .isEqualTo("10.0.0.1");
      assertThat(key(behindProxies, "10.0.0.1", "203.0.113.1, " + garbage + ", 10.0.0.5"))
          .as(garbage)
          .isEqualTo("10.0.0.5");
    }
    // Garbage left of the client is never reached.
    assertThat(key(behindProxies, "10.0.0.1", "unknown, 203.0.113.1")).isEqualTo("203.0.113.1");
  }

  @Test
  void aLongChainOfTrustedHopsIsNotWalkedForever() {
    List<String> hops = new ArrayList<>();
    hops.add("203.0.113.1");
    for (int i = 0; i < 1000; i++) {
      hops.add("10.0." + (i / 250) + "." + (i % 250 + 1));
    }
    String key = behindProxies.keyOf("10.0.0.1", List.of(String.join(",", hops)));
    assertThat(key).startsWith("10.0.");
    // Within the limit the client is found.
    assertThat(
            behindProxies.keyOf(
                "10.0.0.1", List.of(String.join(",", hops.subList(0, ClientAddress.MAX_HOPS)))))
        .isEqualTo("203.0.113.1");
  }

  @Test
  void aPeerThatIsNotAnIpAddressIsItsOwnKey() {
    assertThat(key(behindProxies, "unix:/run/socket", "203.0.113.1"))
        .isEqualTo("peer:unix:/run/socket");
  }
}
