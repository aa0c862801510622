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
    Map<String, Long> firstBookings = new TreeMap<>();
    for (var r :
        w.query(
            "SELECT provider, payment_key, max(n) AS n FROM (SELECT provider, payment_key, model,"
                + " count(*) AS n FROM revenue_ledger WHERE entry_type = 'payment' AND site_id = '"
                + ChaosMonth.SITE
                + "' GROUP BY provider, payment_key, model) m GROUP BY provider, payment_key")) {
      firstBookings.put(
          r.get("provider") + "|" + r.get("payment_key"), ((Number) r.get("n")).longValue());
    }
    return new Snapshot(payments, credits, sums, modelTotals, types, firstBookings);
  }

  /** (a): the differences, first ones first; empty when every payment nets under every model. */
  static List<String> nets(String run, Snapshot s) {
    List<String> out = new ArrayList<>();
    long excess = 0;
    int wrong = 0;
    Set<String> wrongPayments = new TreeSet<>();
    for (PaymentRow p : s.payments().values()) {
      Map<String, Long> byModel = s.sums().getOrDefault(p.key(), Map.of());
      for (Model m : Model.values()) {
        Long booked = byModel.get(m.id());
        if (booked == null || booked != p.net()) {
          wrong++;
          wrongPayments.add(p.key());
          excess += (booked == null ? 0 : booked) - p.net();
          if (out.size() < 8) {
            out.add(
                "(a) %s: %s %s: ledger %s, amount − refunded = %d − %d = %d"
                    .formatted(
                        run,
                        p.key(),
                        m.id(),
                        booked == null ? "none" : booked,
                        p.amount(),
                        p.refunded(),
                        p.net()));
          }
        }
      }
    }
    for (String key : s.sums().keySet()) {
      if (!s.payments().containsKey(key)) {
        wrong++;
        if (out.size() < 8) {
          out.add("(a) %s: ledger entries for %s, which has no payments row".formatted(run, key));
        }
      }
    }
    if (wrong > 0) {
      long bookedTwice =
          wrongPayments.stream().filter(k -> s.firstBookings().getOrDefault(k, 0L) > 1).count();
      out.add(
          0,
          ("(a) %s: %d payment×model sums differ from amount − refunded, in %d payments (ledger −"
                  + " net in all: %+d minor units); %d of these payments have more than one entry"
                  + " of type 'payment' under a model (booked twice under different entry ids)")
              .formatted(run, wrong, wrongPayments.size(), excess, bookedTwice));
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
          "(c) payments differ: %d only in the ordered run (e.g. %s), %d only in the chaos run (e.g. %s)"
              .formatted(
                  onlyReference.size(), first(onlyReference), onlyOther.size(), first(onlyOther)));
    }
    int compared = 0;
    int wrong = 0;
    for (PaymentRow r : reference.payments().values()) {
      if (!COMPARED_METHODS.contains(r.method())) {
        continue;
      }
      compared++;
      PaymentRow o = other.payments().get(r.key());
      if (o == null) {
        continue;
      }
      String why = null;
      if (!r.method().equals(o.method()) || !Objects.equals(r.visitor(), o.visitor())) {
        why =
            "linked by %s to %s in the ordered run, by %s to %s in the chaos run"
                .formatted(r.method(), r.visitor(), o.method(), o.visitor());
      } else {
        var rc = reference.credits().getOrDefault(r.key(), Map.of());
        var oc = other.credits().getOrDefault(r.key(), Map.of());
        for (Model m : Model.values()) {
          var a = rc.getOrDefault(m.id(), Map.of());
          var b = oc.getOrDefault(m.id(), Map.of());
          if (!a.equals(b)) {
            why = "%s credits %s in the ordered run, %s in the chaos run".formatted(m.id(), a, b);
            break;
          }
        }
      }
      if (why != null && wrong++ < 8) {
        out.add("(c) %s (%s): %s".formatted(r.key(), r.method(), why));
      }
    }
    if (wrong > 0) {
      out.add(
          0,
          "(c) %d of %d payments linked by metadata, customer or email differ"
              .formatted(wrong, compared));
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
