package io.rapport.engine.store;

import io.rapport.rules.Customer;
import io.rapport.rules.Touchpoint;
import java.time.Instant;
import java.util.List;

/**
 * Everything one group commit writes in one transaction: the new touchpoints with their
 * decisions, the customers they changed (version 0 means never stored), and timer touchpoints
 * that were duplicates (a timer fired twice): their timers are removed all the same.
 * {@code claimUntil}, when set, asks the store to claim the new pending actions for immediate
 * delivery until then, so that no relay's poll takes them meanwhile.
 */
public record WriteBatch(
    List<Decided> decided, List<Customer> customers, Instant receivedAt, List<Touchpoint> repeatedTimers, Instant claimUntil) {
  public WriteBatch {
    decided = List.copyOf(decided);
    customers = List.copyOf(customers);
    repeatedTimers = List.copyOf(repeatedTimers);
  }

  public WriteBatch(List<Decided> decided, List<Customer> customers, Instant receivedAt) {
    this(decided, customers, receivedAt, List.of(), null);
  }

  public boolean isEmpty() {
    return decided.isEmpty() && repeatedTimers.isEmpty();
  }
}
