package dev.tributary.gateway.net;

import java.util.ArrayList;
import java.util.List;

/**
 * The networks of the reverse proxies in front of the gateway, whose {@code X-Forwarded-For} the
 * gateway believes ({@code TRIBUTARY_TRUSTED_PROXIES}). Empty: the header is never read.
 */
public record TrustedProxies(List<Cidr> networks) {

  public static final TrustedProxies NONE = new TrustedProxies(List.of());

  public TrustedProxies {
    networks = List.copyOf(networks);
  }

  /** Comma-separated networks or addresses; blank is none. */
  public static TrustedProxies parse(String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) {
      return NONE;
    }
    List<Cidr> networks = new ArrayList<>();
    for (String part : commaSeparated.split(",")) {
      if (!part.isBlank()) {
        networks.add(Cidr.parse(part));
      }
    }
    return new TrustedProxies(networks);
  }

  public boolean isEmpty() {
    return networks.isEmpty();
  }

  /** Whether {@code address} is one of the trusted proxies. */
  public boolean contains(IpAddress address) {
    for (Cidr network : networks) {
      if (network.contains(address)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return networks.toString();
  }
}
