package io.rapport.rules.replay;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a replay decided: customers and touchpoints seen, final stages, transitions by
 * "FROM->TO", and actions by template (including those a guardrail would hold back).
 */
public record ReplayReport(
    long customers,
    long touchpoints,
    SortedMap<String, Long> stages,
    SortedMap<String, Long> transitions,
    SortedMap<String, Long> actions) {

  public ReplayReport {
    stages = new TreeMap<>(stages);
    transitions = new TreeMap<>(transitions);
    actions = new TreeMap<>(actions);
  }
}
