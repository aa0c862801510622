package dev.tributary.job.ops;

import dev.tributary.job.base.MalformedPayloadException;
import dev.tributary.job.base.MinorUnits;
import dev.tributary.job.base.Text;
import dev.tributary.job.payments.CurrencyExponents;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.sessions.ChannelClassifier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the warehouse's reference data from CSV files: exchange rates ({@code fx_rates}) and ad
 * spend ({@code campaign_spend}). Rows are upserted: a row with the key of an existing one replaces
 * its value. A file loads completely or not at all: every line is checked first (all bad lines are
 * reported, each with its line number and the reason), then all rows are written in one
 * transaction.
 *
 * <p>Formats (UTF-8, comma-separated, a header line first, fields may be double-quoted with {@code
 * ""} for a quote, blank lines ignored):
 *
 * <ul>
 *   <li>{@code fx}: {@code day,base,quote,rate}, e.g. {@code 2025-01-31,EUR,USD,1.0832}: on {@code
 *       day}, 1 {@code base} = {@code rate} {@code quote}. ISO dates, ISO 4217 codes, a positive
 *       plain decimal rate.
 *   <li>{@code spend}: {@code day,site_id,source,medium,campaign,currency,amount}, e.g. {@code
 *       2025-01-31,demo,google,cpc,spring_sale,USD,1234.50}: the amount is a plain non-negative
 *       decimal in major units, converted exactly to minor units with the currency's ISO 4217
 *       exponent (more decimals than the currency has is an error, e.g. {@code 10.5} JPY).
 *   <li>{@code promo}: {@code site_id,code,campaign,source,medium,channel,valid_from,valid_to},
 *       e.g. {@code demo,SPRING20,spring_sale,newsletter,email,Email,2025-03-01,2025-03-31}: a
 *       payment with no visitor that carries the code (in any case) on a day from {@code
 *       valid_from} to {@code valid_to} (inclusive, the site's time zone; empty is open) is
 *       credited to the campaign (V11). {@code channel} is one of the channel groups sessions get
 *       ({@link ChannelClassifier#GROUPS}); source and medium may be empty. After the upsert the
 *       site's payments with a code are credited anew ({@code apply_promo_codes}), so codes loaded
 *       after their payments count too.
 * </ul>
 *
 * <p>Command line: {@code java -cp tributary-job-<version>-all.jar
 * dev.tributary.job.ops.ReferenceData fx|spend|promo <jdbc-url> <user> <file.csv>} with the
 * password in {@code TRIBUTARY_JDBC_PASSWORD}.
 */
public final class ReferenceData {
  private static final Logger LOG = LoggerFactory.getLogger(ReferenceData.class);

  static final List<String> FX_HEADER = List.of("day", "base", "quote", "rate");
  static final List<String> SPEND_HEADER =
      List.of("day", "site_id", "source", "medium", "campaign", "currency", "amount");
  static final List<String> PROMO_HEADER =
      List.of(
          "site_id", "code", "campaign", "source", "medium", "channel", "valid_from", "valid_to");

  private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?");

  private ReferenceData() {}

  /** What a file holds. */
  public enum Kind {
    FX,
    SPEND,
    PROMO;

    static Kind of(String name) {
      try {
        return valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown kind " + name + " (fx, spend or promo)");
      }
    }
  }

  /** A file that cannot be loaded; {@link #problems()} lists every bad line. */
  public static final class BadFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    BadFileException(List<String> problems) {
      super(
          problems.size()
              + " bad line(s), nothing loaded:"
              + System.lineSeparator()
              + String.join(System.lineSeparator(), problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  /** On {@code day}, 1 {@code base} = {@code rate} {@code quote}. */
  record FxRate(LocalDate day, String base, String quote, BigDecimal rate) {
    /** The table's key: a file may give one rate per day and pair. */
    String key() {
      return day + "/" + base + "/" + quote;
    }
  }

  /** Spend of one day and campaign, in exact minor units. */
  record Spend(
      LocalDate day,
      String siteId,
      String source,
      String medium,
      String campaign,
      String currency,
      long amountMinor,
      int exponent) {
    /** The table's key: a file may give one amount per day, campaign and currency. */
    String key() {
      return String.join("\u0000", day.toString(), siteId, source, medium, campaign, currency);
    }
  }

  /** A promotion code and the campaign it stands for; null dates are open. */
  record PromoCode(
      String siteId,
      String code,
      String campaign,
      String source,
      String medium,
      String channel,
      LocalDate validFrom,
      LocalDate validTo) {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      throw new IllegalArgumentException(
          "usage: ReferenceData fx|spend|promo <jdbc-url> <user> <file.csv>;"
              + " password in TRIBUTARY_JDBC_PASSWORD");
    }
    String password = System.getenv().getOrDefault("TRIBUTARY_JDBC_PASSWORD", "");
    try {
      load(Kind.of(args[0]), args[1], args[2], password, Path.of(args[3]));
    } catch (BadFileException e) {
      LOG.error("{}: {}", args[3], e.getMessage());
      System.exit(1);
    }
  }

  /** Loads {@code file} into the database at {@code jdbcUrl}; returns the number of rows. */
  public static int load(Kind kind, String jdbcUrl, String user, String password, Path file)
      throws IOException, SQLException {
    long start = System.nanoTime();
    LOG.info("checking {} ({} bytes)", file, Files.size(file));
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
        Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int rows = load(kind, c, in);
      LOG.info(
          "loaded {} {} rows from {} in {} ms",
          rows,
          kind.name().toLowerCase(Locale.ROOT),
          file,
          (System.nanoTime() - start) / 1_000_000);
      return rows;
    }
  }

  /**
   * Checks every line of {@code in}, then upserts all rows in one transaction on {@code c}.
   *
   * @throws BadFileException when a line is bad; nothing is written then
   */
  public static int load(Kind kind, Connection c, Reader in) throws IOException, SQLException {
    List<String[]> lines =
        readCsv(
            in,
            switch (kind) {
              case FX -> FX_HEADER;
              case SPEND -> SPEND_HEADER;
              case PROMO -> PROMO_HEADER;
            });
    LOG.info("{} lines checked, writing them in one transaction", lines.size());
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      int rows =
          switch (kind) {
            case FX -> writeFx(c, parseFx(lines));
            case SPEND -> writeSpend(c, parseSpend(lines));
            case PROMO -> writePromo(c, parsePromo(lines));
          };
      c.commit();
      return rows;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /**
   * The data lines of a CSV file with the expected header, as fields; element 0 of each array is
   * the line number (1-based, the header is line 1).
   */
  static List<String[]> readCsv(Reader in, List<String> header) throws IOException {
    BufferedReader r = new BufferedReader(in);
    List<String[]> rows = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    String line;
    int number = 0;
    boolean headerSeen = false;
    while ((line = r.readLine()) != null) {
      number++;
      if (number == 1 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (line.isBlank()) {
        continue;
      }
      List<String> fields;
      try {
        fields = splitCsvLine(line);
      } catch (IllegalArgumentException e) {
        problems.add("line " + number + ": " + e.getMessage());
        continue;
      }
      if (!headerSeen) {
        headerSeen = true;
        List<String> got = fields.stream().map(f -> f.trim().toLowerCase(Locale.ROOT)).toList();
        if (!got.equals(header)) {
          throw new BadFileException(
              List.of(
                  "line "
                      + number
                      + ": header must be "
                      + String.join(",", header)
                      + ", got "
                      + String.join(",", got)));
        }
        continue;
      }
      if (fields.size() != header.size()) {
        problems.add(
            "line " + number + ": " + fields.size() + " fields, expected " + header.size());
        continue;
      }
      String[] row = new String[header.size() + 1];
      row[0] = Integer.toString(number);
      for (int i = 0; i < fields.size(); i++) {
        row[i + 1] = fields.get(i).trim();
      }
      rows.add(row);
    }
    if (!headerSeen) {
      throw new BadFileException(List.of("line 1: empty file, header must be " + header));
    }
    if (!problems.isEmpty()) {
      throw new BadFileException(problems);
    }
    return rows;
  }

  /** One CSV line (RFC 4180 quoting; no line breaks inside fields). */
  static List<String> splitCsvLine(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted) {
        if (ch == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            f.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          f.append(ch);
        }
      } else if (ch == ',') {
        fields.add(f.toString());
        f.setLength(0);
        wasQuoted = false;
      } else if (ch == '"') {
        if (wasQuoted || !f.toString().isBlank()) {
          throw new IllegalArgumentException("unexpected quote in field " + (fields.size() + 1));
        }
        f.setLength(0);
        quoted = true;
        wasQuoted = true;
      } else {
        f.append(ch);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("unterminated quote");
    }
    fields.add(f.toString());
    return fields;
  }

  static List<FxRate> parseFx(List<String[]> lines) {
    return parseLines(lines, ReferenceData::fxRate, FxRate::key);
  }

  static List<Spend> parseSpend(List<String[]> lines) {
    return parseLines(lines, ReferenceData::spend, Spend::key);
  }

  /**
   * Every line read by {@code parser}, which throws for a bad one, no two with the same key; all
   * bad lines are reported together, so that one run shows everything to fix.
   *
   * @throws BadFileException when a line is bad
   */
  private static <T> List<T> parseLines(
      List<String[]> lines, Function<String[], T> parser, Function<T, String> key) {
    List<T> out = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (String[] l : lines) {
      try {
        T row = parser.apply(l);
        duplicate(seen, key.apply(row), l[0]);
        out.add(row);
      } catch (IllegalArgumentException | MalformedPayloadException e) {
        problems.add("line " + l[0] + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new BadFileException(problems);
    }
    return out;
  }

  private static FxRate fxRate(String[] l) {
    LocalDate day = day(l[1]);
    String base = currency(l[2], "base");
    String quote = currency(l[3], "quote");
    if (base.equals(quote)) {
      throw new IllegalArgumentException("base and quote are both " + base);
    }
    BigDecimal rate = decimal(l[4], "rate");
    if (rate.signum() <= 0) {
      throw new IllegalArgumentException("rate must be > 0, got " + l[4]);
    }
    return new FxRate(day, base, quote, rate);
  }

  private static Spend spend(String[] l) {
    LocalDate day = day(l[1]);
    String site = text(l[2], "site_id");
    String source = text(l[3], "source");
    String medium = text(l[4], "medium");
    String campaign = text(l[5], "campaign");
    String currency = currency(l[6], "currency");
    int exponent = CurrencyExponents.iso4217(currency);
    long minor = minorUnits(l[7], currency, exponent);
    return new Spend(day, site, source, medium, campaign, currency, minor, exponent);
  }

  static List<PromoCode> parsePromo(List<String[]> lines) {
    // codes match in any case, so SPRING20 and spring20 are the same code
    return parseLines(
        lines,
        ReferenceData::promoCode,
        p -> p.siteId() + "\u0000" + p.code().toLowerCase(Locale.ROOT));
  }

  private static PromoCode promoCode(String[] l) {
    String site = text(l[1], "site_id");
    String code = text(l[2], "code");
    // as the job keeps a payment's code, or the listed code could never match one
    if (code.length() > PaymentEvent.MAX_PROMO_CODE_LENGTH || !Text.clean(code).equals(code)) {
      throw new IllegalArgumentException(
          "code must be at most "
              + PaymentEvent.MAX_PROMO_CODE_LENGTH
              + " characters without control or invisible characters");
    }
    String campaign = text(l[3], "campaign");
    String channel = l[6];
    if (!ChannelClassifier.GROUPS.contains(channel)) {
      throw new IllegalArgumentException(
          "channel '"
              + channel
              + "' is not a channel group; one of "
              + new java.util.TreeSet<>(ChannelClassifier.GROUPS));
    }
    LocalDate from = l[7].isEmpty() ? null : day(l[7]);
    LocalDate to = l[8].isEmpty() ? null : day(l[8]);
    if (from != null && to != null && from.isAfter(to)) {
      throw new IllegalArgumentException("valid_from " + from + " is after valid_to " + to);
    }
    return new PromoCode(
        site, code, campaign, emptyToNull(l[4]), emptyToNull(l[5]), channel, from, to);
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  /** {@code amount} (major units, plain decimal) in minor units of {@code exponent}, exactly. */
  static long minorUnits(String amount, String currency, int exponent) {
    BigDecimal major = decimal(amount, "amount");
    try {
      return MinorUnits.of(major, exponent);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          e.getMessage().startsWith("more")
              ? "amount " + amount + " has more decimals than " + currency + "'s " + exponent
              : "amount " + amount + " is too large");
    }
  }

  private static void duplicate(Map<String, String> seen, String key, String line) {
    String first = seen.putIfAbsent(key, line);
    if (first != null) {
      throw new IllegalArgumentException("same key as line " + first);
    }
  }

  private static LocalDate day(String s) {
    try {
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("day must be YYYY-MM-DD, got '" + s + "'");
    }
  }

  private static String currency(String s, String field) {
    try {
      String code = CurrencyExponents.normalize(s);
      CurrencyExponents.iso4217(code);
      return code;
    } catch (MalformedPayloadException e) {
      throw new IllegalArgumentException(field + " '" + s + "' is not an ISO 4217 currency code");
    }
  }

  private static BigDecimal decimal(String s, String field) {
    if (!DECIMAL.matcher(s).matches()) {
      throw new IllegalArgumentException(
          field + " must be a plain non-negative decimal like 12.34, got '" + s + "'");
    }
    return new BigDecimal(s);
  }

  private static String text(String s, String field) {
    if (s.isEmpty()) {
      throw new IllegalArgumentException(field + " is empty");
    }
    return s;
  }

  private static int writeFx(Connection c, List<FxRate> rows) throws SQLException {
    return writeAll(
        c,
        "INSERT INTO fx_rates (day, base, quote, rate) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (day, base, quote) DO UPDATE SET rate = EXCLUDED.rate",
        rows,
        (st, r) -> {
          st.setDate(1, Date.valueOf(r.day()));
          st.setString(2, r.base());
          st.setString(3, r.quote());
          st.setBigDecimal(4, r.rate());
        });
  }

  private static int writeSpend(Connection c, List<Spend> rows) throws SQLException {
    return writeAll(
        c,
        "INSERT INTO campaign_spend (day, site_id, source, medium, campaign, currency,"
            + " amount_minor, currency_exponent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (day, site_id, source, medium, campaign, currency) DO UPDATE SET"
            + " amount_minor = EXCLUDED.amount_minor,"
            + " currency_exponent = EXCLUDED.currency_exponent",
        rows,
        (st, s) -> {
          st.setDate(1, Date.valueOf(s.day()));
          st.setString(2, s.siteId());
          st.setString(3, s.source());
          st.setString(4, s.medium());
          st.setString(5, s.campaign());
          st.setString(6, s.currency());
          st.setLong(7, s.amountMinor());
          st.setInt(8, s.exponent());
        });
  }

  /** Sets one row's parameters of an upsert. */
  @FunctionalInterface
  private interface Binder<T> {
    void bind(PreparedStatement st, T row) throws SQLException;
  }

  /** Runs {@code sql} for every row as one batch; returns the number of rows. */
  private static <T> int writeAll(Connection c, String sql, List<T> rows, Binder<T> binder)
      throws SQLException {
    try (PreparedStatement st = c.prepareStatement(sql)) {
      for (T row : rows) {
        binder.bind(st, row);
        st.addBatch();
      }
      st.executeBatch();
    }
    return rows.size();
  }

  private static int writePromo(Connection c, List<PromoCode> rows) throws SQLException {
    writeAll(
        c,
        "INSERT INTO promo_codes (site_id, code, campaign, source, medium, channel,"
            + " valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (site_id, lower(code)) DO UPDATE SET code = EXCLUDED.code,"
            + " campaign = EXCLUDED.campaign, source = EXCLUDED.source,"
            + " medium = EXCLUDED.medium, channel = EXCLUDED.channel,"
            + " valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to,"
            + " updated_at = now()",
        rows,
        (st, p) -> {
          st.setString(1, p.siteId());
          st.setString(2, p.code());
          st.setString(3, p.campaign());
          st.setString(4, p.source());
          st.setString(5, p.medium());
          st.setString(6, p.channel());
          st.setDate(7, p.validFrom() == null ? null : Date.valueOf(p.validFrom()));
          st.setDate(8, p.validTo() == null ? null : Date.valueOf(p.validTo()));
        });
    // the payments that came before their codes (or under a code now changed) count too
    try (PreparedStatement st = c.prepareStatement("SELECT apply_promo_codes(?)")) {
      for (String site : rows.stream().map(PromoCode::siteId).distinct().sorted().toList()) {
        st.setString(1, site);
        try (java.sql.ResultSet rs = st.executeQuery()) {
          rs.next();
          LOG.info("site {}: {} payments credited to a promotion code", site, rs.getLong(1));
        }
      }
    }
    return rows.size();
  }
}
