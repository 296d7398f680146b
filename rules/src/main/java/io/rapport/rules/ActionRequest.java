package io.rapport.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An action a rule asked for (a follow-up email, a discount, an escalation), with the rule and
 * touchpoint behind it. {@code sequence} numbers the actions of one touchpoint, which makes
 * (touchpointId, sequence) a stable idempotency key. {@code suppressedBecause} is set when it is
 * held back as it is decided: it is recorded, never sent. A {@code transactional} action (an
 * escalation, a receipt) is exempt from the marketing guardrails: opt-outs, the frequency cap,
 * quiet hours.
 */
public record ActionRequest(
    String customerId,
    String channel,
    String template,
    Map<String, Object> params,
    String rule,
    String touchpointId,
    int sequence,
    String suppressedBecause,
    boolean transactional) {

  /** The parameter through which a rule marks an action transactional: {@code journey.with("transactional", true)}. */
  public static final String TRANSACTIONAL = "transactional";

  public ActionRequest {
    params =
        params == null || params.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  /** A marketing action (not transactional). */
  public ActionRequest(String customerId, String channel, String template, Map<String, Object> params, String rule,
      String touchpointId, int sequence, String suppressedBecause) {
    this(customerId, channel, template, params, rule, touchpointId, sequence, suppressedBecause, false);
  }

  /** The same action, held back for {@code reason}. */
  public ActionRequest suppressedFor(String reason) {
    return new ActionRequest(customerId, channel, template, params, rule, touchpointId, sequence, reason,
        transactional);
  }

  /** The key a receiver uses to drop a repeated delivery of this action. */
  public String idempotencyKey() {
    return touchpointId + "/" + sequence;
  }

  public boolean suppressed() {
    return suppressedBecause != null;
  }
}
