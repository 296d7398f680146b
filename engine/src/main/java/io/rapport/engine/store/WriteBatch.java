package io.rapport.engine.store;

import io.rapport.rules.Customer;
import io.rapport.rules.Touchpoint;
import io.rapport.rules.TimerRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  /** The timers this batch fired: its timer touchpoints, duplicates included. */
  public List<Touchpoint> firedTimers() {
    List<Touchpoint> fired = new ArrayList<>(repeatedTimers);
    for (Decided d : decided) {
      if (Touchpoint.TIMER.equals(d.touchpoint().type())) {
        fired.add(d.touchpoint());
      }
    }
    return fired;
  }

  /** The decisions' timer requests, the last one per customer and name (it wins), in order. */
  public Collection<TimerRequest> lastTimerRequests() {
    Map<List<String>, TimerRequest> last = new LinkedHashMap<>();
    for (Decided d : decided) {
      for (TimerRequest r : d.decision().timers()) {
        last.put(List.of(r.customerId(), r.name()), r);
      }
    }
    return last.values();
  }
}
