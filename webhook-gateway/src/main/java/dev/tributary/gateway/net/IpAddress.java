package dev.tributary.gateway.net;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An IPv4 or IPv6 address parsed from its text form by this class alone: never through {@link
 * java.net.InetAddress#getByName}, which may ask DNS for anything that is not a valid literal (an
 * {@code X-Forwarded-For} entry is attacker-written text). IPv4-mapped IPv6 addresses ({@code
 * ::ffff:192.0.2.1}) are the IPv4 address they map, so that a client is one client whichever way a
 * proxy wrote it. Zone ids ({@code fe80::1%eth0}) are refused.
 */
public final class IpAddress {

  private final byte[] bytes;

  private IpAddress(byte[] bytes) {
    this.bytes = bytes;
  }

  /** The address {@code text} spells (IPv4 dotted quad or IPv6 text form), or null. */
  public static IpAddress parse(String text) {
    if (text == null || text.isEmpty() || text.length() > 45) {
      return null;
    }
    byte[] parsed = text.indexOf(':') >= 0 ? parseV6(text) : parseV4(text);
    return parsed == null ? null : new IpAddress(unmapped(parsed));
  }

  /**
   * The address of an {@code X-Forwarded-For} entry or of a servlet remote address: an address,
   * optionally in brackets ({@code [2001:db8::1]}), optionally with a port ({@code 192.0.2.1:443},
   * {@code [2001:db8::1]:443}); surrounding white space is ignored. Null for anything else ({@code
   * unknown}, obfuscated identifiers, host names, garbage).
   */
  public static IpAddress parseEndpoint(String text) {
    if (text == null) {
      return null;
    }
    String s = text.strip();
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0 || !isPortSuffix(s.substring(close + 1))) {
        return null;
      }
      String inside = s.substring(1, close);
      return inside.indexOf(':') >= 0 ? parse(inside) : null;
    }
    int colon = s.indexOf(':');
    if (colon >= 0 && colon == s.lastIndexOf(':')) {
      // One colon: IPv4 with a port (an IPv6 address has at least two).
      return isPortSuffix(s.substring(colon)) ? parse(s.substring(0, colon)) : null;
    }
    return parse(s);
  }

  /** 4 for IPv4, 16 for IPv6. */
  public int length() {
    return bytes.length;
  }

  public boolean isV4() {
    return bytes.length == 4;
  }

  /** Bit {@code i} (0 = the most significant bit of the first byte). */
  boolean bit(int i) {
    return (bytes[i / 8] & (0x80 >>> (i % 8))) != 0;
  }

  byte[] bytes() {
    return bytes.clone();
  }

  /**
   * The rate-limit key of a client at this address: an IPv4 address itself, an IPv6 address its /64
   * prefix ({@code 2001:db8:1:2::/64}). One IPv6 subscriber usually holds a whole /64 (often more)
   * and can use any address in it, so per-address buckets would be free to multiply.
   */
  public String clientKey() {
    if (isV4()) {
      return toString();
    }
    return String.format("%x:%x:%x:%x", group(0), group(1), group(2), group(3)) + "::/64";
  }

  private int group(int i) {
    return ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
  }

  /** Dotted quad, or the eight IPv6 groups in lower-case hex (not compressed). */
  @Override
  public String toString() {
    if (isV4()) {
      return (bytes[0] & 0xff)
          + "."
          + (bytes[1] & 0xff)
          + "."
          + (bytes[2] & 0xff)
          + "."
          + (bytes[3] & 0xff);
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      out.append(i == 0 ? "" : ":").append(Integer.toHexString(group(i)));
    }
    return out.toString();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof IpAddress that && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  private static boolean isPortSuffix(String suffix) {
    if (suffix.isEmpty()) {
      return true;
    }
    if (suffix.charAt(0) != ':' || suffix.length() < 2 || suffix.length() > 6) {
      return false;
    }
    for (int i = 1; i < suffix.length(); i++) {
      if (suffix.charAt(i) < '0' || suffix.charAt(i) > '9') {
        return false;
      }
    }
    return Integer.parseInt(suffix.substring(1)) <= 65535;
  }

  /** Strict dotted quad: four decimal parts 0–255, no leading zeros (which some read as octal). */
  static byte[] parseV4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
        return null;
      }
      int value = 0;
      for (int j = 0; j < part.length(); j++) {
        char c = part.charAt(j);
        if (c < '0' || c > '9') {
          return null;
        }
        value = value * 10 + (c - '0');
      }
      if (value > 255) {
        return null;
      }
      out[i] = (byte) value;
    }
    return out;
  }

  /** RFC 4291 text forms: eight groups, one {@code ::}, an IPv4 tail; no zone id. */
  static byte[] parseV6(String s) {
    String text = s;
    int lastColon = text.lastIndexOf(':');
    if (lastColon < 0) {
      return null;
    }
    if (text.indexOf('.', lastColon) >= 0) {
      byte[] v4 = parseV4(text.substring(lastColon + 1));
      if (v4 == null) {
        return null;
      }
      HexFormat hex = HexFormat.of();
      text =
          text.substring(0, lastColon + 1)
              + hex.toHexDigits(v4[0])
              + hex.toHexDigits(v4[1])
              + ":"
              + hex.toHexDigits(v4[2])
              + hex.toHexDigits(v4[3]);
    }
    int doubleColon = text.indexOf("::");
    if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
      return null;
    }
    String left = doubleColon < 0 ? text : text.substring(0, doubleColon);
    String right = doubleColon < 0 ? "" : text.substring(doubleColon + 2);
    int[] leftGroups = groups(left);
    int[] rightGroups = groups(right);
    if (leftGroups == null || rightGroups == null) {
      return null;
    }
    int count = leftGroups.length + rightGroups.length;
    if (doubleColon < 0 ? count != 8 : count > 7) {
      return null;
    }
    byte[] out = new byte[16];
    for (int i = 0; i < leftGroups.length; i++) {
      out[2 * i] = (byte) (leftGroups[i] >>> 8);
      out[2 * i + 1] = (byte) leftGroups[i];
    }
    int offset = 8 - rightGroups.length;
    for (int i = 0; i < rightGroups.length; i++) {
      out[2 * (offset + i)] = (byte) (rightGroups[i] >>> 8);
      out[2 * (offset + i) + 1] = (byte) rightGroups[i];
    }
    return out;
  }

  /** Colon-separated groups of 1–4 hex digits; "" is no group; null if any group is malformed. */
  private static int[] groups(String part) {
    if (part.isEmpty()) {
      return new int[0];
    }
    String[] split = part.split(":", -1);
    if (split.length > 8) {
      return null;
    }
    int[] out = new int[split.length];
    for (int i = 0; i < split.length; i++) {
      String group = split[i];
      if (group.isEmpty() || group.length() > 4) {
        return null;
      }
      int value = 0;
      for (int j = 0; j < group.length(); j++) {
        int digit = hexDigit(group.charAt(j));
        if (digit < 0) {
          return null;
        }
        value = value * 16 + digit;
      }
      out[i] = value;
    }
    return out;
  }

  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** {@code ::ffff:a.b.c.d} → {@code a.b.c.d}; anything else unchanged. */
  private static byte[] unmapped(byte[] address) {
    if (address.length != 16) {
      return address;
    }
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return address;
      }
    }
    if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
      return address;
    }
    return Arrays.copyOfRange(address, 12, 16);
  }
}
