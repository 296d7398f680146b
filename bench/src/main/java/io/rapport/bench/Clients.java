package io.rapport.bench;

import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.Arrays;

/**
 * Clients that split the customers between them: client k of n sends only the customers c-i
 * with i % n == k, one request at a time, so each customer's touchpoints arrive in the order
 * they were generated.
 */
final class Clients {
  private final TouchpointMix[] mixes;
  private final long[] sent;
  private final int customers;
  private final String run;
  private final Instant from;
  private final int rounds;

  /** {@code run} prefixes the touchpoint ids, so that each phase of each run sends its own. */
  Clients(int n, int customers, String run, Instant from, int rounds) {
    this.customers = customers;
    this.run = run;
    this.from = from;
    this.rounds = rounds;
    mixes = new TouchpointMix[n];
    sent = new long[n];
    for (int k = 0; k < n; k++) {
      mixes[k] = mix(k);
    }
  }

  /** A fresh copy of client k's stream, from its first touchpoint. */
  TouchpointMix mix(int k) {
    return new TouchpointMix(42 + k, customers, run, from, mixes.length, k, rounds);
  }

  int size() {
    return mixes.length;
  }

  /** Touchpoints client k has sent so far. */
  long sent(int k) {
    return sent[k];
  }

  synchronized long mostSent() {
    return Arrays.stream(sent).max().orElse(0);
  }

  /** Whether every client has sent each of its customers its rounds of history (always, without rounds). */
  synchronized boolean historySent() {
    for (int k = 0; k < mixes.length; k++) {
      if (sent[k] < mixes[k].inRounds()) {
        return false;
      }
    }
    return true;
  }

  Buffer nextBatch(int k, int size) {
    StringBuilder lines = new StringBuilder(size * 200);
    for (int i = 0; i < size; i++) {
      mixes[k].appendNextLine(lines);
    }
    synchronized (this) {
      sent[k] += size;
    }
    return Buffer.buffer(lines.toString());
  }
}
