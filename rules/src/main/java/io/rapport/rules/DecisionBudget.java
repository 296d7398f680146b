package io.rapport.rules;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.runtime.KieSession;

/**
 * The time the rules may fire for one decision, checked between firings: once it has passed,
 * the session halts, and the rule about to fire is the one named in the failure. A chain of
 * rules that never settles ends here (or at the firing cap, whichever comes first).
 *
 * <p>The time is the deciding thread's CPU time: a machine busy with other work (a backlog, a
 * collection, another process) slows a decision down without making its rules wrong, so only
 * the rules' own work counts. A decision within its budget reads that clock once, at its start;
 * it is read again only when the wall clock says the budget may be spent. Where the JVM has no
 * thread CPU clock, the wall clock alone counts.
 */
final class DecisionBudget extends DefaultAgendaEventListener {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final boolean CPU_CLOCK =
      THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
  private final KieSession session;
  private final long budgetNanos;
  private long deadline;
  private long cpuAtStart;
  private String exceededBy;

  DecisionBudget(KieSession session, Duration budget) {
    this.session = session;
    this.budgetNanos = budget.toNanos();
  }

  /** Starts the clock of a decision. */
  void start() {
    deadline = System.nanoTime() + budgetNanos;
    cpuAtStart = CPU_CLOCK ? THREADS.getCurrentThreadCpuTime() : 0;
    exceededBy = null;
  }

  @Override
  public void beforeMatchFired(BeforeMatchFiredEvent event) {
    if (exceededBy == null && System.nanoTime() - deadline > 0) {
      long spent = CPU_CLOCK ? THREADS.getCurrentThreadCpuTime() - cpuAtStart : budgetNanos;
      if (spent < budgetNanos) {
        deadline = System.nanoTime() + (budgetNanos - spent); // waited, not worked: the rest of the budget
        return;
      }
      exceededBy = event.getMatch().getRule().getName();
      session.halt();
    }
  }

  /** The rule that was firing when the budget ran out, or null while it lasts. */
  String exceededBy() {
    return exceededBy;
  }
}
