package io.rapport.engine.store;

import io.rapport.rules.Touchpoint;
import java.time.Instant;

/** A touchpoint as the store keeps it: what became of it, why when the rules failed, and when it arrived. */
public record StoredTouchpoint(Touchpoint touchpoint, String outcome, String error, Instant receivedAt) {}
