package io.rapport.engine.ingest;

import io.rapport.messages.CanonicalTouchpoint;
import io.rapport.rules.Touchpoint;

/** Canonical touchpoints, as channels hand them in, become the facts the rules decide. */
public final class Facts {
  private Facts() {}

  public static Touchpoint touchpoint(CanonicalTouchpoint t) {
    return new Touchpoint(t.id(), t.customerId(), t.type(), t.occurredAt(), t.channel(), t.value(), t.currency(),
        t.properties());
  }
}
