package dev.tributary.job.attribution;

import dev.tributary.job.payments.PaymentEvent;
import dev.tributary.job.sessions.Channel;
import dev.tributary.job.sessions.ChannelClassifier;
import dev.tributary.job.sessions.ChannelHosts;
import dev.tributary.job.sessions.Pageview;
import dev.tributary.job.sessions.Session;
import dev.tributary.job.sessions.TrackingParser;
import java.io.Serializable;

/**
 * What an order says about where its buyer came from, for a payment that names no visitor: the page
 * the buyer landed on and the site that referred them, as the store recorded them ({@link
 * PaymentEvent#landingUrl()}, {@link PaymentEvent#referrerUrl()}: Shopify's {@code landing_site}
 * and {@code referring_site}). They are read as the tracker's first pageview of a session is (the
 * same parser, the same {@link ChannelClassifier}, the same session and touch), so one touch
 * without a visitor or a session comes out: its channel, source, medium and campaign.
 *
 * <p>Evidence that classifies as Direct says nothing (no utm tags or click id, and no referrer, or
 * only one that never counts: the shop's own host when the landing page names it, a checkout or
 * sign-in page): the payment has no landing touch and goes on as before, to the timestamp fallback
 * and else unattributed. Evidence that does not parse is no evidence either; nothing here throws.
 */
public final class LandingEvidence implements Serializable {
  private final ChannelClassifier classifier;

  public LandingEvidence(ChannelClassifier classifier) {
    this.classifier = classifier;
  }

  /** With the channel hosts the sessions use. */
  public static LandingEvidence defaults() {
    return new LandingEvidence(new ChannelClassifier(ChannelHosts.defaults()));
  }

  /**
   * The touch the payment's landing page and referrer make, at the payment's time; null when it has
   * neither or they say nothing (see the class comment).
   */
  public Touch touchOf(PaymentEvent p) {
    if (!p.hasLandingEvidence()) {
      return null;
    }
    try {
      Pageview landing =
          TrackingParser.landing(p.siteId(), p.landingUrl(), p.referrerUrl(), p.occurredAtMillis());
      Channel channel = classifier.classify(landing);
      if (Model.DIRECT.equals(channel.group())) {
        return null;
      }
      return Touch.of(Session.open(landing, channel));
    } catch (RuntimeException e) {
      // an address no parser expected: it is no evidence, and the payment goes on without it
      return null;
    }
  }

  /** True when the payment has a landing touch: it goes to attribution, not to a guess by time. */
  public boolean applies(PaymentEvent p) {
    return touchOf(p) != null;
  }
}
