package dev.tributary.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/**
 * The local stack's one site, {@value #SITE_ID}: a Stripe test endpoint secret and a Payment API
 * key, generated on the first start and kept in {@code <data>/demo-site.properties} so that they
 * stay the same across restarts (and curl commands keep working). These are local development
 * credentials of a local gateway, not real Stripe secrets.
 */
public final class DemoSite {

  public static final String SITE_ID = "demo";
  static final String FILE = "demo-site.properties";

  private DemoSite() {}

  /** Reads the site's credentials from {@code dataDir}, creating them on the first start. */
  public static LocalStack.Site loadOrCreate(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    Properties props = new Properties();
    if (Files.exists(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        props.load(in);
      }
    }
    String secret = props.getProperty("stripe.secret");
    String apiKey = props.getProperty("api.key");
    if (secret == null || !secret.startsWith("whsec_") || apiKey == null || apiKey.isBlank()) {
      LocalStack.Site site = generate();
      props.setProperty("site.id", site.siteId());
      props.setProperty("stripe.secret", site.stripeSecret());
      props.setProperty("api.key", site.apiKey());
      Files.createDirectories(dataDir);
      try (OutputStream out = Files.newOutputStream(file)) {
        props.store(out, "Tributary local runner: credentials of the local demo site");
      }
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system; the file stays with the default permissions.
      }
      return site;
    }
    return new LocalStack.Site(SITE_ID, secret, apiKey);
  }

  /** Fresh random credentials for the demo site. */
  public static LocalStack.Site generate() {
    return new LocalStack.Site(
        SITE_ID, "whsec_" + StripeEvents.randomId(32), "tk_local_" + StripeEvents.randomId(32));
  }
}
