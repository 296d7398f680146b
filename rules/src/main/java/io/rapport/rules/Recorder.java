package io.rapport.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.FactHandle;

/**
 * The {@link Journey} of one evaluation: records what consequences ask for, tagged with the rule
 * that is firing (learned from the agenda) and the touchpoint being decided.
 */
final class Recorder extends DefaultAgendaEventListener implements Journey {
  private final Touchpoint touchpoint;
  private final KieSession session;
  private final List<Transition> transitions = new ArrayList<>();
  private final List<ActionRequest> actions = new ArrayList<>();
  private final List<String> fired = new ArrayList<>();
  private String currentRule = "(none)";

  Recorder(Touchpoint touchpoint, KieSession session) {
    this.touchpoint = touchpoint;
    this.session = session;
  }

  @Override
  public void beforeMatchFired(BeforeMatchFiredEvent event) {
    currentRule = event.getMatch().getRule().getName();
    fired.add(currentRule);
  }

  @Override
  public void moveTo(Customer customer, String stage, String reason) {
    if (stage == null || stage.isBlank()) {
      throw new IllegalArgumentException("rule '" + currentRule + "' moved to an empty stage");
    }
    if (stage.equals(customer.getStage())) {
      return;
    }
    String from = customer.getStage();
    customer.enter(stage, touchpoint.occurredAt());
    transitions.add(
        new Transition(
            customer.getId(), from, stage, currentRule, reason, touchpoint.id(), touchpoint.occurredAt()));
    // Let other rules see the new stage, so transitions chain within one evaluation.
    FactHandle handle = session.getFactHandle(customer);
    if (handle != null) {
      session.update(handle, customer);
    }
  }

  @Override
  public void send(Customer customer, String channel, String template, Map<String, ?> params) {
    if (channel == null || channel.isBlank() || template == null || template.isBlank()) {
      throw new IllegalArgumentException(
          "rule '" + currentRule + "' sent an action without channel or template");
    }
    actions.add(
        new ActionRequest(
            customer.getId(),
            channel,
            template,
            new LinkedHashMap<>(params),
            currentRule,
            touchpoint.id(),
            actions.size()));
  }

  Decision decision() {
    return new Decision(transitions, actions, fired, null);
  }
}
