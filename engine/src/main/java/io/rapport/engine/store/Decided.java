package io.rapport.engine.store;

import io.rapport.rules.Decision;
import io.rapport.rules.Touchpoint;

/** A new touchpoint with what the rules decided for it, ready to be written. */
public record Decided(Touchpoint touchpoint, Decision decision) {}
