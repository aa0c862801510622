package dev.tributary.gateway.net;

/**
 * A network in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}) or a single address ({@code
 * 192.0.2.7} = {@code /32}, {@code 2001:db8::7} = {@code /128}). An IPv4 network contains IPv4
 * addresses only, an IPv6 network IPv6 addresses only; IPv4-mapped forms count as IPv4 on both
 * sides ({@code ::ffff:10.0.0.0/104} is {@code 10.0.0.0/8}).
 */
public record Cidr(IpAddress network, int prefixLength) {

  public Cidr {
    if (network == null) {
      throw new IllegalArgumentException("a network needs an address");
    }
    int bits = network.length() * 8;
    if (prefixLength < 0 || prefixLength > bits) {
      throw new IllegalArgumentException("prefix length must be between 0 and " + bits);
    }
  }

  /**
   * Parses {@code address[/prefix]}. Refuses, with a message quoting the text (these are network
   * names, not secrets): anything that is not an IP literal (no host names), a prefix out of range,
   * host bits set after the prefix ({@code 10.1.2.3/8}: say {@code 10.0.0.0/8} or {@code
   * 10.1.2.3/32}), and prefix 0 (everyone: that would believe any client's {@code
   * X-Forwarded-For}).
   */
  public static Cidr parse(String text) {
    String s = text == null ? "" : text.strip();
    int slash = s.indexOf('/');
    String addressText = slash < 0 ? s : s.substring(0, slash);
    IpAddress address = IpAddress.parse(addressText);
    if (address == null) {
      throw new IllegalArgumentException(
          "'" + s + "' is not an IP address or network (e.g. 10.0.0.0/8, fd00::/8, 192.0.2.7)");
    }
    boolean mapped = addressText.indexOf(':') >= 0 && address.isV4();
    int bits = address.length() * 8;
    int prefix = bits;
    if (slash >= 0) {
      String digits = s.substring(slash + 1);
      if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("'" + s + "' has no valid prefix length");
      }
      prefix = Integer.parseInt(digits);
      if (mapped) {
        // ::ffff:a.b.c.d/n, n >= 96: the IPv4 network /(n - 96).
        if (prefix < 96 || prefix > 128) {
          throw new IllegalArgumentException(
              "'" + s + "': an IPv4-mapped network needs a prefix length of 96 to 128");
        }
        prefix -= 96;
      }
      if (prefix > bits) {
        throw new IllegalArgumentException(
            "'" + s + "': the prefix length must be at most " + (mapped ? 128 : bits));
      }
    }
    if (prefix == 0) {
      throw new IllegalArgumentException(
          "'" + s + "' is every address: trusting it would believe any client's X-Forwarded-For");
    }
    for (int i = prefix; i < bits; i++) {
      if (address.bit(i)) {
        throw new IllegalArgumentException(
            "'" + s + "' has bits set after the prefix; write the network's first address");
      }
    }
    return new Cidr(address, prefix);
  }

  /** Whether {@code address} lies in this network. */
  public boolean contains(IpAddress address) {
    if (address == null || address.length() != network.length()) {
      return false;
    }
    for (int i = 0; i < prefixLength; i++) {
      if (address.bit(i) != network.bit(i)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return network + "/" + prefixLength;
  }
}
