package dev.tributary.job.payments;

import dev.tributary.job.base.LabeledCounters;
import dev.tributary.job.deadletter.DeadLetters;
import dev.tributary.job.ingest.RawRecord;
import dev.tributary.job.ingest.TimeBounds;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 1, stateless: envelope → provider parser → canonical {@link PaymentEvent}. Malformed input,
 * and any other failure on one record, goes to {@link DeadLetters#TAG} with its reason; well-formed
 * events of types the job does not use are counted and dropped (the gateway acknowledged them so
 * providers stop retrying). Times beyond belief are clamped ({@link TimeBounds}) and counted in
 * {@code futureTimesClamped}.
 */
public final class NormalizeWebhooks extends ProcessFunction<RawRecord, PaymentEvent> {
  public static final String UID = "normalize-webhooks";

  /** Refunds and chargebacks, beside the payments of the main output. */
  public static final OutputTag<RefundEvent> REFUNDS = new OutputTag<>("refunds") {};

  /**
   * A payment under each other id its event revealed ({@link PaymentEvent#linkKey} set to the
   * alias), for {@link LinkPaymentKeys} only: they teach it which payment a Payment API call naming
   * that id belongs to.
   */
  public static final OutputTag<PaymentEvent> ALIASES = new OutputTag<>("payment-aliases") {};

  private static final Logger LOG = LoggerFactory.getLogger(NormalizeWebhooks.class);

  private final PaymentParsers parsers;
  private final MetadataKeys keys;
  private final TimeBounds bounds;
  private final String emailHashKey;
  private transient Counter clampedTimes;
  private transient Counter payments;
  private transient Counter refunds;
  private transient Counter ignored;
  private transient Counter deadLettered;
  private transient LabeledCounters deadLetteredBySource;

  /**
   * @param emailHashKey the deployment's email hashing key ({@link
   *     dev.tributary.job.base.EmailHash}), or empty for bare SHA-256
   */
  public NormalizeWebhooks(
      PaymentParsers parsers, MetadataKeys keys, TimeBounds bounds, String emailHashKey) {
    this.parsers = parsers;
    this.keys = keys;
    this.bounds = bounds;
    this.emailHashKey = emailHashKey;
  }

  @Override
  public void open(OpenContext openContext) {
    var group = getRuntimeContext().getMetricGroup();
    payments = group.counter("paymentEvents");
    refunds = group.counter("refundEvents");
    ignored = group.counter("ignoredEvents");
    clampedTimes = group.counter("futureTimesClamped");
    deadLettered = group.counter("deadLettered");
    deadLetteredBySource = new LabeledCounters(group, "source", "deadLettered");
  }

  @Override
  public void processElement(RawRecord record, Context ctx, Collector<PaymentEvent> out) {
    WebhookEnvelope envelope = null;
    try {
      envelope = WebhookEnvelope.parse(record.value());
      long received = bounds.clamp(envelope.receivedAtMillis(), record.timestampMillis());
      if (received != envelope.receivedAtMillis()) {
        clampedTimes.inc();
        envelope = envelope.withReceivedAt(received);
      }
      WebhookEnvelope parsed = envelope;
      // emails are hashed in the parsers, under this site's key
      ParseOutcome outcome =
          dev.tributary.job.base.EmailHash.keyed(
              emailHashKey, parsed.siteId(), () -> parsers.parse(parsed, keys));
      if (outcome instanceof ParseOutcome.Payment p) {
        emit(p, received, ctx, out);
      } else if (outcome instanceof ParseOutcome.Refund r) {
        emit(r, received, ctx);
      } else if (outcome instanceof ParseOutcome.PaymentAndRefund both) {
        emit(both.payment(), received, ctx, out);
        emit(both.refund(), received, ctx);
      } else if (outcome instanceof ParseOutcome.Ignored i) {
        ignored.inc();
        LOG.debug(
            "ignored event type {} from partition {} offset {}",
            i.eventType(),
            record.partition(),
            record.offset());
      }
    } catch (RuntimeException e) {
      // Any failure on one record, expected (malformed input) or not (a parser's bug), costs that
      // record only: it goes to the dead letters with its reason and the job goes on.
      deadLettered.inc();
      // the reason's text is free; its source (a broken envelope, or which provider's body) is not
      deadLetteredBySource.inc(envelope == null ? "envelope" : envelope.provider(), 1);
      LOG.debug("dead-lettered offset {}: {}", record.offset(), e.toString());
      ctx.output(
          DeadLetters.TAG,
          DeadLetters.of(
              record, UID, DeadLetters.reason(e), ctx.timerService().currentProcessingTime()));
    }
  }

  private void emit(
      ParseOutcome.Payment p, long received, Context ctx, Collector<PaymentEvent> out) {
    payments.inc();
    PaymentEvent event = p.event();
    long at = bounds.clamp(event.occurredAtMillis(), received);
    if (at != event.occurredAtMillis()) {
      clampedTimes.inc();
      event = event.withOccurredAt(at);
    }
    out.collect(event);
    for (String alias : p.aliases()) {
      ctx.output(ALIASES, event.withLinkKey(alias));
    }
  }

  private void emit(ParseOutcome.Refund r, long received, Context ctx) {
    refunds.inc();
    RefundEvent refund = r.event();
    long at = bounds.clamp(refund.occurredAtMillis(), received);
    if (at != refund.occurredAtMillis()) {
      clampedTimes.inc();
      refund = refund.withOccurredAt(at);
    }
    ctx.output(REFUNDS, refund);
  }
}
