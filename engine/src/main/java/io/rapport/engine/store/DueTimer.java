package io.rapport.engine.store;

import java.time.Instant;
import java.util.Map;

/** A stored timer that has fallen due and was claimed to be fired. */
public record DueTimer(String customerId, String name, Instant dueAt, Map<String, Object> payload) {}
