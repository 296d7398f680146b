package io.rapport.rules;

import java.time.Duration;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.runtime.KieSession;

/**
 * The time the rules may fire for one decision, checked between firings: once it has passed,
 * the session halts, and the rule about to fire is the one named in the failure. A chain of
 * rules that never settles ends here (or at the firing cap, whichever comes first).
 */
final class DecisionBudget extends DefaultAgendaEventListener {
  private final KieSession session;
  private final long budgetNanos;
  private long deadline;
  private String exceededBy;

  DecisionBudget(KieSession session, Duration budget) {
    this.session = session;
    this.budgetNanos = budget.toNanos();
  }

  /** Starts the clock of a decision. */
  void start() {
    deadline = System.nanoTime() + budgetNanos;
    exceededBy = null;
  }

  @Override
  public void beforeMatchFired(BeforeMatchFiredEvent event) {
    if (exceededBy == null && System.nanoTime() - deadline > 0) {
      exceededBy = event.getMatch().getRule().getName();
      session.halt();
    }
  }

  /** The rule that was firing when the budget ran out, or null while it lasts. */
  String exceededBy() {
    return exceededBy;
  }
}
