package dev.tributary.gateway.ingest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * The one rule for which characters a string the gateway forwards may hold (README, "Text
 * hygiene"). PostgreSQL's {@code text} cannot hold NUL, control characters break log lines and CSV
 * exports, and invisible or bidirectional formatting characters make ids and URLs that look like
 * others. Refused in every checked field:
 *
 * <ul>
 *   <li>C0 controls U+0000–U+001F, tab and line breaks included, and DEL U+007F;
 *   <li>C1 controls U+0080–U+009F;
 *   <li>the line and paragraph separators U+2028, U+2029;
 *   <li>unpaired UTF-16 surrogates (a JSON {@code "\ud800"} escape parses to one);
 *   <li>Unicode noncharacters: U+FDD0–U+FDEF and the last two code points of every plane (U+FFFE,
 *       U+FFFF, U+1FFFE, …).
 * </ul>
 *
 * <p>{@link Rule#IDENTIFIER} (ids, emails, URLs, utm values, timestamps) also refuses invisible and
 * bidirectional formatting characters: U+061C, U+200B–U+200F, U+202A–U+202E, U+2060, U+2066–U+2069
 * and U+FEFF. One exception: a zero-width joiner U+200D between two emoji, as in 👩‍💻, is part of
 * the emoji and cannot disguise a letter. {@link Rule#TEXT} (free text such as a refund's {@code
 * reason}) keeps them: right-to-left text needs its marks.
 *
 * <p>Reasons name the code point and its index, never the value (it may be an email address).
 */
final class TextHygiene {

  /** Which characters a field refuses besides the ones every field refuses. */
  enum Rule {
    /** Free text: controls, separators, surrogates and noncharacters are refused. */
    TEXT,
    /** Ids, emails, URLs, utm values: also invisible and bidirectional formatting characters. */
    IDENTIFIER
  }

  /**
   * The click ids the tracker treats as a campaign (README, "Tracker"); their values in a URL's
   * query are checked like utm tags.
   */
  static final Set<String> CLICK_IDS =
      Set.of(
          "gclid",
          "gbraid",
          "wbraid",
          "fbclid",
          "msclkid",
          "ttclid",
          "li_fat_id",
          "twclid",
          "dclid",
          "epik",
          "rdt_cid");

  private static final int ZWJ = 0x200D;
  private static final int VARIATION_SELECTOR_16 = 0xFE0F;

  private TextHygiene() {}

  /** Null if {@code value} is acceptable under {@code rule}, else the reason for a 400. */
  static String problem(CharSequence value, Rule rule) {
    int length = value.length();
    for (int i = 0; i < length; ) {
      char c = value.charAt(i);
      int cp;
      if (Character.isHighSurrogate(c)
          && i + 1 < length
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        cp = Character.toCodePoint(c, value.charAt(i + 1));
      } else if (Character.isSurrogate(c)) {
        return "must not contain unpaired UTF-16 surrogates (U+" + hex(c) + " at index " + i + ")";
      } else {
        cp = c;
      }
      String what = refused(cp, rule);
      if (what != null && !(cp == ZWJ && joinsEmoji(value, i))) {
        return "must not contain " + what + " (U+" + hex(cp) + " at index " + i + ")";
      }
      i += Character.charCount(cp);
    }
    return null;
  }

  /**
   * Null if the URL is acceptable, else the reason. Three checks, the first failing one reported:
   *
   * <ol>
   *   <li>the URL as sent, under {@link Rule#IDENTIFIER} (a browser's {@code location.href} is
   *       percent-encoded, so these come only from hand-made calls);
   *   <li>every query parameter decoded as the job decodes it ({@code +} is a space, {@code %XX}
   *       are UTF-8 bytes): {@code utm_*} and click-id values under {@link Rule#IDENTIFIER} (the
   *       job reads the utm tags from the query when the tracker did not send them), every other
   *       key and value under {@link Rule#TEXT};
   *   <li>every percent-escape anywhere, path and fragment included, decoded under {@link
   *       Rule#TEXT}: {@code %00} or {@code %0A} in a path is no real landing page.
   * </ol>
   *
   * A malformed escape ({@code %zz}, a lone {@code %}) is left alone: browsers keep it as typed,
   * and the job reads no query from a URL it cannot parse.
   */
  static String urlProblem(String url) {
    String raw = problem(url, Rule.IDENTIFIER);
    if (raw != null) {
      return raw;
    }
    int hash = url.indexOf('#');
    String beforeFragment = hash < 0 ? url : url.substring(0, hash);
    int question = beforeFragment.indexOf('?');
    if (question >= 0) {
      String query = beforeFragment.substring(question + 1);
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq), true);
        String keyProblem = problem(key, Rule.TEXT);
        if (keyProblem != null) {
          return "query parameter names " + keyProblem;
        }
        if (eq < 0) {
          continue;
        }
        String lower = key.toLowerCase(Locale.ROOT);
        Rule rule =
            lower.startsWith("utm_") || CLICK_IDS.contains(lower) ? Rule.IDENTIFIER : Rule.TEXT;
        String valueProblem = problem(decode(pair.substring(eq + 1), true), rule);
        if (valueProblem != null) {
          return "query parameter " + printable(key) + " " + valueProblem + " once decoded";
        }
      }
    }
    String decoded = problem(decode(url, false), Rule.TEXT);
    return decoded == null ? null : "percent-decoded, " + decoded;
  }

  /**
   * Percent-decodes {@code text} as UTF-8 (a malformed sequence becomes U+FFFD, as in the job's
   * {@code URLDecoder}); malformed escapes stay as they are.
   */
  static String decode(String text, boolean plusIsSpace) {
    if (text.indexOf('%') < 0 && !(plusIsSpace && text.indexOf('+') >= 0)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < text.length(); ) {
      char c = text.charAt(i);
      if (c == '%' && isHex(text, i + 1) && isHex(text, i + 2)) {
        bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
        i += 3;
        continue;
      }
      if (bytes.size() > 0) {
        out.append(bytes.toString(StandardCharsets.UTF_8));
        bytes.reset();
      }
      out.append(plusIsSpace && c == '+' ? ' ' : c);
      i++;
    }
    if (bytes.size() > 0) {
      out.append(bytes.toString(StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  private static boolean isHex(String text, int index) {
    return index < text.length() && Character.digit(text.charAt(index), 16) >= 0;
  }

  /** What kind of refused character {@code cp} is, or null if {@code rule} allows it. */
  private static String refused(int cp, Rule rule) {
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
      return "control characters";
    }
    if (cp == 0x2028 || cp == 0x2029) {
      return "line or paragraph separators";
    }
    if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
      return "Unicode noncharacters";
    }
    if (rule == Rule.IDENTIFIER && isInvisibleFormatting(cp)) {
      return "invisible or bidirectional formatting characters";
    }
    return null;
  }

  private static boolean isInvisibleFormatting(int cp) {
    return cp == 0x061C
        || (cp >= 0x200B && cp <= 0x200F)
        || (cp >= 0x202A && cp <= 0x202E)
        || cp == 0x2060
        || (cp >= 0x2066 && cp <= 0x2069)
        || cp == 0xFEFF;
  }

  /**
   * Whether the zero-width joiner at {@code index} sits inside an emoji sequence: after an emoji
   * outside the BMP, a skin tone or VS16, and before an emoji outside the BMP or a BMP symbol (♀,
   * ♂, ❤, ⬛, …).
   */
  private static boolean joinsEmoji(CharSequence value, int index) {
    if (index == 0 || index + 1 >= value.length()) {
      return false;
    }
    int before = Character.codePointBefore(value, index);
    int after = Character.codePointAt(value, index + 1);
    boolean emojiBefore = before >= 0x1F000 || before == VARIATION_SELECTOR_16;
    boolean emojiAfter =
        after >= 0x1F000
            || (after >= 0x2600 && after <= 0x27BF)
            || (after >= 0x2B00 && after <= 0x2BFF);
    return emojiBefore && emojiAfter;
  }

  /** A name already checked under {@link Rule#TEXT}, shortened for a message. */
  private static String printable(String name) {
    return name.length() <= 32 ? name : name.substring(0, 32) + "…";
  }

  private static String hex(int cp) {
    return String.format(Locale.ROOT, "%04X", cp);
  }
}
