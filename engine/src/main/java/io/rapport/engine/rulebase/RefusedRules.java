package io.rapport.engine.rulebase;

import io.rapport.rules.RuleProblem;
import io.rapport.rules.scenario.ScenarioResult;
import java.util.List;

/** A rule change that was not put live: compile errors, refused code or failing scenarios. */
public final class RefusedRules extends RuntimeException {
  private final transient List<RuleProblem> problems;
  private final transient List<ScenarioResult> failedScenarios;

  RefusedRules(String message, List<RuleProblem> problems, List<ScenarioResult> failedScenarios) {
    super(message);
    this.problems = List.copyOf(problems);
    this.failedScenarios = List.copyOf(failedScenarios);
  }

  public List<RuleProblem> problems() {
    return problems;
  }

  public List<ScenarioResult> failedScenarios() {
    return failedScenarios;
  }
}
