package io.rapport.engine.store;

import io.rapport.rules.Decision;
import io.rapport.rules.Touchpoint;

/** A new touchpoint with what the rules decided for it, ready to be written. */
public record Decided(Touchpoint touchpoint, Decision decision) {
  /** What became of the touchpoint, as stored and counted: {@code decided} or {@code rule_error}. */
  public String outcome() {
    return decision.failedToDecide() ? "rule_error" : "decided";
  }
}
