package io.rapport.engine.outbox;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: initial, doubled per attempt, capped. */
record Backoff(Duration initial, Duration max) {

  /** The wait after {@code attempts} failed attempts (1 = after the first). */
  Duration after(int attempts) {
    long base = initial.toMillis() << Math.min(attempts - 1, 30);
    long capped = Math.min(base <= 0 ? Long.MAX_VALUE : base, max.toMillis());
    // Up to 20% less, so actions that failed together do not retry together.
    long jitter = (long) (capped * 0.2 * ThreadLocalRandom.current().nextDouble());
    return Duration.ofMillis(capped - jitter);
  }
}
