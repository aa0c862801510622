package dev.tributary.gateway.verify;

import java.time.Instant;
import java.util.List;

/**
 * For providers that do not sign at all (Gumroad's pings): the webhook URL carries a secret token,
 * {@code /webhooks/gumroad/{siteId}/{token}}, and the request is authentic if the token is one of
 * the site's configured tokens (several during a rotation). The body is not covered by anything, so
 * this is only as strong as the token's secrecy: use a long random one and HTTPS.
 *
 * <p>The token reaches the verifier as the pseudo-header {@value #TOKEN} (HTTP/2's convention for
 * request parts that are not headers; no HTTP/1.1 header name can contain ':'), so that this scheme
 * fits the same interface as the signing ones. Tokens are compared as SHA-256 digests, so that
 * neither their content nor their length shows in the answer time.
 */
public final class UrlTokenVerifier implements WebhookVerifier {

  /** The pseudo-header under which the handler passes the URL's token. */
  public static final String TOKEN = ":token";

  @Override
  public Verification verify(byte[] body, Headers headers, List<String> secrets, Instant now) {
    if (headers.firstMissing(TOKEN) != null) {
      return Verification.malformed("the URL has no token");
    }
    List<byte[]> presented = List.of(Signing.sha256(Signing.utf8(headers.get(TOKEN))));
    List<byte[]> expected = secrets.stream().map(t -> Signing.sha256(Signing.utf8(t))).toList();
    if (!Signing.anyEqual(expected, presented)) {
      return Verification.rejected("the URL token matches none of the site's tokens");
    }
    return Verification.valid();
  }
}
