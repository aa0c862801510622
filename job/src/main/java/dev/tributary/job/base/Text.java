package dev.tributary.job.base;

/**
 * What text the job keeps from anything it reads. The gateway refuses control characters in what
 * trackers and the Payment API send, but provider webhooks are forwarded as signed, records already
 * in Kafka predate any rule, and other producers may write to the topics; so the job cleans again.
 * PostgreSQL's {@code text} cannot hold NUL (a whole batch was refused for one), and control,
 * bidi-override and zero-width characters make ids that look alike but differ and break logs and
 * CSV exports.
 */
public final class Text {
  private Text() {}

  /**
   * {@code s} without C0 and C1 control characters, DEL, lone surrogates, the noncharacters
   * U+FFFE/U+FFFF, bidi controls and zero-width characters; {@code s} itself when it has none (the
   * common case allocates nothing).
   */
  public static String clean(String s) {
    if (s == null) {
      return null;
    }
    int n = s.length();
    int i = 0;
    while (i < n && keep(s, i)) {
      i++;
    }
    if (i == n) {
      return s;
    }
    StringBuilder b = new StringBuilder(n);
    b.append(s, 0, i);
    for (; i < n; i++) {
      if (keep(s, i)) {
        b.append(s.charAt(i));
      }
    }
    return b.toString();
  }

  private static boolean keep(String s, int i) {
    char c = s.charAt(i);
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
      return false;
    }
    if (c >= 0x200B && c <= 0x200F
        || c >= 0x202A && c <= 0x202E
        || c >= 0x2066 && c <= 0x2069
        || c == 0xFEFF
        || c == 0xFFFE
        || c == 0xFFFF) {
      return false;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
    return true;
  }
}
