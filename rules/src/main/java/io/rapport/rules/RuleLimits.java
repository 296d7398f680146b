package io.rapport.rules;

import java.time.Duration;
import java.util.Objects;

/**
 * What one decision may cost: rules that keep firing each other never settle, and a decision
 * that does not settle must end, fail, and leave the thread to the next one.
 *
 * @param decisionBudget longest the rules may fire for one touchpoint (the engine's
 *     {@code rules.decision-timeout}); checked between firings
 * @param maxFirings most rule firings for one touchpoint
 */
public record RuleLimits(Duration decisionBudget, int maxFirings) {
  public static final Duration DEFAULT_DECISION_BUDGET = Duration.ofMillis(200);
  public static final int DEFAULT_MAX_FIRINGS = 10_000;
  public static final RuleLimits DEFAULTS = new RuleLimits(DEFAULT_DECISION_BUDGET, DEFAULT_MAX_FIRINGS);

  public RuleLimits {
    Objects.requireNonNull(decisionBudget, "decisionBudget");
    if (decisionBudget.isNegative() || decisionBudget.isZero()) {
      throw new IllegalArgumentException("the decision budget must be positive, not " + decisionBudget);
    }
    if (maxFirings < 1) {
      throw new IllegalArgumentException("the most firings per decision must be at least 1, not " + maxFirings);
    }
  }

  /** The defaults with another decision budget. */
  public static RuleLimits withDecisionBudget(Duration decisionBudget) {
    return new RuleLimits(decisionBudget, DEFAULT_MAX_FIRINGS);
  }
}
