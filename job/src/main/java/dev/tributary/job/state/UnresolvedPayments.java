package dev.tributary.job.state;

import dev.tributary.job.base.StateTtl;
import dev.tributary.job.payments.LinkMethod;
import dev.tributary.job.payments.PaymentEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;

/**
 * Payments a resolver could not link when they passed, remembered so that evidence arriving later
 * (an identify call, the customer's first payment delivered after its renewal) can still link them:
 * the resolver sends them on again, linked, and the ledger books the difference as corrections.
 * Entries expire with a TTL (the upgrade window) from their last write.
 */
public final class UnresolvedPayments {
  private final MapState<String, PaymentEvent> unresolved;

  /** Registers the keyed map state {@code name} (paymentKey → payment). */
  public UnresolvedPayments(RuntimeContext ctx, String name, Duration upgradeWindow) {
    this.unresolved =
        StateTtl.map(
            ctx, name, Types.STRING, TypeInformation.of(PaymentEvent.class), upgradeWindow);
  }

  /**
   * {@code p} linked to {@code known} by {@code link} (counted in {@code linked}); or, when nothing
   * is known yet, {@code p} as it is, remembered for a link found later.
   */
  public PaymentEvent linkOrRemember(PaymentEvent p, String known, LinkMethod link, Counter linked)
      throws Exception {
    if (known == null) {
      remember(p);
      return p;
    }
    linked.inc();
    return p.withVisitor(known, link);
  }

  public void remember(PaymentEvent p) throws Exception {
    unresolved.put(p.paymentKey(), p);
  }

  /** Removes and returns every remembered payment, in payment-key order (deterministic output). */
  public List<PaymentEvent> takeAll() throws Exception {
    List<PaymentEvent> all = new ArrayList<>();
    unresolved.values().forEach(all::add);
    all.sort(Comparator.comparing(PaymentEvent::paymentKey));
    unresolved.clear();
    return all;
  }
}
