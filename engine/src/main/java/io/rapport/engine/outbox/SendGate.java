package io.rapport.engine.outbox;

import io.rapport.engine.metrics.JourneyMetrics;
import io.rapport.engine.store.Guarded;
import io.rapport.engine.store.OutboxAction;
import io.rapport.engine.store.Recipient;
import io.rapport.engine.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The guardrails at the relay's door: lets through the actions they allow now and records the verdicts on the
 * others (suppressed, or deferred), counting the marketing actions sent but not yet recorded so that the frequency
 * cap sees them. Only the relay's thread uses it.
 */
final class SendGate {
  private final Store store;
  private final Guardrails guardrails;
  private final JourneyMetrics metrics;
  private final Clock clock;
  /** Marketing actions sent and not yet recorded as sent, by customer: the store does not count them yet. */
  private final Map<String, Integer> marketingUnderWay = new HashMap<>();

  SendGate(Store store, Guardrails guardrails, JourneyMetrics metrics, Clock clock) {
    this.store = store;
    this.guardrails = guardrails;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * The actions the guardrails let through now, with what the store holds of their customers (read once, for the
   * guardrails and the messages alike).
   */
  record Passed(List<OutboxAction> actions, Map<String, Recipient> recipients) {
    /** The customer's attributes as the guardrails read them; none for a customer the store does not hold. */
    Map<String, Object> attributesOf(String customerId) {
      return recipients.getOrDefault(customerId, Recipient.UNKNOWN).attributes();
    }
  }

  /**
   * The actions the guardrails let through now. When the store cannot record the other verdicts it throws and
   * nothing is sent: the claims run out and the poll brings the actions back.
   */
  Passed letThrough(List<OutboxAction> actions) {
    if (actions.isEmpty()) {
      return new Passed(actions, Map.of());
    }
    Instant now = clock.instant();
    Set<String> customers = new HashSet<>();
    actions.forEach(a -> customers.add(a.customerId()));
    // transactional actions pass the frequency cap: a batch of only those needs no count of sends
    boolean marketing = actions.stream().anyMatch(a -> !a.transactional());
    Map<String, Recipient> recipients =
        store.recipients(customers, marketing ? guardrails.frequencySince(now) : null);
    Map<String, Integer> thisRound = new HashMap<>();
    List<OutboxAction> go = new ArrayList<>(actions.size());
    List<Guarded> held = new ArrayList<>();
    for (OutboxAction a : actions) {
      String customer = a.customerId();
      int before = marketingUnderWay.getOrDefault(customer, 0) + thisRound.getOrDefault(customer, 0);
      Guardrails.Verdict verdict = guardrails.judge(a, recipients.getOrDefault(customer, Recipient.UNKNOWN), before,
          now);
      if (verdict instanceof Guardrails.Suppress s) {
        held.add(Guarded.suppressed(a.id(), s.reason()));
      } else if (verdict instanceof Guardrails.Defer d) {
        held.add(Guarded.deferred(a.id(), d.reason(), d.until()));
      } else {
        go.add(a);
        if (!a.transactional()) {
          thisRound.merge(customer, 1, Integer::sum);
        }
      }
    }
    store.recordGuarded(held);
    for (Guarded g : held) {
      if (g.deferredUntil() == null) {
        metrics.suppressed(g.reason());
      } else {
        metrics.deferred(g.reason());
      }
    }
    return new Passed(go, recipients);
  }

  /** The action is on its way to its connector. */
  void sent(OutboxAction a) {
    if (!a.transactional()) {
      marketingUnderWay.merge(a.customerId(), 1, Integer::sum);
    }
  }

  /** The action's outcome is recorded: the store counts it from now on, if it was sent. */
  void recorded(OutboxAction a) {
    if (!a.transactional()) {
      marketingUnderWay.computeIfPresent(a.customerId(), (k, n) -> n > 1 ? n - 1 : null);
    }
  }
}
