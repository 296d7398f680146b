package io.rapport.engine.store;

import java.util.Map;

/** An action waiting in the outbox, as the relay hands it to a connector. */
public record OutboxAction(
    long id,
    String idempotencyKey,
    String customerId,
    String channel,
    String template,
    Map<String, Object> params,
    String rule,
    String touchpointId,
    int attempts,
    boolean transactional) {

  /** A marketing action (not transactional). */
  public OutboxAction(long id, String idempotencyKey, String customerId, String channel, String template,
      Map<String, Object> params, String rule, String touchpointId, int attempts) {
    this(id, idempotencyKey, customerId, channel, template, params, rule, touchpointId, attempts, false);
  }
}
