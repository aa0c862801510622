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
 * Stateless: payments that name no visitor, once no link found one. A payment whose order recorded
 * where its buyer came from ({@link LandingEvidence}: Shopify's landing page and referrer) is
 * booked to the one touch that evidence makes, with no visitor and no session, as {@code
 * landing_page} / {@code low}. Every other one is booked as unattributed, so that the ledger still
 * sums to what the providers reported.
 */
public final class AttributeUnlinked extends ProcessFunction<PaymentEvent, AttributedPayment> {
  public static final String UID = "attribute-unlinked-payments";
  private static final String NO_LINK =
      "no visitor in the metadata, no earlier payment of the customer, no identify call with the"
          + " payer's email";

  private final LandingEvidence landing;
  private transient Counter unattributed;
  private transient Counter landingPage;

  /** Unlinked payments classified with the channel hosts the sessions use. */
  public AttributeUnlinked() {
    this(LandingEvidence.defaults());
  }

  public AttributeUnlinked(LandingEvidence landing) {
    this.landing = landing;
  }

  @Override
  public void open(OpenContext openContext) {
    unattributed = getRuntimeContext().getMetricGroup().counter("unattributed");
    landingPage = getRuntimeContext().getMetricGroup().counter("landingPage");
  }

  @Override
  public void processElement(PaymentEvent p, Context ctx, Collector<AttributedPayment> out) {
    AttributedPayment booked;
    try {
      Touch touch = landing.touchOf(p);
      booked =
          touch == null
              ? new AttributedPayment(
                  p,
                  Resolution.unattributed(NO_LINK + ", no visitor active just before"),
                  Credits.of(p, List.of(), Duration.ZERO),
                  0)
              : new AttributedPayment(
                  p,
                  Resolution.landingPage(
                      NO_LINK
                          + "; the order's landing page and referrer: "
                          + touch.channel()
                          + " ("
                          + touch.source()
                          + " / "
                          + touch.medium()
                          + ")"),
                  Credits.of(p, List.of(touch), Duration.ZERO),
                  1);
    } catch (RuntimeException e) {
      // one payment's failure costs that payment only (see Isolated)
      ctx.output(
          DeadLetters.TAG,
          Isolated.deadLetter(
              UID, p.consolidationKey(), p, e, ctx.timerService().currentProcessingTime()));
      return;
    }
    (booked.touches() == 0 ? unattributed : landingPage).inc();
    out.collect(booked);
  }
}
