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
  /** Longest text a rule may keep in an attribute or an action's parameter. */
  static final int MAX_TEXT = 4096;
  /** A stage, timer, attribute or parameter name: one word, letters, digits, '_', '-' and '.'. */
  private static final java.util.regex.Pattern WORD = java.util.regex.Pattern.compile("[\\p{L}\\p{N}_.-]{1,64}");

  private final Touchpoint touchpoint;
  private final KieSession session;
  private final List<Transition> transitions = new ArrayList<>();
  private final List<ActionRequest> actions = new ArrayList<>();
  private final List<TimerRequest> timers = new ArrayList<>();
  private final List<String> fired = new ArrayList<>();
  private final List<IssuedCode> issued = new ArrayList<>();
  private final DiscountCodes codes;
  /** Templates whose actions are transactional whatever the rule says (escalations, receipts). */
  private final java.util.Set<String> transactionalTemplates;
  private String currentRule;

  Recorder(Touchpoint touchpoint, KieSession session, String actor, DiscountCodes codes,
      java.util.Set<String> transactionalTemplates) {
    this.transactionalTemplates = transactionalTemplates;
    this.touchpoint = touchpoint;
    this.session = session;
    this.currentRule = actor;
    this.codes = codes;
  }

  @Override
  public void beforeMatchFired(BeforeMatchFiredEvent event) {
    currentRule = event.getMatch().getRule().getName();
    fired.add(currentRule);
  }

  /** The rule firing now, or the engine before any fired. */
  String currentRule() {
    return currentRule;
  }

  @Override
  public void moveTo(Customer customer, String stage, String reason) {
    if (stage == null || stage.isBlank()) {
      throw new IllegalArgumentException("rule '" + currentRule + "' moved to an empty stage");
    }
    word("stage", stage);
    text("reason", reason);
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
    // consent, like every guardrail, is checked when the action is sent: the customer may change their mind between
    Map<String, Object> values = plainValues("parameter", params);
    boolean transactional = Boolean.TRUE.equals(values.get(ActionRequest.TRANSACTIONAL))
        || transactionalTemplates.contains(template);
    // a code of this decision that the action carries is stored with it, for the redemptions to be attributed
    for (int i = 0; i < issued.size(); i++) {
      IssuedCode c = issued.get(i);
      if (c.actionSequence() == null && values.containsValue(c.code())) {
        issued.set(i, c.sentWith(template, actions.size()));
      }
    }
    actions.add(new ActionRequest(customer.getId(), channel, template, values, currentRule, touchpoint.id(),
        actions.size(), null, transactional));
  }

  @Override
  public void after(Customer customer, Duration delay, String name, Map<String, ?> payload) {
    if (delay == null || delay.isNegative() || name == null || name.isBlank()) {
      throw new IllegalArgumentException("rule '" + currentRule + "' scheduled a timer without a name or with a negative delay");
    }
    word("timer name", name);
    timers.add(new TimerRequest(customer.getId(), name, touchpoint.occurredAt().plus(delay),
        plainValues("timer payload", payload), currentRule, touchpoint.id()));
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
    word("timer name", name);
    timers.add(new TimerRequest(customer.getId(), name, null, Map.of(), currentRule, touchpoint.id()));
  }

  @Override
  public void set(Customer customer, String attribute, Object value) {
    if (attribute == null || attribute.isBlank()) {
      throw new IllegalArgumentException("rule '" + currentRule + "' set an attribute without a name");
    }
    word("attribute name", attribute);
    if (attribute.endsWith("Consent") && !Boolean.FALSE.equals(value) && !"false".equals(value)) {
      // consent is the customer's to give (a subscribe touchpoint); a rule may only withdraw it
      throw new IllegalArgumentException("rule '" + currentRule + "' set " + attribute + " to " + value
          + ": only the customer gives consent (a subscribe touchpoint); a rule may set it to false only");
    }
    if (customer.setAttribute(attribute, plainValue("attribute " + attribute, value))) {
      changed(customer, "attributes");
    }
  }

  @Override
  public String discountCode(Customer customer, int percent, int validDays) {
    if (percent < 1 || percent > 100) {
      throw new IllegalArgumentException("rule '" + currentRule + "' asked for a discount of " + percent
          + "%: between 1 and 100");
    }
    if (validDays < 1 || validDays > 3660) {
      throw new IllegalArgumentException("rule '" + currentRule + "' asked for a code valid " + validDays
          + " days: between 1 and 3660");
    }
    String code = codes.code(customer.getId(), percent);
    Instant at = touchpoint.occurredAt();
    issued.add(new IssuedCode(code, customer.getId(), percent, currentRule, touchpoint.id(), at,
        at.plus(Duration.ofDays(validDays)), null, null));
    return code;
  }

  /** Checks each value as it is given: the rule that gave it is the one that fails. */
  @Override
  public Map<String, Object> with(Object... keysAndValues) {
    if (keysAndValues == null || keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("rule '" + currentRule + "': with() takes key, value pairs");
    }
    Map<String, Object> params = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (!(keysAndValues[i] instanceof String key)) {
        throw new IllegalArgumentException("rule '" + currentRule + "': with() takes text keys, not " + keysAndValues[i]);
      }
      word("parameter name", key);
      params.put(key, plainValue("parameter " + key, keysAndValues[i + 1]));
    }
    return params;
  }

  private Map<String, Object> plainValues(String what, Map<String, ?> values) {
    Map<String, Object> plain = new LinkedHashMap<>();
    if (values != null) {
      values.forEach((k, v) -> plain.put(k, plainValue(what + " " + k, v)));
    }
    return plain;
  }

  /**
   * A value a rule may keep: null, text of at most {@link #MAX_TEXT} characters, true/false, a
   * finite number, or a time (kept as ISO-8601 text). Anything else could not be stored, and
   * every later decision of the customer would fail on it.
   */
  private Object plainValue(String what, Object value) {
    if (value == null || value instanceof Boolean || value instanceof Integer || value instanceof Long
        || value instanceof Short || value instanceof Byte || value instanceof java.math.BigInteger
        || value instanceof java.math.BigDecimal) {
      return value;
    }
    if (value instanceof Double || value instanceof Float) {
      if (!Double.isFinite(((Number) value).doubleValue())) {
        throw new IllegalArgumentException("rule '" + currentRule + "' gave " + what + " the number " + value + ": numbers must be finite");
      }
      return value;
    }
    if (value instanceof Instant i) {
      return i.toString();
    }
    if (value instanceof String s) {
      text(what, s);
      return s;
    }
    throw new IllegalArgumentException("rule '" + currentRule + "' gave " + what + " a " + value.getClass().getSimpleName()
        + ": only text (at most " + MAX_TEXT + " characters), numbers, true/false, times and null can be kept");
  }

  private void text(String what, String s) {
    if (s != null && s.length() > MAX_TEXT) {
      throw new IllegalArgumentException("rule '" + currentRule + "' gave " + what + " a text of " + s.length()
          + " characters: at most " + MAX_TEXT);
    }
  }

  private void word(String what, String name) {
    if (name == null || !WORD.matcher(name).matches()) {
      String shown = name == null ? "null" : name.length() > 80 ? name.substring(0, 80) + "..." : name;
      throw new IllegalArgumentException("rule '" + currentRule + "' used the " + what + " '" + shown
          + "': a name is one word of at most 64 letters, digits, '_', '-' or '.'");
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
    if (session == null) {
      return; // a journey outside a session (a test) has no other rules to tell
    }
    FactHandle handle = session.getFactHandle(customer);
    if (handle != null) {
      session.update(handle, customer, properties);
    }
  }

  Decision decision() {
    return new Decision(transitions, actions, timers, fired, null, issued);
  }
}
