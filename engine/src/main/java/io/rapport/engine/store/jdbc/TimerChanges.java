package io.rapport.engine.store.jdbc;

import io.rapport.engine.store.WriteBatch;
import io.rapport.rules.TimerRequest;
import io.rapport.rules.Touchpoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What one group commit does to the timers table, on either database: fired timers go, then the decisions' timer
 * requests apply. A cancel removes the pending timer of its name; a schedule sets it, postponing a pending one in
 * place when the new time is later; within a batch the last request for a name wins. A name the batch schedules or
 * cancels again needs no removal for having fired: its request settles it.
 */
record TimerChanges(List<Gone> gone, List<TimerRequest> set) {

  /** A timer to remove: a fired one only if it is still the one that fired ({@code dueAt} set), a cancel whatever. */
  record Gone(String customerId, String name, Instant dueAt) {}

  static TimerChanges of(WriteBatch batch) {
    List<Gone> gone = new ArrayList<>();
    List<TimerRequest> set = new ArrayList<>();
    Set<List<String>> handled = new HashSet<>();
    for (TimerRequest r : batch.lastTimerRequests()) {
      handled.add(List.of(r.customerId(), r.name()));
      if (r.cancels()) {
        gone.add(new Gone(r.customerId(), r.name(), null));
      } else {
        set.add(r);
      }
    }
    for (Touchpoint t : batch.firedTimers()) {
      if (handled.add(List.of(t.customerId(), t.text("name")))) {
        gone.add(new Gone(t.customerId(), t.text("name"), t.occurredAt()));
      }
    }
    return new TimerChanges(gone, set);
  }
}
