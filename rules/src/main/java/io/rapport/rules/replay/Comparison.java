package io.rapport.rules.replay;

import io.rapport.rules.Transition;
import java.util.List;
import java.util.SortedMap;

/**
 * The same history under two rule books: both reports, and the customers whose final stage
 * differs (how many, and a sample with each one's two paths and the rules that made them).
 */
public record Comparison(
    ReplayReport baseline,
    ReplayReport candidate,
    SortedMap<String, long[]> stageCounts,
    long customersChanged,
    List<ChangedCustomer> sample) {

  /** One customer who ends in another stage under the candidate rules. */
  public record ChangedCustomer(
      String customerId, String baselineStage, String candidateStage, List<Transition> baselinePath, List<Transition> candidatePath) {}
}
