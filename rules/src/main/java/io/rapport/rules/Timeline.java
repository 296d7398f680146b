package io.rapport.rules;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Decides a history of touchpoints in event time, in memory, with durable-timer semantics: a
 * replay, a simulation or a scenario test. Every touchpoint with occurredAt &lt;= T is decided
 * before any timer due at T fires; timers fire in due order; a timer scheduled again under the
 * same name replaces the pending one. Not thread-safe: one timeline, one thread.
 */
public final class Timeline {

  /** Sees each decision as it is made. */
  @FunctionalInterface
  public interface Observer {
    void decided(Touchpoint touchpoint, Decision decision, Customer after);
  }

  private record Pending(String customerId, String name, Instant dueAt, Map<String, Object> payload, long seq)
      implements Comparable<Pending> {
    @Override
    public int compareTo(Pending o) {
      int c = dueAt.compareTo(o.dueAt);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final RuleBook rules;
  private final Observer observer;
  private final Map<String, Customer> customers = new HashMap<>();
  private final PriorityQueue<Pending> queue = new PriorityQueue<>();
  /** The live entry per customer and name; queue entries not in here were replaced or cancelled. */
  private final Map<String, Pending> pending = new HashMap<>();
  private final Set<String> seen = new HashSet<>();
  private long seq;
  private long duplicates;

  public Timeline(RuleBook rules, Observer observer) {
    this.rules = rules;
    this.observer = observer;
  }

  /** Starts a customer from a known state instead of a new PROSPECT. */
  public void seed(Customer customer) {
    customers.put(customer.getId(), customer);
  }

  /**
   * Fires the timers due before this touchpoint's time, then decides it. A touchpoint id seen
   * before is a duplicate and decides nothing; returns false then.
   */
  public boolean offer(Touchpoint t) {
    fireBefore(t.occurredAt());
    if (!seen.add(t.id())) {
      duplicates++;
      return false;
    }
    decide(t);
    return true;
  }

  /** Fires every timer due at or before {@code until}, in due order. */
  public void finish(Instant until) {
    while (!queue.isEmpty() && !queue.peek().dueAt().isAfter(until)) {
      fire(queue.poll());
    }
  }

  private void fireBefore(Instant time) {
    while (!queue.isEmpty() && queue.peek().dueAt().isBefore(time)) {
      fire(queue.poll());
    }
  }

  private void fire(Pending p) {
    String key = p.customerId() + '\u0000' + p.name();
    if (pending.get(key) != p) {
      return; // replaced or cancelled since
    }
    pending.remove(key);
    Touchpoint timer = Touchpoint.timer(p.customerId(), p.name(), p.dueAt(), p.payload());
    seen.add(timer.id());
    decide(timer);
  }

  private void decide(Touchpoint t) {
    Customer customer = customers.computeIfAbsent(t.customerId(), Customer::new);
    Decision d = rules.decide(customer, t);
    for (TimerRequest r : d.timers()) {
      String key = r.customerId() + '\u0000' + r.name();
      if (r.cancels()) {
        pending.remove(key);
      } else {
        Pending p = new Pending(r.customerId(), r.name(), r.dueAt(), r.payload(), seq++);
        pending.put(key, p);
        queue.add(p);
      }
    }
    observer.decided(t, d, customer);
  }

  public Customer customer(String id) {
    return customers.get(id);
  }

  public Collection<Customer> customers() {
    return customers.values();
  }

  /** Timers scheduled and not yet fired or cancelled. */
  public List<TimerRequest> pendingTimers() {
    return pending.values().stream()
        .sorted()
        .map(p -> new TimerRequest(p.customerId(), p.name(), p.dueAt(), p.payload(), null, null))
        .toList();
  }

  public long duplicates() {
    return duplicates;
  }
}
