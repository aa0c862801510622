package dev.tributary.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CidrTest {

  private static IpAddress ip(String text) {
    return IpAddress.parse(text);
  }

  @Test
  void containsTheAddressesOfItsNetworkOnly() {
    Cidr ten = Cidr.parse("10.0.0.0/8");
    assertThat(ten.contains(ip("10.0.0.0"))).isTrue();
    assertThat(ten.contains(ip("10.255.255.255"))).isTrue();
    assertThat(ten.contains(ip("11.0.0.0"))).isFalse();
    assertThat(ten.contains(ip("::ffff:10.1.2.3"))).isTrue();
    assertThat(ten.contains(ip("::a01:203"))).as("IPv4-compatible is IPv6").isFalse();
    assertThat(ten.contains(null)).isFalse();

    Cidr odd = Cidr.parse("172.16.0.0/12");
    assertThat(odd.contains(ip("172.31.255.255"))).isTrue();
    assertThat(odd.contains(ip("172.32.0.0"))).isFalse();

    Cidr ula = Cidr.parse("fd00::/8");
    assertThat(ula.contains(ip("fd12:3456::1"))).isTrue();
    assertThat(ula.contains(ip("fc00::1"))).isFalse();
    assertThat(ula.contains(ip("10.0.0.1"))).isFalse();

    Cidr single = Cidr.parse("192.0.2.7");
    assertThat(single).isEqualTo(new Cidr(ip("192.0.2.7"), 32));
    assertThat(single.contains(ip("192.0.2.7"))).isTrue();
    assertThat(single.contains(ip("192.0.2.8"))).isFalse();
    assertThat(Cidr.parse("2001:db8::7")).isEqualTo(new Cidr(ip("2001:db8::7"), 128));
    assertThat(Cidr.parse("2001:db8:1:2::/64").contains(ip("2001:db8:1:2:ffff::1"))).isTrue();
  }

  @Test
  void ipv4MappedNetworksAreIpv4Networks() {
    assertThat(Cidr.parse("::ffff:10.0.0.0/104")).isEqualTo(Cidr.parse("10.0.0.0/8"));
    assertThat(Cidr.parse("::ffff:192.0.2.7")).isEqualTo(Cidr.parse("192.0.2.7/32"));
    assertThatThrownBy(() -> Cidr.parse("::ffff:10.0.0.0/64")).hasMessageContaining("96 to 128");
  }

  @Test
  void refusesWhatItCannotMeanExactly() {
    Map<String, String> bad =
        Map.of(
            "proxy.internal", "not an IP address",
            "10.0.0.1/8", "bits set after the prefix",
            "fd00::1/8", "bits set after the prefix",
            "0.0.0.0/0", "every address",
            "::/0", "every address",
            "10.0.0.0/33", "at most 32",
            "10.0.0.0/-1", "no valid prefix length",
            "10.0.0.0/ 8", "no valid prefix length",
            "", "not an IP address");
    bad.forEach(
        (text, message) ->
            assertThatThrownBy(() -> Cidr.parse(text)).as(text).hasMessageContaining(message));
  }

  @Test
  void trustedProxiesAreAList() {
    TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, fd00::/8,,192.0.2.7 ");
    assertThat(proxies.networks()).hasSize(3);
    assertThat(proxies.contains(ip("10.9.9.9"))).isTrue();
    assertThat(proxies.contains(ip("fdff::1"))).isTrue();
    assertThat(proxies.contains(ip("192.0.2.7"))).isTrue();
    assertThat(proxies.contains(ip("192.0.2.8"))).isFalse();
    assertThat(TrustedProxies.parse(" ")).isEqualTo(TrustedProxies.NONE);
    assertThat(TrustedProxies.NONE.contains(ip("10.0.0.1"))).isFalse();
  }
}
