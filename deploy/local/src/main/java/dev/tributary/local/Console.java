package dev.tributary.local;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The runner's console output. This module is a command-line tool, so it talks to the person at the
 * terminal on stdout; the components' own logs go through SLF4J/Log4j (warnings only by default,
 * see {@code log4j2-local.xml}).
 */
public final class Console {

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final PrintStream out;

  public Console(PrintStream out) {
    this.out = out;
  }

  /** The process's stdout. */
  public static Console stdout() {
    return new Console(System.out);
  }

  public synchronized void line(String text) {
    out.println(text);
    out.flush();
  }

  public synchronized void line(String format, Object... args) {
    out.println(String.format(format, args));
    out.flush();
  }

  /** A progress line with the wall-clock time. */
  public void step(String format, Object... args) {
    line("[" + LocalTime.now().truncatedTo(ChronoUnit.SECONDS).format(CLOCK) + "] " + format, args);
  }

  /** Prints a multi-line block at once, so that other threads do not interleave with it. */
  public synchronized void block(String text) {
    out.print(text.endsWith("\n") ? text : text + "\n");
    out.flush();
  }
}
