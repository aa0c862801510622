package dev.tributary.job.attribution;

import dev.tributary.job.deadletter.DeadLetters;
import dev.tributary.job.deadletter.Isolated;
import dev.tributary.job.payments.PaymentEvent;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Stateless: payments that name no visitor are booked as unattributed, so that the ledger still
 * sums to what the providers reported. Issue 4 adds the customer, email and timestamp links that
 * will catch most of them first.
 */
public final class AttributeUnlinked extends ProcessFunction<PaymentEvent, AttributedPayment> {
  public static final String UID = "attribute-unlinked-payments";
  private transient Counter unattributed;

  @Override
  public void open(OpenContext openContext) {
    unattributed = getRuntimeContext().getMetricGroup().counter("unattributed");
  }

  @Override
  public void processElement(PaymentEvent p, Context ctx, Collector<AttributedPayment> out) {
    AttributedPayment booked;
    try {
      booked =
          new AttributedPayment(
              p,
              Resolution.unattributed(
                  "no visitor in the metadata, no earlier payment of the customer, no identify"
                      + " call with the payer's email, no visitor active just before"),
              Credits.of(p, List.of(), Duration.ZERO),
              0);
    } catch (RuntimeException e) {
      // one payment's failure costs that payment only (see Isolated)
      ctx.output(
          DeadLetters.TAG,
          Isolated.deadLetter(
              UID, p.consolidationKey(), p, e, ctx.timerService().currentProcessingTime()));
      return;
    }
    unattributed.inc();
    out.collect(booked);
  }
}
