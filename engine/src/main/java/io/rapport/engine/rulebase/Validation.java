package io.rapport.engine.rulebase;

import io.rapport.rules.RuleProblem;
import java.util.List;

/** The answer to "would this file compile against the active rule base?". */
public record Validation(boolean valid, List<RuleProblem> errors, List<RuleProblem> warnings) {}
