package io.rapport.rules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
  /** The attribute the consent guardrail reads: false means no email may be sent. */
  static final String EMAIL_CONSENT = "emailConsent";
  private static final char[] CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

  private final Touchpoint touchpoint;
  private final KieSession session;
  private final List<Transition> transitions = new ArrayList<>();
  private final List<ActionRequest> actions = new ArrayList<>();
  private final List<TimerRequest> timers = new ArrayList<>();
  private final List<String> fired = new ArrayList<>();
  private String currentRule;

  Recorder(Touchpoint touchpoint, KieSession session, String actor) {
    this.touchpoint = touchpoint;
    this.session = session;
    this.currentRule = actor;
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
        new Transition(customer.getId(), from, stage, currentRule, reason, touchpoint.id(), touchpoint.occurredAt()));
    changed(customer, "stage", "stageSince");
  }

  @Override
  public void send(Customer customer, String channel, String template, Map<String, ?> params) {
    if (channel == null || channel.isBlank() || template == null || template.isBlank()) {
      throw new IllegalArgumentException("rule '" + currentRule + "' sent an action without channel or template");
    }
    String suppressed = null;
    if ("email".equals(channel) && Boolean.FALSE.equals(customer.attribute(EMAIL_CONSENT))) {
      suppressed = "no email consent";
    }
    actions.add(
        new ActionRequest(customer.getId(), channel, template, new LinkedHashMap<>(params), currentRule,
            touchpoint.id(), actions.size(), suppressed));
  }

  @Override
  public void after(Customer customer, Duration delay, String name, Map<String, ?> payload) {
    if (delay == null || delay.isNegative() || name == null || name.isBlank()) {
      throw new IllegalArgumentException("rule '" + currentRule + "' scheduled a timer without a name or with a negative delay");
    }
    timers.add(new TimerRequest(customer.getId(), name, touchpoint.occurredAt().plus(delay),
        new LinkedHashMap<>(payload), currentRule, touchpoint.id()));
  }

  @Override
  public void at(Customer customer, Instant when, String name) {
    if (when == null) {
      throw new IllegalArgumentException("rule '" + currentRule + "' scheduled a timer at no time");
    }
    Duration delay = Duration.between(touchpoint.occurredAt(), when);
    after(customer, delay.isNegative() ? Duration.ZERO : delay, name, Map.of());
  }

  @Override
  public void cancel(Customer customer, String name) {
    timers.add(new TimerRequest(customer.getId(), name, null, Map.of(), currentRule, touchpoint.id()));
  }

  @Override
  public void set(Customer customer, String attribute, Object value) {
    if (attribute == null || attribute.isBlank()) {
      throw new IllegalArgumentException("rule '" + currentRule + "' set an attribute without a name");
    }
    if (customer.setAttribute(attribute, value)) {
      changed(customer, "attributes");
    }
  }

  @Override
  public String discountCode(Customer customer, int percent) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest((customer.getId() + "|" + percent).getBytes(StandardCharsets.UTF_8));
      StringBuilder code = new StringBuilder(String.format(Locale.ROOT, "R%02d-", percent));
      for (int i = 0; i < 8; i++) {
        code.append(CODE_ALPHABET[(hash[i] & 0xff) % CODE_ALPHABET.length]);
      }
      return code.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Instant now() {
    return touchpoint.occurredAt();
  }

  @Override
  public long daysSince(Instant then) {
    return then == null ? Long.MAX_VALUE / 2 : ChronoUnit.DAYS.between(then, touchpoint.occurredAt());
  }

  /**
   * Lets other rules see the change, so decisions chain within one evaluation. Naming the
   * properties keeps property reactivity: a rule that only matched {@code Customer()} is not
   * fired again (and does not send its email twice) because the stage moved.
   */
  private void changed(Customer customer, String... properties) {
    FactHandle handle = session.getFactHandle(customer);
    if (handle != null) {
      session.update(handle, customer, properties);
    }
  }

  Decision decision() {
    return new Decision(transitions, actions, timers, fired, null);
  }
}
