package io.rapport.rules;

import java.time.Instant;

/** A stage change decided by a rule, with its reason and the touchpoint that caused it. */
public record Transition(
    String customerId,
    String from,
    String to,
    String rule,
    String reason,
    String touchpointId,
    Instant at) {}
