package io.rapport.engine.store;

import java.util.List;

/**
 * What one claim of due timers did: the timers claimed to be fired, and how many others it found
 * postponed and moved on to their new time instead.
 */
public record ClaimedTimers(List<DueTimer> due, int movedOn) {
  public ClaimedTimers {
    due = List.copyOf(due);
  }

  /** Whether the claim took all it was allowed to, so more may be waiting. */
  public boolean tookAll(int limit) {
    return due.size() + movedOn >= limit;
  }
}
