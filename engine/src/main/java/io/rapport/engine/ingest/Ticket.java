package io.rapport.engine.ingest;

import java.util.function.Consumer;

/**
 * One ingest request spread over partitions: counts what each partition accepted or found
 * duplicate, and reports once, when the last of its touchpoints is committed or has failed.
 */
final class Ticket {
  private final int size;
  private final Consumer<Ticket> onDone;
  private int remaining;
  private int accepted;
  private int duplicates;
  private RuntimeException failure;

  Ticket(int size, Consumer<Ticket> onDone) {
    this.size = size;
    this.remaining = size;
    this.onDone = onDone;
  }

  /** Called by a partition worker for the part of this request it has settled. */
  void settle(int acceptedHere, int duplicatesHere, int failedHere, RuntimeException cause) {
    boolean done;
    synchronized (this) {
      accepted += acceptedHere;
      duplicates += duplicatesHere;
      remaining -= acceptedHere + duplicatesHere + failedHere;
      if (cause != null && failure == null) {
        failure = cause;
      }
      done = remaining == 0;
    }
    if (done) {
      onDone.accept(this);
    }
  }

  int size() {
    return size;
  }

  synchronized int accepted() {
    return accepted;
  }

  synchronized int duplicates() {
    return duplicates;
  }

  /** The first failure of any partition, or null when every touchpoint was committed. */
  synchronized RuntimeException failure() {
    return failure;
  }
}
