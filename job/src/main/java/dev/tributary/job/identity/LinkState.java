package dev.tributary.job.identity;

import dev.tributary.job.base.StateTtl;
import dev.tributary.job.payments.LinkMethod;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.state.PendingPayments;
import dev.tributary.job.state.UnresolvedPayments;
import java.time.Duration;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * The keyed state the resolvers by session, customer and email each keep: the visitor their key
 * links to, the payments waiting for the watermark, and the payments nothing linked yet. Registered
 * in one place because the names and types are the savepoint's layout, the same in all three.
 */
final class LinkState {
  /** {@code visitor}: the visitor this key links to. */
  final ValueState<String> visitor;

  /** {@code pending}: payments waiting for the watermark. */
  final PendingPayments pending;

  /** {@code unresolved}: payments that went on unlinked, for a link found later. */
  final UnresolvedPayments unresolved;

  /**
   * @param visitorTtl how long the link lives after its last write
   * @param upgradeWindow how long a payment nothing linked waits for a link
   */
  LinkState(RuntimeContext ctx, Duration visitorTtl, Duration upgradeWindow) {
    visitor = StateTtl.value(ctx, "visitor", Types.STRING, visitorTtl);
    pending = new PendingPayments(ctx, "pending");
    unresolved = new UnresolvedPayments(ctx, "unresolved", upgradeWindow);
  }

  /**
   * Sends every payment nothing linked yet on again, linked to {@code visitorId} by {@code method}
   * (each counted in {@code linked}); the ledger replaces their unlinked booking.
   */
  void linkUnresolved(
      String visitorId, LinkMethod method, Counter linked, Collector<PaymentEvent> out)
      throws Exception {
    for (PaymentEvent p : unresolved.takeAll()) {
      linked.inc();
      out.collect(p.withVisitor(visitorId, method));
    }
  }
}
