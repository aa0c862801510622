package dev.tributary.job.base;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "a\\u0000b|ab",
        "tab\\there|tabhere",
        "line\\nbreak\\r|linebreak",
        "\\u007fdel|del",
        "\\u0085nel|nel",
        "\\u202eevil\\u202c|evil",
        "zero\\u200bwidth\\ufeff|zerowidth",
        "lone\\ud800|lone",
        "\\udc00lone|lone",
        "end\\uffff|end"
      })
  void controlsBidiZeroWidthAndLoneSurrogatesAreDropped(String in, String out) {
    assertThat(Text.clean(unescape(in))).isEqualTo(out);
  }

  @Test
  void ordinaryUnicodeIsKeptAndCleanTextIsReturnedAsItIs() {
    String s = "été 中文 🙂🚀 👩\u200d💻";
    assertThat(Text.clean("été 中文 🙂🚀")).isEqualTo("été 中文 🙂🚀");
    String clean = "plain-ascii_1";
    assertThat(Text.clean(clean)).isSameAs(clean);
    // the zero-width joiner inside an emoji sequence goes too: ids never need it
    assertThat(Text.clean(s)).isEqualTo("été 中文 🙂🚀 👩💻");
    assertThat(Text.clean(null)).isNull();
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && s.charAt(i + 1) == 'u') {
        b.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
        i += 5;
      } else if (c == '\\' && s.charAt(i + 1) == 't') {
        b.append('\t');
        i++;
      } else if (c == '\\' && s.charAt(i + 1) == 'n') {
        b.append('\n');
        i++;
      } else if (c == '\\' && s.charAt(i + 1) == 'r') {
        b.append('\r');
        i++;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
