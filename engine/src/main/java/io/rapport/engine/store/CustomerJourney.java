package io.rapport.engine.store;

import io.rapport.rules.Transition;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A customer's history: every stage transition and action, each with its rule and touchpoint. */
public record CustomerJourney(String customerId, List<Transition> transitions, List<ActionRecord> actions) {

  /**
   * One action as the outbox knows it; {@code reason} says why it was suppressed, or why a pending one waits until
   * {@code nextAttemptAt} (quiet hours).
   */
  public record ActionRecord(
      long id,
      String idempotencyKey,
      String channel,
      String template,
      Map<String, Object> params,
      String rule,
      String touchpointId,
      String status,
      int attempts,
      String lastError,
      Instant createdAt,
      Instant sentAt,
      String reason,
      boolean transactional,
      Instant nextAttemptAt) {}
}
