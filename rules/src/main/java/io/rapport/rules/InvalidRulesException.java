package io.rapport.rules;

import java.util.List;
import java.util.stream.Collectors;

/** The rule files do not compile; {@link #problems()} says where and why. */
public final class InvalidRulesException extends RuntimeException {
  private final transient List<RuleProblem> problems;

  public InvalidRulesException(List<RuleProblem> problems) {
    super(
        "rules do not compile:\n"
            + problems.stream().map(RuleProblem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<RuleProblem> problems() {
    return problems;
  }
}
