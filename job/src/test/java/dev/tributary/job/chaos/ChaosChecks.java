package dev.tributary.job.chaos;

import dev.tributary.job.attribution.Model;
import dev.tributary.job.testing.EmbeddedWarehouse;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a chaos run is judged by, read from the warehouse with SQL on {@code payments} and {@code
 * revenue_ledger} only (whatever writes the ledger):
 *
 * <ol type="a">
 *   <li>every payment nets exactly under every model: per payment and model, the ledger's entries
 *       sum to {@code amount_minor − refunded_minor};
 *   <li>the warehouse holds what the providers reported: the payments the month made and no other,
 *       each with its amount, currency and refunded total, and per currency the payments' net and
 *       each model's ledger total equal the month's payments less refunds;
 *   <li>(between two runs) the same payments, and each payment the reference run linked by {@code
 *       metadata}, {@code customer} or {@code email} linked in the other run by the same method to
 *       the same visitor, with the same credits per model (session, channel and amount, netted).
 * </ol>
 *
 * Timestamp links are not compared: the fallback picks the visitors active just before the payment
 * among the sessions the job knows when it settles the payment, which a different delivery order
 * (and a restore that replays it) changes; a payment the reference run left unattributed likewise.
 */
final class ChaosChecks {
  static final Set<String> COMPARED_METHODS = Set.of("metadata", "customer", "email");

  private ChaosChecks() {}

  /** A payments row. */
  record PaymentRow(
      String key,
      String currency,
      long amount,
      long refunded,
      String method,
      String confidence,
      String visitor,
      String session) {
    long net() {
      return amount - refunded;
    }
  }

  /** A warehouse as the checks see it. */
  record Snapshot(
      Map<String, PaymentRow> payments,
      // payment key → model → "session|channel" → netted amount (zero sums dropped)
      Map<String, Map<String, Map<String, Long>>> credits,
      // payment key → model → sum of entries
      Map<String, Map<String, Long>> sums,
      // model → currency → sum of entries
      Map<String, Map<String, Long>> modelTotals,
      Map<String, Long> entryTypes,
      // payment key → model → entry type → "sum/count"
      Map<String, Map<String, Map<String, String>>> byType,
      // payment key → the most entries of type 'payment' one model has (1 when booked once)
      Map<String, Long> firstBookings) {

    Map<String, Long> methods() {
      Map<String, Long> n = new TreeMap<>();
      payments.values().forEach(p -> n.merge(p.method(), 1L, Long::sum));
      return n;
    }
  }

  static Snapshot read(EmbeddedWarehouse w) throws SQLException {
    Map<String, PaymentRow> payments = new TreeMap<>();
    for (var r :
        w.query(
            "SELECT provider, payment_key, currency, amount_minor, refunded_minor, method,"
                + " confidence, visitor_id, session_id FROM payments WHERE site_id = '"
                + ChaosMonth.SITE
                + "'")) {
      String key = r.get("provider") + "|" + r.get("payment_key");
      payments.put(
          key,
          new PaymentRow(
              key,
              r.get("currency").toString().trim(),
              ((Number) r.get("amount_minor")).longValue(),
              ((Number) r.get("refunded_minor")).longValue(),
              (String) r.get("method"),
              (String) r.get("confidence"),
              (String) r.get("visitor_id"),
              (String) r.get("session_id")));
    }
    Map<String, Map<String, Map<String, Long>>> credits = new TreeMap<>();
    Map<String, Map<String, Long>> sums = new TreeMap<>();
    for (var r :
        w.query(
            "SELECT provider, payment_key, model, session_id, channel, sum(amount_minor) AS amount"
                + " FROM revenue_ledger WHERE site_id = '"
                + ChaosMonth.SITE
                + "' GROUP BY provider, payment_key, model, session_id, channel")) {
      String key = r.get("provider") + "|" + r.get("payment_key");
      String model = (String) r.get("model");
      long amount = ((Number) r.get("amount")).longValue();
      sums.computeIfAbsent(key, k -> new TreeMap<>()).merge(model, amount, Long::sum);
      if (amount != 0) {
        credits
            .computeIfAbsent(key, k -> new TreeMap<>())
            .computeIfAbsent(model, k -> new TreeMap<>())
            .put(r.get("session_id") + "|" + r.get("channel"), amount);
      }
    }
    Map<String, Map<String, Long>> modelTotals = new TreeMap<>();
    for (var r :
        w.query(
            "SELECT model, currency, sum(amount_minor) AS amount FROM revenue_ledger"
                + " WHERE site_id = '"
                + ChaosMonth.SITE
                + "' GROUP BY model, currency")) {
      modelTotals
          .computeIfAbsent((String) r.get("model"), k -> new TreeMap<>())
          .put(r.get("currency").toString().trim(), ((Number) r.get("amount")).longValue());
    }
    Map<String, Long> types = new TreeMap<>();
    for (var r :
        w.query("SELECT entry_type, count(*) AS n FROM revenue_ledger GROUP BY entry_type")) {
      types.put((String) r.get("entry_type"), ((Number) r.get("n")).longValue());
    }
    Map<String, Map<String, Map<String, String>>> byType = new TreeMap<>();
    Map<String, Long> firstBookings = new TreeMap<>();
    for (var r :
        w.query(
            "SELECT provider, payment_key, model, entry_type, sum(amount_minor) AS amount,"
                + " count(*) AS n FROM revenue_ledger WHERE site_id = '"
                + ChaosMonth.SITE
                + "' GROUP BY provider, payment_key, model, entry_type")) {
      String key = r.get("provider") + "|" + r.get("payment_key");
      long n = ((Number) r.get("n")).longValue();
      byType
          .computeIfAbsent(key, k -> new TreeMap<>())
          .computeIfAbsent((String) r.get("model"), k -> new TreeMap<>())
          .put(
              (String) r.get("entry_type"),
              "%+d in %d".formatted(((Number) r.get("amount")).longValue(), n));
      if ("payment".equals(r.get("entry_type"))) {
        firstBookings.merge(key, n, Math::max);
      }
    }
    return new Snapshot(payments, credits, sums, modelTotals, types, byType, firstBookings);
  }

  /**
   * (a): the differences, a summary first: how many payment×model sums are off, above the net
   * (something booked twice) or below it (something retracted twice, or never booked), with the
   * first few of each and their entries by type.
   */
  static List<String> nets(String run, Snapshot s) {
    List<String> over = new ArrayList<>();
    List<String> under = new ArrayList<>();
    long excess = 0;
    long missing = 0;
    int wrong = 0;
    Set<String> overPayments = new TreeSet<>();
    Set<String> underPayments = new TreeSet<>();
    for (PaymentRow p : s.payments().values()) {
      Map<String, Long> byModel = s.sums().getOrDefault(p.key(), Map.of());
      for (Model m : Model.values()) {
        long booked = byModel.getOrDefault(m.id(), 0L);
        if (byModel.containsKey(m.id()) && booked == p.net()) {
          continue;
        }
        wrong++;
        boolean above = booked > p.net();
        (above ? overPayments : underPayments).add(p.key());
        if (above) {
          excess += booked - p.net();
        } else {
          missing += p.net() - booked;
        }
        List<String> examples = above ? over : under;
        if (examples.size() < 4) {
          examples.add(
              "(a) %s: %s %s: ledger %d, amount − refunded = %d − %d = %d; entries %s"
                  .formatted(
                      run,
                      p.key(),
                      m.id(),
                      booked,
                      p.amount(),
                      p.refunded(),
                      p.net(),
                      s.byType().getOrDefault(p.key(), Map.of()).getOrDefault(m.id(), Map.of())));
        }
      }
    }
    List<String> orphans = new ArrayList<>();
    for (String key : s.sums().keySet()) {
      if (!s.payments().containsKey(key)) {
        wrong++;
        if (orphans.size() < 3) {
          orphans.add(
              "(a) %s: ledger entries for %s, which has no payments row".formatted(run, key));
        }
      }
    }
    List<String> out = new ArrayList<>();
    if (wrong > 0) {
      long bookedTwice =
          overPayments.stream().filter(k -> s.firstBookings().getOrDefault(k, 0L) > 1).count();
      out.add(
          ("(a) %s: %d payment×model sums differ from amount − refunded: above it in %d payments"
                  + " (%+d minor units in all; %d of them booked twice: two or more entries of"
                  + " type 'payment' under one model), below it in %d payments (%d minor units"
                  + " short in all)")
              .formatted(
                  run,
                  wrong,
                  overPayments.size(),
                  excess,
                  bookedTwice,
                  underPayments.size(),
                  missing));
      out.addAll(over);
      out.addAll(under);
      out.addAll(orphans);
    }
    return out;
  }

  /** The payments whose ledger does not net to amount − refunded under some model ((a) fails). */
  static Set<String> notNetting(Snapshot s) {
    Set<String> out = new TreeSet<>();
    for (PaymentRow p : s.payments().values()) {
      Map<String, Long> byModel = s.sums().getOrDefault(p.key(), Map.of());
      for (Model m : Model.values()) {
        Long booked = byModel.get(m.id());
        if (booked == null || booked != p.net()) {
          out.add(p.key());
        }
      }
    }
    return out;
  }

  /** (b): the warehouse against what the month's providers reported. */
  static List<String> truth(String run, Snapshot s, ChaosMonth month) {
    List<String> out = new ArrayList<>();
    Map<String, ChaosMonth.Paid> truth = month.truth();
    Set<String> missing = new TreeSet<>(truth.keySet());
    missing.removeAll(s.payments().keySet());
    Set<String> extra = new TreeSet<>(s.payments().keySet());
    extra.removeAll(truth.keySet());
    if (!missing.isEmpty()) {
      out.add(
          "(b) %s: %d payments missing, e.g. %s".formatted(run, missing.size(), first(missing)));
    }
    if (!extra.isEmpty()) {
      out.add("(b) %s: %d payments never made, e.g. %s".formatted(run, extra.size(), first(extra)));
    }
    int wrong = 0;
    for (PaymentRow p : s.payments().values()) {
      ChaosMonth.Paid t = truth.get(p.key());
      if (t == null) {
        continue;
      }
      if (t.amountMinor() != p.amount()
          || t.refundedMinor() != p.refunded()
          || !t.currency().equals(p.currency())) {
        if (wrong++ < 5) {
          out.add(
              "(b) %s: %s is %d %s refunded %d, the provider reported %d %s refunded %d"
                  .formatted(
                      run,
                      p.key(),
                      p.amount(),
                      p.currency(),
                      p.refunded(),
                      t.amountMinor(),
                      t.currency(),
                      t.refundedMinor()));
        }
      }
    }
    Map<String, Long> expected = month.expectedNet();
    Map<String, Long> paymentsNet = new TreeMap<>();
    s.payments().values().forEach(p -> paymentsNet.merge(p.currency(), p.net(), Long::sum));
    if (!paymentsNet.equals(expected)) {
      out.add(
          "(b) %s: payments net per currency %s, the providers reported %s"
              .formatted(run, paymentsNet, expected));
    }
    for (Model m : Model.values()) {
      Map<String, Long> ledger = s.modelTotals().getOrDefault(m.id(), Map.of());
      if (!ledger.equals(expected)) {
        out.add(
            "(b) %s: ledger %s per currency %s, the providers reported %s"
                .formatted(run, m.id(), ledger, expected));
      }
    }
    return out;
  }

  /** (c): {@code other} against the {@code reference} run. */
  static List<String> sameLinks(Snapshot reference, Snapshot other) {
    List<String> out = new ArrayList<>();
    Set<String> onlyReference = new TreeSet<>(reference.payments().keySet());
    onlyReference.removeAll(other.payments().keySet());
    Set<String> onlyOther = new TreeSet<>(other.payments().keySet());
    onlyOther.removeAll(reference.payments().keySet());
    if (!onlyReference.isEmpty() || !onlyOther.isEmpty()) {
      out.add(
          "(c) payments differ: %d only in the ordered run (e.g. %s), %d only in the other (e.g. %s)"
              .formatted(
                  onlyReference.size(), first(onlyReference), onlyOther.size(), first(onlyOther)));
    }
    Map<String, String> differ = linkDifferences(reference, other);
    if (!differ.isEmpty()) {
      long compared =
          reference.payments().values().stream()
              .filter(r -> COMPARED_METHODS.contains(r.method()))
              .count();
      out.add(
          "(c) %d of %d payments linked by metadata, customer or email differ"
              .formatted(differ.size(), compared));
      differ.entrySet().stream()
          .limit(8)
          .forEach(e -> out.add("(c) %s: %s".formatted(e.getKey(), e.getValue())));
    }
    return out;
  }

  /**
   * The payments the reference run linked by metadata, customer or email that the other run links
   * otherwise or credits otherwise, with why.
   */
  static Map<String, String> linkDifferences(Snapshot reference, Snapshot other) {
    Map<String, String> out = new TreeMap<>();
    for (PaymentRow r : reference.payments().values()) {
      PaymentRow o = other.payments().get(r.key());
      if (!COMPARED_METHODS.contains(r.method()) || o == null) {
        continue;
      }
      if (!r.method().equals(o.method()) || !Objects.equals(r.visitor(), o.visitor())) {
        out.put(
            r.key(),
            "linked by %s to %s in the ordered run, by %s to %s in the other"
                .formatted(r.method(), r.visitor(), o.method(), o.visitor()));
        continue;
      }
      var rc = reference.credits().getOrDefault(r.key(), Map.of());
      var oc = other.credits().getOrDefault(r.key(), Map.of());
      for (Model m : Model.values()) {
        var a = rc.getOrDefault(m.id(), Map.of());
        var b = oc.getOrDefault(m.id(), Map.of());
        if (!a.equals(b)) {
          out.put(
              r.key(),
              "(%s) %s credits %s in the ordered run, %s in the other"
                  .formatted(r.method(), m.id(), a, b));
          break;
        }
      }
    }
    return out;
  }

  /**
   * For a few payments that differ: what each warehouse holds about them (the event that stands,
   * its time, the link) and about their visitor's sessions, so a report says where two runs parted.
   */
  static List<String> explain(
      EmbeddedWarehouse reference, EmbeddedWarehouse other, Set<String> keys) throws SQLException {
    List<String> out = new ArrayList<>();
    for (String key : keys.stream().limit(4).toList()) {
      String[] pk = key.split("\\|", 2);
      for (var run : List.of(Map.entry("ordered", reference), Map.entry("other", other))) {
        EmbeddedWarehouse w = run.getValue();
        String visitor = null;
        for (var r :
            w.query(
                "SELECT event_id, occurred_at, visitor_id, session_id, method FROM payments"
                    + " WHERE site_id = '%s' AND provider = '%s' AND payment_key = '%s'"
                        .formatted(ChaosMonth.SITE, pk[0], pk[1].replace("'", "''")))) {
          visitor = (String) r.get("visitor_id");
          out.add(
              "(c)   %s %s: event %s at %s, %s → visitor %s session %s"
                  .formatted(
                      key,
                      run.getKey(),
                      r.get("event_id"),
                      r.get("occurred_at"),
                      r.get("method"),
                      visitor,
                      r.get("session_id")));
        }
        if (visitor != null) {
          List<String> sessions = new ArrayList<>();
          for (var r :
              w.query(
                  "SELECT session_id, started_at, channel, pageviews FROM sessions WHERE site_id"
                      + " = '%s' AND visitor_id = '%s' ORDER BY started_at"
                          .formatted(ChaosMonth.SITE, visitor.replace("'", "''")))) {
            sessions.add(
                "%s %s %s ×%s"
                    .formatted(
                        r.get("session_id"),
                        r.get("started_at"),
                        r.get("channel"),
                        r.get("pageviews")));
          }
          out.add("(c)   %s %s: sessions %s".formatted(key, run.getKey(), sessions));
        }
        // the journal in the order it was written (an append-only heap: ctid order), two models
        List<String> journal = new ArrayList<>();
        for (var r :
            w.query(
                ("SELECT model, entry_type, session_id, amount_minor FROM revenue_ledger WHERE"
                        + " site_id = '%s' AND provider = '%s' AND payment_key = '%s' AND model IN"
                        + " ('first_touch', 'time_decay') ORDER BY ctid")
                    .formatted(ChaosMonth.SITE, pk[0], pk[1].replace("'", "''")))) {
          journal.add(
              "%s %s %s %+d"
                  .formatted(
                      r.get("model"),
                      r.get("entry_type"),
                      r.get("session_id"),
                      ((Number) r.get("amount_minor")).longValue()));
        }
        out.add("(c)   %s %s: journal %s".formatted(key, run.getKey(), journal));
      }
    }
    return out;
  }

  /** Payments the reference run linked by timestamp that the other run linked differently. */
  static int timestampLinksThatDiffer(Snapshot reference, Snapshot other) {
    int n = 0;
    for (PaymentRow r : reference.payments().values()) {
      PaymentRow o = other.payments().get(r.key());
      if (o != null
          && !COMPARED_METHODS.contains(r.method())
          && !(r.method().equals(o.method())
              && Objects.equals(r.visitor(), o.visitor())
              && Objects.equals(reference.credits().get(r.key()), other.credits().get(r.key())))) {
        n++;
      }
    }
    return n;
  }

  private static String first(Set<String> s) {
    return s.isEmpty() ? "-" : s.iterator().next();
  }

  /** Counts for the report, in a stable order. */
  static Map<String, Long> ordered(Map<String, Long> m) {
    return new LinkedHashMap<>(new TreeMap<>(m));
  }
}
