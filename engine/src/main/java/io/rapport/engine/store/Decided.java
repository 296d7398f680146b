package io.rapport.engine.store;

import io.rapport.rules.Decision;
import io.rapport.rules.Touchpoint;

/**
 * A touchpoint with what the rules decided for it, ready to be written. {@code again} marks one decided anew after a
 * rule error: it is stored already, and only its outcome changes. {@code backfill} marks one of a backfill: its actions
 * are recorded suppressed, never sent.
 */
public record Decided(Touchpoint touchpoint, Decision decision, boolean again, boolean backfill) {
  /** The outcome a rule error is stored and counted with. */
  public static final String RULE_ERROR = "rule_error";
  /** Why the actions of a backfill (history being imported) are recorded and never sent. */
  public static final String BACKFILL = "backfill";

  public Decided(Touchpoint touchpoint, Decision decision) {
    this(touchpoint, decision, false, false);
  }

  public Decided(Touchpoint touchpoint, Decision decision, boolean again) {
    this(touchpoint, decision, again, false);
  }

  /** Why this action is recorded suppressed as it is stored, or null: it goes to the relay. */
  public String suppressedBecause(io.rapport.rules.ActionRequest action) {
    if (action.suppressed()) {
      return action.suppressedBecause();
    }
    return backfill ? BACKFILL : null;
  }

  /** What became of the touchpoint, as stored and counted: {@code decided} or {@code rule_error}. */
  public String outcome() {
    return decision.failedToDecide() ? RULE_ERROR : "decided";
  }

  /** What the rule failure said, at most 1000 characters, or null. */
  public String error() {
    String e = decision.error();
    return e == null || e.length() <= 1000 ? e : e.substring(0, 1000);
  }
}
