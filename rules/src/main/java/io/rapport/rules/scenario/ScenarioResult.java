package io.rapport.rules.scenario;

import java.util.List;

/** How one scenario went: passed when nothing differed from what it expected. */
public record ScenarioResult(Scenario scenario, List<String> differences) {
  public ScenarioResult {
    differences = List.copyOf(differences);
  }

  public boolean passed() {
    return differences.isEmpty();
  }
}
