package io.rapport.engine.store;

import java.time.Instant;

/**
 * A guardrail's verdict on an action about to be sent, as the outbox records it: suppressed for {@code reason}, or,
 * when {@code deferredUntil} is set, left pending until then (quiet hours), the reason noted.
 */
public record Guarded(long actionId, String reason, Instant deferredUntil) {
  public static Guarded suppressed(long actionId, String reason) {
    return new Guarded(actionId, reason, null);
  }

  public static Guarded deferred(long actionId, String reason, Instant until) {
    return new Guarded(actionId, reason, until);
  }
}
