package dev.tributary.job.attribution;

import java.time.Duration;
import java.util.List;

/**
 * The attribution models, all computed for every payment and stored side by side in the ledger.
 * Each turns a visitor's journey (touches oldest first, the converting one last) into integer
 * weights; {@link LargestRemainder} turns the weights into exact minor units.
 */
public enum Model {
  /** All credit to the touch that brought the visitor first. */
  FIRST_TOUCH("first_touch"),
  /** All credit to the touch the visitor paid from. */
  LAST_TOUCH("last_touch"),
  /** All credit to the latest touch that was not Direct (Direct only if nothing else exists). */
  LAST_NON_DIRECT("last_non_direct"),
  /** Equal credit to every touch. */
  LINEAR("linear"),
  /** 40 % first, 40 % last, 20 % shared by the touches between (50/50 with two touches). */
  POSITION_BASED("position_based"),
  /** Credit halves for every half-life a touch lies before the payment. */
  TIME_DECAY("time_decay");

  public static final String DIRECT = "Direct";

  /** Resolution of time-decay weights: a touch at the payment time weighs this much. */
  static final long DECAY_SCALE = 1_000_000_000L;

  private final String id;

  Model(String id) {
    this.id = id;
  }

  /** The value of the ledger's {@code model} column. */
  public String id() {
    return id;
  }

  /** Weights for {@code journey} (non-empty, oldest first) of a payment at {@code paidAtMillis}. */
  public long[] weights(List<Touch> journey, long paidAtMillis, Duration halfLife) {
    int n = journey.size();
    long[] w = new long[n];
    switch (this) {
      case FIRST_TOUCH -> w[0] = 1;
      case LAST_TOUCH -> w[n - 1] = 1;
      case LAST_NON_DIRECT -> {
        int chosen = n - 1;
        for (int i = n - 1; i >= 0; i--) {
          if (!DIRECT.equals(journey.get(i).channel())) {
            chosen = i;
            break;
          }
        }
        w[chosen] = 1;
      }
      case LINEAR -> java.util.Arrays.fill(w, 1);
      case POSITION_BASED -> {
        if (n <= 2) {
          java.util.Arrays.fill(w, 1);
        } else {
          // first and last 2 parts each, the n-2 middle touches 1 part each: 40/20/40
          java.util.Arrays.fill(w, 1);
          w[0] = 2L * (n - 2);
          w[n - 1] = 2L * (n - 2);
        }
      }
      case TIME_DECAY -> {
        double half = Math.max(1, halfLife.toMillis());
        for (int i = 0; i < n; i++) {
          double age = Math.max(0, paidAtMillis - journey.get(i).startedAtMillis());
          // StrictMath: the same weights on every JVM, so replays book the same cents.
          w[i] = Math.max(1, Math.round(DECAY_SCALE * StrictMath.pow(0.5, age / half)));
        }
      }
      default -> throw new IllegalStateException("unknown model " + this);
    }
    return w;
  }
}
