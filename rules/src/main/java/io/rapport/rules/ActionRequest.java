package io.rapport.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An action a rule asked for (a follow-up email, a discount, an escalation), with the rule and
 * touchpoint behind it. {@code sequence} numbers the actions of one touchpoint, which makes
 * (touchpointId, sequence) a stable idempotency key. {@code suppressedBecause} is set when a
 * guardrail (consent) holds it back: it is recorded, never sent.
 */
public record ActionRequest(
    String customerId,
    String channel,
    String template,
    Map<String, Object> params,
    String rule,
    String touchpointId,
    int sequence,
    String suppressedBecause) {

  public ActionRequest {
    params =
        params == null || params.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  /** The key a receiver uses to drop a repeated delivery of this action. */
  public String idempotencyKey() {
    return touchpointId + "/" + sequence;
  }

  public boolean suppressed() {
    return suppressedBecause != null;
  }
}
