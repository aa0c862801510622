package dev.tributary.job;

import dev.tributary.job.attribution.AttributePayments;
import dev.tributary.job.attribution.AttributeUnlinked;
import dev.tributary.job.attribution.AttributedPayment;
import dev.tributary.job.attribution.LandingEvidence;
import dev.tributary.job.config.JobSettings;
import dev.tributary.job.deadletter.DeadLetter;
import dev.tributary.job.deadletter.DeadLetters;
import dev.tributary.job.deadletter.Isolated;
import dev.tributary.job.identity.BucketedActivity;
import dev.tributary.job.identity.ResolveByCustomer;
import dev.tributary.job.identity.ResolveByEmail;
import dev.tributary.job.identity.ResolveBySession;
import dev.tributary.job.identity.ResolveByTime;
import dev.tributary.job.ingest.QuietAdvancingWatermarks;
import dev.tributary.job.ingest.RawRecord;
import dev.tributary.job.ingest.TimeBounds;
import dev.tributary.job.ledger.book.Ledger;
import dev.tributary.job.ledger.book.PaymentRow;
import dev.tributary.job.payments.ConsolidatePayments;
import dev.tributary.job.payments.LinkPaymentKeys;
import dev.tributary.job.payments.MetadataKeys;
import dev.tributary.job.payments.NormalizeWebhooks;
import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.payments.RefundEvent;
import dev.tributary.job.payments.providers.PaymentProviders;
import dev.tributary.job.sessions.ChannelClassifier;
import dev.tributary.job.sessions.ChannelHosts;
import dev.tributary.job.sessions.Identify;
import dev.tributary.job.sessions.Pageview;
import dev.tributary.job.sessions.ParseTracking;
import dev.tributary.job.sessions.Session;
import dev.tributary.job.sessions.Sessionize;
import java.time.Clock;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job's topology, built from injected sources and sinks so that tests plug in their own.
 *
 * <pre>
 * webhooks ─► normalize ─┬─ payments ─► [link-payment-keys] ─► consolidate ─► [resolve by session] ─► resolve by customer ─► resolve by email ─┐
 *                        └─ refunds ─► ledger, refunds sink          (site,provider,  (site,provider,       (site,email hash)  │
 *                                                              paymentKey)      customer)                 ▲             │
 * tracking ─► parse ─┬─ identify calls ─────────────────────────────────────────────────────────────────────┘             │
 *                    └─ pageviews ─► sessionize (site,visitor) ─┬─► sessions sink                                        │
 *                                                               ├─► resolve by time (site,bucket) ◄── still unlinked ◄──┤
 *                                                               └─ touches ─► attribute (site,visitor) ◄── linked ◄─────┤
 *                                         attribute-unlinked ◄── unlinked ◄─────────────────────────────────────────────┘
 * attribute, attribute-unlinked, refunds ─► ledger (site,provider,paymentKey) ─► payments sink (one position per payment;
 *                                                                                 the warehouse derives revenue_ledger), refunds sink
 * every stage ─► dead-letter sink
 * </pre>
 */
public final class Pipeline {
  /**
   * Key groups of every keyed state. Fixed because a savepoint can only be restored with the max
   * parallelism it was taken with; 128 allows scaling out to 128 parallel instances.
   */
  public static final int MAX_PARALLELISM = 128;

  private Pipeline() {}

  /** The sources the pipeline reads; both produce Kafka-shaped {@link RawRecord}s. */
  public record Sources(Source<RawRecord, ?, ?> webhooks, Source<RawRecord, ?, ?> tracking) {}

  /** The sinks the pipeline writes. */
  public record Sinks(
      Sink<Session> sessions,
      Sink<PaymentRow> payments,
      Sink<RefundEvent> refunds,
      Sink<DeadLetter> deadLetters) {}

  /** Adds the whole topology to {@code env}; the caller executes it. */
  public static void build(
      StreamExecutionEnvironment env, JobSettings settings, Sources sources, Sinks sinks) {
    env.setMaxParallelism(MAX_PARALLELISM);
    MetadataKeys keys =
        new MetadataKeys(settings.metadataVisitorKeys(), settings.metadataSessionKeys());
    TimeBounds bounds = new TimeBounds(settings.maxFutureSkew());

    DataStream<RawRecord> webhooks =
        env.fromSource(sources.webhooks(), watermarks(settings), "webhooks source")
            .uid("source-webhooks");
    DataStream<RawRecord> tracking =
        env.fromSource(sources.tracking(), watermarks(settings), "tracking source")
            .uid("source-tracking");

    SingleOutputStreamOperator<PaymentEvent> normalized =
        webhooks
            .process(
                new NormalizeWebhooks(
                    PaymentProviders.parsers(), keys, bounds, settings.emailHashKey()))
            .uid(NormalizeWebhooks.UID)
            .name("normalize webhooks");

    // Events known only by another id of their money wait for the event that links the two.
    TypeInformation<PaymentEvent> paymentType = TypeInformation.of(PaymentEvent.class);
    SingleOutputStreamOperator<PaymentEvent> relinked =
        normalized
            .filter(p -> p.linkKey() != null)
            .uid("filter-link-keys")
            .name("events with link keys")
            .union(normalized.getSideOutput(NormalizeWebhooks.ALIASES))
            .keyBy(PaymentEvent::linkStateKey)
            .process(
                Isolated.keyed(
                    LinkPaymentKeys.UID,
                    new LinkPaymentKeys(settings.paymentDedupeRetention(), settings.apiLinkWait())))
            .returns(paymentType)
            .uid(LinkPaymentKeys.UID)
            .name("link payment keys");

    SingleOutputStreamOperator<PaymentEvent> payments =
        normalized
            .filter(p -> !p.awaitsPaymentKey())
            .uid("filter-keyed")
            .name("events with payment keys")
            .union(relinked)
            .keyBy(PaymentEvent::consolidationKey)
            .process(
                Isolated.keyed(
                    ConsolidatePayments.UID,
                    new ConsolidatePayments(
                        settings.paymentSettle(), settings.paymentDedupeRetention())))
            .returns(paymentType)
            .uid(ConsolidatePayments.UID)
            .name("consolidate payments");

    SingleOutputStreamOperator<Pageview> pageviews =
        tracking
            .process(new ParseTracking(bounds, settings.keptQueryParameters()))
            .uid(ParseTracking.UID)
            .name("parse tracking");

    ChannelClassifier classifier = new ChannelClassifier(ChannelHosts.defaults());
    SingleOutputStreamOperator<Session> sessions =
        pageviews
            .keyBy(Pageview::visitorKey)
            .process(
                Isolated.keyed(
                    Sessionize.UID, new Sessionize(classifier, settings.sessionRetention())))
            .returns(Session.class)
            .uid(Sessionize.UID)
            .name("sessionize");

    // Who paid, in order: metadata (the visitor the parsers read, else the visitor of the session
    // the checkout named), the customer's earlier payment, the email.
    SingleOutputStreamOperator<PaymentEvent> sessionResolver =
        sessions
            .getSideOutput(Sessionize.TOUCHES)
            .keyBy(Session::sessionKey)
            .connect(
                payments
                    .filter(ResolveBySession::applies)
                    .uid("filter-session-only")
                    .name("payments naming only a session")
                    .keyBy(PaymentEvent::sessionKey))
            .process(
                Isolated.keyedCo(ResolveBySession.UID, new ResolveBySession(settings.lookback())))
            .returns(paymentType)
            .uid(ResolveBySession.UID)
            .name("resolve by session");
    DataStream<PaymentEvent> bySession =
        sessionResolver.union(
            payments
                .filter(p -> !ResolveBySession.applies(p))
                .uid("filter-not-session-only")
                .name("payments naming their visitor or no session"));

    SingleOutputStreamOperator<PaymentEvent> customerResolver =
        bySession
            .filter(p -> p.customerKey() != null)
            .uid("filter-with-customer")
            .name("payments with a customer")
            .keyBy(PaymentEvent::customerKey)
            .process(
                Isolated.keyed(
                    ResolveByCustomer.UID,
                    new ResolveByCustomer(settings.identityRetention(), settings.lookback())))
            .returns(paymentType)
            .uid(ResolveByCustomer.UID)
            .name("resolve by customer");
    DataStream<PaymentEvent> byCustomer =
        customerResolver.union(
            bySession
                .filter(p -> p.customerKey() == null)
                .uid("filter-without-customer")
                .name("payments without a customer"));

    SingleOutputStreamOperator<PaymentEvent> emailResolver =
        pageviews
            .getSideOutput(ParseTracking.IDENTIFIES)
            .keyBy(Identify::emailKey)
            .connect(
                byCustomer
                    .filter(p -> p.emailKey() != null)
                    .uid("filter-with-email")
                    .name("payments with an email")
                    .keyBy(PaymentEvent::emailKey))
            .process(
                Isolated.keyedCo(
                    ResolveByEmail.UID,
                    new ResolveByEmail(settings.identityRetention(), settings.lookback())))
            .returns(paymentType)
            .uid(ResolveByEmail.UID)
            .name("resolve by email");
    DataStream<PaymentEvent> resolved =
        emailResolver.union(
            byCustomer
                .filter(p -> p.emailKey() == null)
                .uid("filter-without-email")
                .name("payments without an email"));

    // The fallback: visitors active on the site just before an otherwise unlinked payment. An
    // order that recorded where its buyer came from (a landing page with utm tags, a referrer) is
    // credited to that instead: evidence about this very buyer ranks above a guess by time.
    Duration window = settings.timestampWindow();
    java.util.Set<String> noFallback =
        java.util.Set.copyOf(settings.timestampFallbackDisabledSites());
    LandingEvidence landing = new LandingEvidence(classifier);
    SingleOutputStreamOperator<PaymentEvent> byTime =
        sessions
            .flatMap(
                (Session s, org.apache.flink.util.Collector<BucketedActivity> out) ->
                    ResolveByTime.bucketsOf(s, window).forEach(out::collect))
            .returns(BucketedActivity.class)
            .uid("bucket-sessions")
            .name("sessions by time bucket")
            .keyBy(BucketedActivity::bucketKey)
            .connect(
                resolved
                    .filter(
                        p ->
                            !p.linkedToVisitor()
                                && !noFallback.contains(p.siteId())
                                && !landing.applies(p))
                    .uid("filter-fallback")
                    .name("payments for the timestamp fallback")
                    .keyBy(p -> ResolveByTime.bucketOf(p, window)))
            .process(
                Isolated.keyedCo(
                    ResolveByTime.UID,
                    new ResolveByTime(window, settings.timestampMaxCandidates())))
            .returns(paymentType)
            .uid(ResolveByTime.UID)
            .name("resolve by time");
    DataStream<PaymentEvent> allResolved =
        resolved
            .filter(
                p -> p.linkedToVisitor() || noFallback.contains(p.siteId()) || landing.applies(p))
            .uid("filter-no-fallback")
            .name("payments past the fallback")
            .union(byTime);

    SingleOutputStreamOperator<AttributedPayment> linked =
        sessions
            .getSideOutput(Sessionize.TOUCHES)
            .keyBy(Session::visitorKey)
            .connect(
                allResolved
                    .filter(PaymentEvent::linkedToVisitor)
                    .name("linked payments")
                    .uid("filter-linked")
                    .keyBy(PaymentEvent::visitorKey))
            .process(
                Isolated.keyedCo(
                    AttributePayments.UID,
                    new AttributePayments(settings.lookback(), settings.timeDecayHalfLife())))
            .returns(AttributedPayment.class)
            .uid(AttributePayments.UID)
            .name("attribute linked payments");

    SingleOutputStreamOperator<AttributedPayment> unlinked =
        allResolved
            .filter(p -> !p.linkedToVisitor())
            .name("unlinked payments")
            .uid("filter-unlinked")
            .process(new AttributeUnlinked(landing))
            .uid(AttributeUnlinked.UID)
            .name("attribute unlinked payments");

    sessions.sinkTo(sinks.sessions()).uid("sink-sessions").name("sessions sink");
    DataStream<RefundEvent> refunds = normalized.getSideOutput(NormalizeWebhooks.REFUNDS);
    SingleOutputStreamOperator<PaymentRow> ledger =
        linked
            .union(unlinked, byTime.getSideOutput(ResolveByTime.AMBIGUOUS))
            .keyBy(AttributedPayment::paymentKey)
            .connect(refunds.keyBy(RefundEvent::paymentConsolidationKey))
            .process(Isolated.keyedCo(Ledger.UID, new Ledger(settings.ledgerRetention())))
            .returns(PaymentRow.class)
            .uid(Ledger.UID)
            .name("ledger");
    // each payment's position is one row; the warehouse derives the journal from it
    ledger.sinkTo(sinks.payments()).uid("sink-payments").name("payments sink");
    // the refunds the ledger accepted (same currency as their payment) are the refunds table
    ledger
        .getSideOutput(Ledger.REFUND_ROWS)
        .sinkTo(sinks.refunds())
        .uid("sink-refunds")
        .name("refunds sink");
    // every stage's rejects: parsing, and any record an operator's logic failed on
    normalized
        .getSideOutput(DeadLetters.TAG)
        .union(
            pageviews.getSideOutput(DeadLetters.TAG),
            relinked.getSideOutput(DeadLetters.TAG),
            payments.getSideOutput(DeadLetters.TAG),
            sessions.getSideOutput(DeadLetters.TAG),
            sessionResolver.getSideOutput(DeadLetters.TAG),
            customerResolver.getSideOutput(DeadLetters.TAG),
            emailResolver.getSideOutput(DeadLetters.TAG),
            byTime.getSideOutput(DeadLetters.TAG),
            linked.getSideOutput(DeadLetters.TAG),
            unlinked.getSideOutput(DeadLetters.TAG),
            ledger.getSideOutput(DeadLetters.TAG))
        .sinkTo(sinks.deadLetters())
        .uid("sink-deadletters")
        .name("dead-letter sink");
  }

  /**
   * The job's watermarks: event time from the Kafka record, bounded out-of-orderness, and a quiet
   * partition following the wall clock after the idleness timeout. Public for the benchmark's
   * passthrough baseline, which must read the same way.
   */
  public static WatermarkStrategy<RawRecord> watermarks(JobSettings s) {
    Duration ooo = s.outOfOrderness();
    Duration idle = s.idleness();
    Duration replay = s.replayThreshold();
    return WatermarkStrategy.<RawRecord>forGenerator(
            ctx ->
                new QuietAdvancingWatermarks<>(
                    ooo, idle, replay, Clock.systemUTC(), ctx.getInputActivityClock()))
        .withTimestampAssigner((r, ts) -> r.timestampMillis());
  }
}
