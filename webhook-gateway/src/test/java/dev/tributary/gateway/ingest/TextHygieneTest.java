package dev.tributary.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.gateway.ingest.TextHygiene.Rule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextHygieneTest {

  @Test
  void ordinaryUnicodeIsClean() {
    for (String text :
        List.of(
            "",
            "v_1.a:b-c",
            "été-2026",
            "Zoë’s \"order\" ✓ 😀 🚀",
            "夏のセール",
            "https://acme.com/商品/カタログ?utm_campaign=été",
            "ünïcode ✓",
            "नमस्ते", // Devanagari with a virama, no joiner
            "👩‍💻 launch", // ZWJ emoji sequence
            "🏃‍♀️ run", // ZWJ before a BMP symbol
            "❤️‍🔥", // ZWJ after VS16
            "🧑🏽‍💻", // ZWJ after a skin tone
            "\uD83D\uDE00", // a surrogate pair
            "\uFFFD", // the replacement character is a character
            "\u00A0\u00AD\u00E9")) { // first code points after the C1 block
      for (Rule rule : Rule.values()) {
        assertThat(TextHygiene.problem(text, rule)).as("%s %s", rule, text).isNull();
      }
    }
  }

  @Test
  void everyC0AndC1ControlAndDelIsRefusedEverywhere() {
    List<Integer> refused = new ArrayList<>();
    for (int cp = 0; cp <= 0xA0; cp++) {
      String text = "a" + Character.toString(cp) + "b";
      if (TextHygiene.problem(text, Rule.TEXT) != null) {
        assertThat(TextHygiene.problem(text, Rule.IDENTIFIER))
            .isEqualTo(TextHygiene.problem(text, Rule.TEXT))
            .isEqualTo("must not contain control characters (U+%04X at index 1)".formatted(cp));
        refused.add(cp);
      }
    }
    List<Integer> expected = new ArrayList<>();
    for (int cp = 0; cp <= 0x9F; cp++) {
      if (cp < 0x20 || cp >= 0x7F) {
        expected.add(cp);
      }
    }
    // Tab, line feed and carriage return included: no checked field needs layout.
    assertThat(refused).contains(0x09, 0x0A, 0x0D).isEqualTo(expected);
  }

  @Test
  void separatorsSurrogatesAndNoncharactersAreRefusedEverywhere() {
    for (Rule rule : Rule.values()) {
      assertThat(TextHygiene.problem("a\u2028", rule))
          .isEqualTo("must not contain line or paragraph separators (U+2028 at index 1)");
      assertThat(TextHygiene.problem("\u2029", rule)).contains("U+2029");
      assertThat(TextHygiene.problem("ab\uD800", rule))
          .isEqualTo("must not contain unpaired UTF-16 surrogates (U+D800 at index 2)");
      assertThat(TextHygiene.problem("\uDC00ab", rule)).contains("U+DC00 at index 0");
      assertThat(TextHygiene.problem("a\uDE00\uD83D", rule)).contains("U+DE00 at index 1");
      assertThat(TextHygiene.problem("x\uFFFE", rule))
          .isEqualTo("must not contain Unicode noncharacters (U+FFFE at index 1)");
      assertThat(TextHygiene.problem("\uFFFF", rule)).contains("U+FFFF");
      assertThat(TextHygiene.problem("\uFDD0", rule)).contains("noncharacters");
      assertThat(TextHygiene.problem("\uFDEF", rule)).contains("noncharacters");
      assertThat(TextHygiene.problem("\uFDCF\uFDF0", rule)).isNull();
      assertThat(TextHygiene.problem("a" + Character.toString(0x1FFFF), rule))
          .contains("U+1FFFF at index 1");
      assertThat(TextHygiene.problem(Character.toString(0x10FFFE), rule)).contains("U+10FFFE");
    }
  }

  @ParameterizedTest
  @ValueSource(
      ints = {
        0x061C, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
        0x2060, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF
      })
  void invisibleAndBidiFormattingIsRefusedInIdentifiersOnly(int cp) {
    String text = "v_" + Character.toString(cp) + "1";

    assertThat(TextHygiene.problem(text, Rule.IDENTIFIER))
        .isEqualTo(
            "must not contain invisible or bidirectional formatting characters (U+%04X at index 2)"
                .formatted(cp));
    assertThat(TextHygiene.problem(text, Rule.TEXT)).isNull();
  }

  @Test
  void aZeroWidthJoinerOutsideAnEmojiSequenceIsRefused() {
    for (String text : List.of("\u200D😀", "😀\u200D", "a\u200Db", "😀\u200Db", "a\u200D😀")) {
      assertThat(TextHygiene.problem(text, Rule.IDENTIFIER)).as(text).contains("U+200D");
    }
  }

  @Test
  void theFirstProblemIsReportedWithoutTheValue() {
    String problem = TextHygiene.problem("ada@example.com\u0000\u202E", Rule.IDENTIFIER);

    assertThat(problem).isEqualTo("must not contain control characters (U+0000 at index 15)");
  }

  @Test
  void urlsAreCheckedRawDecodedAndPerQueryParameter() {
    for (String url :
        List.of(
            "https://acme.com/pricing?utm_source=google&utm_medium=cpc",
            "https://acme.com/?utm_campaign=%C3%A9t%C3%A9-2026",
            "https://acme.com/?utm_campaign=été-2026",
            "https://acme.com/?utm_campaign=%F0%9F%9A%80+launch",
            "https://acme.com/%E5%95%86%E5%93%81/カタログ",
            "https://fa.wikipedia.org/wiki/%D9%86%DB%8C%D9%85%E2%80%8C%D9%81%D8%A7%D8%B5%D9%84%D9%87",
            "https://acme.com/?q=100%&d=%zz&e=%",
            "https://acme.com/?bad=%C3%28",
            "https://acme.com/?note=%E2%80%8Fx#frag%20ment",
            "/relative/path?gclid=abc",
            "https://acme.com/?flag&=x&a==b")) {
      assertThat(TextHygiene.urlProblem(url)).as(url).isNull();
    }
  }

  @Test
  void urlsWithEncodedControlsAreRefused() {
    assertThat(TextHygiene.urlProblem("https://acme.com/?utm_campaign=a%00b"))
        .isEqualTo(
            "query parameter utm_campaign must not contain control characters"
                + " (U+0000 at index 1) once decoded");
    assertThat(TextHygiene.urlProblem("https://acme.com/?x=1&UTM_Source=%0A"))
        .contains("query parameter UTM_Source", "U+000A");
    assertThat(TextHygiene.urlProblem("https://acme.com/?gclid=abc%7F"))
        .contains("gclid", "U+007F");
    assertThat(TextHygiene.urlProblem("https://acme.com/?utm_term=%C2%85")).contains("U+0085");
    assertThat(TextHygiene.urlProblem("https://acme.com/?utm_content=%E2%80%AEgpj.exe"))
        .contains("utm_content", "U+202E");
    assertThat(TextHygiene.urlProblem("https://acme.com/?fbclid=a%E2%80%8Bb")).contains("U+200B");
    assertThat(TextHygiene.urlProblem("https://acme.com/?utm_campaign=%EF%BF%BF"))
        .contains("U+FFFF");
    // Other parameters may carry formatting characters, not controls.
    assertThat(TextHygiene.urlProblem("https://acme.com/?q=%E2%80%AE")).isNull();
    assertThat(TextHygiene.urlProblem("https://acme.com/?q=a%0Db")).contains("query parameter q");
    assertThat(TextHygiene.urlProblem("https://acme.com/?utm%00_source=x"))
        .startsWith("query parameter names must not contain control characters");
    assertThat(TextHygiene.urlProblem("https://acme.com/a%0Ab"))
        .isEqualTo("percent-decoded, must not contain control characters (U+000A at index 18)");
    assertThat(TextHygiene.urlProblem("https://acme.com/#x%00")).contains("U+0000");
    assertThat(TextHygiene.urlProblem("https://acme.com/a\u202Eb"))
        .contains("invisible or bidirectional", "U+202E");
    assertThat(TextHygiene.urlProblem("https://acme.com/\u0000")).contains("control characters");
  }

  @Test
  void decodesLikeTheJobsUrlDecoder() {
    assertThat(TextHygiene.decode("a+b%20c%C3%A9", true)).isEqualTo("a b cé");
    assertThat(TextHygiene.decode("a+b", false)).isEqualTo("a+b");
    assertThat(TextHygiene.decode("%zz%4", true)).isEqualTo("%zz%4");
    assertThat(TextHygiene.decode("%C3", true)).isEqualTo("\uFFFD");
    assertThat(TextHygiene.decode("%f0%9f%98%80", true)).isEqualTo("😀");
  }
}
