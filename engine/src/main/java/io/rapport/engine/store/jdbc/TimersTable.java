package io.rapport.engine.store.jdbc;

import static io.rapport.engine.store.jdbc.Jdbc.instant;
import static io.rapport.engine.store.jdbc.Jdbc.ts;

import io.rapport.engine.store.ClaimedTimers;
import io.rapport.engine.store.DueTimer;
import io.rapport.rules.TimerRequest;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The timers table: one pending timer per customer and name. A timer scheduled again for later keeps its indexed
 * due_at and notes the new time in postponed_to, so that a re-arm (every purchase moves "90 days without one" on)
 * updates the row in place; when due_at comes, the claim moves the timer on instead of firing it.
 */
final class TimersTable {
  private final String jsonParameter;

  TimersTable(String jsonParameter) {
    this.jsonParameter = jsonParameter;
  }

  /**
   * Claims up to {@code limit} timers due at {@code now} that nobody holds, locking them with {@code lock}; a timer
   * postponed since it was scheduled is moved on to its new time instead (and claimed too if that has come).
   */
  ClaimedTimers claimDue(Connection c, Instant now, int limit, Duration lease, String lock) throws SQLException {
    List<DueTimer> due = new ArrayList<>();
    List<DueTimer> postponed = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT customer_id, name, due_at, payload, postponed_to FROM timers"
        + " WHERE due_at <= ? AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY due_at LIMIT ?" + lock)) {
      ps.setObject(1, ts(now));
      ps.setObject(2, ts(now));
      ps.setInt(3, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Instant postponedTo = instant(rs, 5);
          DueTimer t = new DueTimer(rs.getString(1), rs.getString(2), postponedTo == null ? instant(rs, 3) : postponedTo,
              new JsonObject(rs.getString(4)).getMap());
          (postponedTo == null ? due : postponed).add(t);
        }
      }
    }
    OffsetDateTime until = ts(now.plus(lease));
    List<DueTimer> claimed = new ArrayList<>(due);
    int movedOn = 0;
    if (!postponed.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE timers SET due_at = ?, postponed_to = NULL, claimed_until = ? WHERE customer_id = ? AND name = ?")) {
        for (DueTimer t : postponed) {
          boolean dueToo = !t.dueAt().isAfter(now);
          if (dueToo) {
            claimed.add(t);
          } else {
            movedOn++;
          }
          ps.setObject(1, ts(t.dueAt()));
          ps.setObject(2, dueToo ? until : null);
          ps.setString(3, t.customerId());
          ps.setString(4, t.name());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    if (!due.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE timers SET claimed_until = ? WHERE customer_id = ? AND name = ? AND due_at = ?")) {
        for (DueTimer t : due) {
          ps.setObject(1, until);
          ps.setString(2, t.customerId());
          ps.setString(3, t.name());
          ps.setObject(4, ts(t.dueAt()));
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    return new ClaimedTimers(claimed, movedOn);
  }

  /** Applies a group commit's changes in batched statements: removals first, then schedules (a MERGE). */
  void apply(Connection c, TimerChanges changes) throws SQLException {
    if (!changes.gone().isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM timers WHERE customer_id = ? AND name = ?"
          + " AND (CAST(? AS TIMESTAMP WITH TIME ZONE) IS NULL OR (due_at = ? AND postponed_to IS NULL))")) {
        for (TimerChanges.Gone g : changes.gone()) {
          ps.setString(1, g.customerId());
          ps.setString(2, g.name());
          if (g.dueAt() == null) {
            ps.setNull(3, Types.TIMESTAMP_WITH_TIMEZONE);
            ps.setNull(4, Types.TIMESTAMP_WITH_TIMEZONE);
          } else {
            ps.setObject(3, ts(g.dueAt()));
            ps.setObject(4, ts(g.dueAt()));
          }
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    if (changes.set().isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("MERGE INTO timers AS t USING (VALUES (CAST(? AS VARCHAR),"
        + " CAST(? AS VARCHAR), CAST(? AS TIMESTAMP WITH TIME ZONE), " + jsonParameter + ", CAST(? AS VARCHAR),"
        + " CAST(? AS VARCHAR))) AS u (customer_id, name, due_at, payload, rule, touchpoint_id)"
        + " ON t.customer_id = u.customer_id AND t.name = u.name"
        + " WHEN MATCHED THEN UPDATE SET due_at = LEAST(t.due_at, u.due_at),"
        + " postponed_to = CASE WHEN u.due_at > t.due_at THEN u.due_at END, payload = u.payload, rule = u.rule,"
        + " touchpoint_id = u.touchpoint_id, claimed_until = NULL"
        + " WHEN NOT MATCHED THEN INSERT (customer_id, name, due_at, payload, rule, touchpoint_id)"
        + " VALUES (u.customer_id, u.name, u.due_at, u.payload, u.rule, u.touchpoint_id)")) {
      for (TimerRequest r : changes.set()) {
        ps.setString(1, r.customerId());
        ps.setString(2, r.name());
        ps.setObject(3, ts(r.dueAt()));
        ps.setString(4, new JsonObject(r.payload()).encode());
        ps.setString(5, r.rule());
        ps.setString(6, r.touchpointId());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
