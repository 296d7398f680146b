package io.rapport.engine.store;

import java.time.Instant;

/** One action as operators list it (GET /v1/actions): where it stands, how often it was tried, why it stopped. */
public record ListedAction(
    long id,
    String customerId,
    String type,
    String channel,
    String template,
    String rule,
    String status,
    String reason,
    boolean transactional,
    int attempts,
    String lastError,
    Instant createdAt,
    Instant sentAt,
    Instant nextAttemptAt) {}
