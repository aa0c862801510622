package dev.tributary.gateway.ingest;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The address a request comes from, for per-client limits. Without trusted proxies it is the TCP
 * peer: {@code X-Forwarded-For} is ignored, since any client can send one. Behind {@code n} reverse
 * proxies that each append the address they saw, the client is the {@code n}-th entry from the
 * right; entries further left were written by the client and are never used.
 */
final class ClientAddress {

  /** Longer entries are not addresses; the connection's address is used instead. */
  private static final int MAX_LENGTH = 64;

  private final int trustedProxyHops;

  ClientAddress(int trustedProxyHops) {
    this.trustedProxyHops = trustedProxyHops;
  }

  String of(Context ctx) {
    String peer = ctx.req().getRemoteAddr();
    if (trustedProxyHops == 0) {
      return peer;
    }
    List<String> chain = new ArrayList<>();
    Enumeration<String> headers = ctx.req().getHeaders("X-Forwarded-For");
    for (String header : headers == null ? List.<String>of() : Collections.list(headers)) {
      for (String entry : header.split(",")) {
        chain.add(entry.trim());
      }
    }
    if (chain.size() < trustedProxyHops) {
      // Not through the whole proxy chain: the peer is the best that can be said.
      return peer;
    }
    String client = chain.get(chain.size() - trustedProxyHops);
    return client.isEmpty() || client.length() > MAX_LENGTH ? peer : client;
  }
}
