package dev.tributary.job.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The environment variables the gateway's code reads, found in its sources. */
final class GatewayVariables {
  final Set<String> fixed = new TreeSet<>();
  final Set<String> providers = new TreeSet<>();
  String sitePrefix;

  static GatewayVariables read(Path sources) throws IOException {
    GatewayVariables v = new GatewayVariables();
    Pattern literal = Pattern.compile("\"(TRIBUTARY_[A-Z0-9_]*)\"");
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher m = literal.matcher(Files.readString(file));
        while (m.find()) {
          if (m.group(1).endsWith("_")) {
            v.sitePrefix = m.group(1);
          } else {
            v.fixed.add(m.group(1));
          }
        }
      }
    }
    String providers =
        Files.readString(sources.resolve("dev/tributary/gateway/config/WebhookProviders.java"));
    Matcher m =
        Pattern.compile("public static final String [A-Z_]+ = \"([a-z]+)\";").matcher(providers);
    while (m.find()) {
      v.providers.add(m.group(1));
    }
    String environment =
        Files.readString(sources.resolve("dev/tributary/gateway/config/EnvironmentConfig.java"));
    assertThat(environment)
        .contains("SECRETS_SUFFIX = \"_SECRETS\"", "API_KEYS_SUFFIX = \"_API_KEYS\"");
    assertThat(v.sitePrefix).isEqualTo("TRIBUTARY_SITE_");
    return v;
  }

  /** {@code name} is a fixed variable, or a per-site one naming a configured site and provider. */
  void assertReads(String name, Set<String> siteIds, String where) {
    if (fixed.contains(name)) {
      return;
    }
    assertThat(name)
        .as("%s: %s is a variable the gateway reads", where, name)
        .startsWith(sitePrefix);
    String rest = name.substring(sitePrefix.length());
    String envId;
    if (rest.endsWith("_API_KEYS")) {
      envId = rest.substring(0, rest.length() - "_API_KEYS".length());
    } else {
      assertThat(rest).as("%s: %s", where, name).endsWith("_SECRETS");
      String idAndProvider = rest.substring(0, rest.length() - "_SECRETS".length());
      int cut = idAndProvider.lastIndexOf('_');
      assertThat(cut).as("%s: %s names a site and a provider", where, name).isPositive();
      assertThat(providers)
          .as("%s: provider of %s", where, name)
          .contains(idAndProvider.substring(cut + 1).toLowerCase(Locale.ROOT));
      envId = idAndProvider.substring(0, cut);
    }
    Set<String> envIds =
        siteIds.stream()
            .map(id -> id.toUpperCase(Locale.ROOT).replace('-', '_'))
            .collect(Collectors.toSet());
    // the gateway refuses to start when a per-site variable names no site of the sites file
    assertThat(envIds).as("%s: site of %s is in the sites file", where, name).contains(envId);
  }
}
