package dev.tributary.gateway.ingest;

import dev.tributary.gateway.net.IpAddress;
import dev.tributary.gateway.net.TrustedProxies;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Who a request comes from, for the per-client rate limit.
 *
 * <p>The TCP peer is the client unless it is one of the {@linkplain TrustedProxies trusted
 * proxies}; only then is {@code X-Forwarded-For} read, from the right: each entry there was
 * appended by the hop to its right, so entries are skipped while they are trusted proxies too, and
 * the first address that is not a trusted proxy is the client. Entries further left were written by
 * whoever the client is and are never looked at, so a client cannot choose its own address by
 * sending the header. An entry that is not an IP address ({@code unknown}, a host name, garbage)
 * stops the walk: the client is then the nearest trusted hop known, which may make many clients
 * share one bucket but never lets one pick a fresh bucket. At most {@link #MAX_HOPS} entries are
 * examined.
 *
 * <p>The answer is a rate-limit key ({@link IpAddress#clientKey()}): an IPv4 address, or the /64
 * prefix of an IPv6 address.
 */
final class ClientAddress {

  /** The longest chain of trusted proxies walked through; a real one has two or three. */
  static final int MAX_HOPS = 16;

  private final TrustedProxies trusted;

  ClientAddress(TrustedProxies trusted) {
    this.trusted = trusted;
  }

  /** The rate-limit key of the request's client. */
  String of(Context ctx) {
    String peer = ctx.req().getRemoteAddr();
    List<String> forwarded = List.of();
    if (!trusted.isEmpty()) {
      Enumeration<String> headers = ctx.req().getHeaders("X-Forwarded-For");
      forwarded = headers == null ? List.of() : Collections.list(headers);
    }
    return keyOf(peer, forwarded);
  }

  /**
   * The rate-limit key for a request from {@code peer} (the servlet remote address) carrying these
   * {@code X-Forwarded-For} header lines, in order.
   */
  String keyOf(String peer, List<String> forwardedFor) {
    IpAddress client = client(peer, forwardedFor);
    // A peer that is not an IP address (not seen with TCP) is its own key.
    return client == null ? "peer:" + peer : client.clientKey();
  }

  /** The client's address, or null if {@code peer} is not an IP address. */
  IpAddress client(String peer, List<String> forwardedFor) {
    IpAddress nearest = IpAddress.parseEndpoint(peer);
    if (nearest == null || !trusted.contains(nearest)) {
      return nearest;
    }
    List<String> entries = new ArrayList<>();
    for (String header : forwardedFor) {
      Collections.addAll(entries, header.split(",", -1));
    }
    for (int i = entries.size() - 1, seen = 0; i >= 0 && seen < MAX_HOPS; i--, seen++) {
      IpAddress hop = IpAddress.parseEndpoint(entries.get(i));
      if (hop == null) {
        return nearest;
      }
      if (!trusted.contains(hop)) {
        return hop;
      }
      nearest = hop;
    }
    return nearest;
  }
}
