package io.rapport.rules;

import java.util.List;

/**
 * What the rules decided for one touchpoint: transitions (in order), actions, timers, the rules
 * that fired, and an error when a rule failed (the aggregates still count, nothing else is kept).
 */
public record Decision(
    List<Transition> transitions,
    List<ActionRequest> actions,
    List<TimerRequest> timers,
    List<String> firedRules,
    String error) {

  public Decision {
    transitions = List.copyOf(transitions);
    actions = List.copyOf(actions);
    timers = List.copyOf(timers);
    firedRules = List.copyOf(firedRules);
  }

  public static Decision failed(String error) {
    return new Decision(List.of(), List.of(), List.of(), List.of(), error);
  }

  public boolean failedToDecide() {
    return error != null;
  }
}
