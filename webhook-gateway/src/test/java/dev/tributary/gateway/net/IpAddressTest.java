package dev.tributary.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IpAddressTest {

  @Test
  void parsesIpv4Strictly() {
    assertThat(IpAddress.parse("192.0.2.1")).hasToString("192.0.2.1");
    assertThat(IpAddress.parse("0.0.0.0")).hasToString("0.0.0.0");
    assertThat(IpAddress.parse("255.255.255.255")).hasToString("255.255.255.255");
    for (String bad :
        List.of(
            "",
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "1.2.3.-4",
            "01.2.3.4",
            "1.2.3.4 ",
            "1..3.4",
            "1.2.3.4.",
            "0x7f.0.0.1",
            "2130706433",
            "1.2.3.٤",
            "localhost",
            "example.com")) {
      assertThat(IpAddress.parse(bad)).as(bad).isNull();
    }
  }

  @Test
  void parsesEveryIpv6TextForm() {
    assertThat(IpAddress.parse("2001:db8:0:0:0:0:0:1")).hasToString("2001:db8:0:0:0:0:0:1");
    assertThat(IpAddress.parse("2001:DB8::1")).hasToString("2001:db8:0:0:0:0:0:1");
    assertThat(IpAddress.parse("::1")).hasToString("0:0:0:0:0:0:0:1");
    assertThat(IpAddress.parse("::")).hasToString("0:0:0:0:0:0:0:0");
    assertThat(IpAddress.parse("fe80::")).hasToString("fe80:0:0:0:0:0:0:0");
    assertThat(IpAddress.parse("64:ff9b::192.0.2.33")).hasToString("64:ff9b:0:0:0:0:c000:221");
    for (String bad :
        List.of(
            ":::",
            "1::2::3",
            "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7::8",
            "12345::",
            ":1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:",
            "g::1",
            "fe80::1%eth0",
            "::1.2.3",
            "::256.1.1.1",
            "[::1]",
            "::１")) {
      assertThat(IpAddress.parse(bad)).as(bad).isNull();
    }
  }

  @Test
  void ipv4MappedAddressesAreTheirIpv4Address() {
    assertThat(IpAddress.parse("::ffff:192.0.2.1")).isEqualTo(IpAddress.parse("192.0.2.1"));
    assertThat(IpAddress.parse("::FFFF:c000:201")).isEqualTo(IpAddress.parse("192.0.2.1"));
    assertThat(IpAddress.parse("::ffff:192.0.2.1").isV4()).isTrue();
    // Other embeddings stay IPv6.
    assertThat(IpAddress.parse("::192.0.2.1").isV4()).isFalse();
  }

  @Test
  void agreesWithTheJdkOnRandomAddresses() throws Exception {
    Random random = new Random(13);
    for (int i = 0; i < 2_000; i++) {
      byte[] bytes = new byte[random.nextBoolean() ? 4 : 16];
      random.nextBytes(bytes);
      if (bytes.length == 16 && random.nextInt(4) == 0) {
        // runs of zero groups, so that "::" appears
        int from = random.nextInt(16);
        for (int j = from; j < Math.min(16, from + 2 * random.nextInt(5)); j++) {
          bytes[j] = 0;
        }
      }
      InetAddress jdk = InetAddress.getByAddress(bytes);
      IpAddress ours = IpAddress.parse(jdk.getHostAddress());
      assertThat(ours).as(jdk.getHostAddress()).isNotNull();
      assertThat(ours.bytes()).isEqualTo(jdk.getAddress());
    }
  }

  @Test
  void endpointsMayHaveBracketsAndPorts() {
    IpAddress v6 = IpAddress.parse("2001:db8::1");
    assertThat(IpAddress.parseEndpoint("[2001:db8::1]")).isEqualTo(v6);
    assertThat(IpAddress.parseEndpoint("[2001:db8::1]:443")).isEqualTo(v6);
    assertThat(IpAddress.parseEndpoint(" 2001:db8::1 ")).isEqualTo(v6);
    assertThat(IpAddress.parseEndpoint("192.0.2.1:8080")).isEqualTo(IpAddress.parse("192.0.2.1"));
    assertThat(IpAddress.parseEndpoint("\t192.0.2.1")).isEqualTo(IpAddress.parse("192.0.2.1"));
    for (String bad :
        List.of(
            "unknown",
            "_hidden",
            "[192.0.2.1]",
            "[2001:db8::1]:",
            "[2001:db8::1]:99999",
            "[2001:db8::1]x",
            "[2001:db8::1",
            "192.0.2.1:",
            "192.0.2.1:http",
            "192.0.2.1:1234567",
            "host.example:80",
            "\"192.0.2.1\"",
            "for=192.0.2.1",
            "")) {
      assertThat(IpAddress.parseEndpoint(bad)).as(bad).isNull();
    }
    assertThat(IpAddress.parseEndpoint(null)).isNull();
  }

  @Test
  void theClientKeyOfIpv6IsItsSlash64() {
    assertThat(IpAddress.parse("192.0.2.1").clientKey()).isEqualTo("192.0.2.1");
    assertThat(IpAddress.parse("2001:db8:1:2:3:4:5:6").clientKey())
        .isEqualTo("2001:db8:1:2::/64")
        .isEqualTo(IpAddress.parse("2001:db8:1:2:ffff::").clientKey())
        .isEqualTo(IpAddress.parse("2001:0db8:0001:0002::1").clientKey());
    assertThat(IpAddress.parse("2001:db8:1:3::1").clientKey()).isEqualTo("2001:db8:1:3::/64");
    assertThat(IpAddress.parse("::1").clientKey()).isEqualTo("0:0:0:0::/64");
    assertThat(IpAddress.parse("::ffff:192.0.2.1").clientKey()).isEqualTo("192.0.2.1");
  }
}
