package io.rapport.engine.store;

import io.rapport.rules.Decision;
import io.rapport.rules.Touchpoint;

/**
 * A touchpoint with what the rules decided for it, ready to be written. {@code again} marks one decided anew after a
 * rule error: it is stored already, and only its outcome changes.
 */
public record Decided(Touchpoint touchpoint, Decision decision, boolean again) {
  /** The outcome a rule error is stored and counted with. */
  public static final String RULE_ERROR = "rule_error";

  public Decided(Touchpoint touchpoint, Decision decision) {
    this(touchpoint, decision, false);
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
