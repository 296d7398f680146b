package io.rapport.engine.store;

import java.time.Instant;

/**
 * The result of one delivery attempt: the action is sent, waits for another attempt at {@code
 * nextAttemptAt}, or has failed for good.
 */
public record Delivery(long actionId, Status status, int attempts, Instant at, Instant nextAttemptAt, String error) {
  /** Where an action stands in the outbox. */
  public enum Status {
    PENDING,
    SENT,
    FAILED;

    public String column() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
