package io.rapport.engine.ingest;

import io.rapport.rules.RuleBook;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The rule book in force. Workers read it once per batch, so a swap lands between two batches
 * and no touchpoint is decided by half a rule set.
 */
public final class ActiveRules {
  private final AtomicReference<RuleBook> current;

  public ActiveRules(RuleBook initial) {
    this.current = new AtomicReference<>(initial);
  }

  public RuleBook get() {
    return current.get();
  }

  public void swap(RuleBook next) {
    current.set(next);
  }
}
