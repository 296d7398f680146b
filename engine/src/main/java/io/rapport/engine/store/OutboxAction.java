package io.rapport.engine.store;

import java.util.Map;

/**
 * An action waiting in the outbox, as the relay hands it to a connector: {@code transactional} when it is exempt from
 * the marketing guardrails, {@code eventAt} the event time it was decided at (null for actions stored before that was
 * kept).
 */
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
    boolean transactional,
    java.time.Instant eventAt) {

  /** An action as stored before it kept its event time and mark (tests, tools). */
  public OutboxAction(long id, String idempotencyKey, String customerId, String channel, String template,
      Map<String, Object> params, String rule, String touchpointId, int attempts) {
    this(id, idempotencyKey, customerId, channel, template, params, rule, touchpointId, attempts, false, null);
  }
}
