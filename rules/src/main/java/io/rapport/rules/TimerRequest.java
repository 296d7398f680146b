package io.rapport.rules;

import java.time.Instant;
import java.util.Map;

/**
 * A timer a rule (or the engine) scheduled or cancelled for a customer. {@code dueAt} null means
 * cancel the pending timer of that name.
 */
public record TimerRequest(
    String customerId, String name, Instant dueAt, Map<String, Object> payload, String rule, String touchpointId) {

  public TimerRequest {
    payload = payload == null ? Map.of() : Map.copyOf(payload);
  }

  public boolean cancels() {
    return dueAt == null;
  }
}
