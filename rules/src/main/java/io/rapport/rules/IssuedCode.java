package io.rapport.rules;

import java.time.Instant;

/**
 * A discount code a rule issued ({@code journey.discountCode}), valid until {@code expiresAt}, with the action that
 * carries it to the customer when there is one: its template and its sequence within the decision (null when the code
 * was never sent).
 */
public record IssuedCode(
    String code,
    String customerId,
    int percent,
    String rule,
    String touchpointId,
    Instant issuedAt,
    Instant expiresAt,
    String template,
    Integer actionSequence) {

  /** The same code, carried by the action {@code sequence} of template {@code template}. */
  IssuedCode sentWith(String template, int sequence) {
    return new IssuedCode(code, customerId, percent, rule, touchpointId, issuedAt, expiresAt, template, sequence);
  }

  /** The idempotency key of the action carrying it, or null. */
  public String actionKey() {
    return actionSequence == null ? null : touchpointId + "/" + actionSequence;
  }
}
