package io.rapport.rules;

import java.util.List;

/**
 * What the rules decided for one touchpoint: transitions (in order), actions, timers, the rules
 * that fired, the discount codes issued, and an error when a rule failed (the aggregates still count, nothing else is kept).
 */
public record Decision(
    List<Transition> transitions,
    List<ActionRequest> actions,
    List<TimerRequest> timers,
    List<String> firedRules,
    String error,
    List<IssuedCode> codes) {

  public Decision {
    transitions = List.copyOf(transitions);
    actions = List.copyOf(actions);
    timers = List.copyOf(timers);
    firedRules = List.copyOf(firedRules);
    codes = List.copyOf(codes);
  }

  /** A decision that issued no discount code. */
  public Decision(List<Transition> transitions, List<ActionRequest> actions, List<TimerRequest> timers,
      List<String> firedRules, String error) {
    this(transitions, actions, timers, firedRules, error, List.of());
  }

  public static Decision failed(String error) {
    return new Decision(List.of(), List.of(), List.of(), List.of(), error);
  }

  public boolean failedToDecide() {
    return error != null;
  }
}
