package io.rapport.engine.store.jdbc;

import io.rapport.engine.store.ChannelFilter;
import io.rapport.engine.store.Delivery;
import io.rapport.engine.store.OutboxAction;
import io.rapport.engine.store.Store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The outbox relay's two statements on PostgreSQL: claim a batch of due actions (one UPDATE
 * with SKIP LOCKED, so relays on several servers never share an action) and record a batch of
 * delivery results (one UPDATE over arrays).
 */
final class PostgresOutbox {
  // The lease lives in claimed_until, a column no index covers: the claim is a HOT update.
  // ARRAY(...) runs the due-query once and then looks the ids up by key; with IN (...) the
  // planner may join against a scan of the whole table.
  private static String claim(ChannelFilter filter) {
    return "UPDATE actions SET claimed_until = ?::timestamptz WHERE id = ANY(ARRAY(SELECT id FROM actions"
        + " WHERE status = 'pending' AND next_attempt_at <= ?::timestamptz"
        + " AND (claimed_until IS NULL OR claimed_until < ?::timestamptz)" + ActionsQueries.condition(filter)
        + " ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)) RETURNING " + OutboxTable.COLUMNS;
  }
  private static final String RECORD =
      "UPDATE actions AS a SET status = u.status, attempts = u.attempts, next_attempt_at = u.next_attempt_at::timestamptz,"
          + " last_error = u.last_error, sent_at = u.sent_at::timestamptz, claimed_until = NULL,"
          // attempted, it is held no longer
          + " reason = NULLIF(a.reason, '" + Store.HELD + "')"
          + " FROM unnest(?::bigint[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[])"
          + " AS u(id, status, attempts, next_attempt_at, last_error, sent_at) WHERE a.id = u.id";

  private PostgresOutbox() {}

  /** Claims up to {@code limit} due actions for {@code lease}, oldest first; {@code c} must be in a transaction. */
  static List<OutboxAction> claim(Connection c, Instant now, int limit, Duration lease, ChannelFilter filter)
      throws SQLException {
    List<OutboxAction> claimed = new ArrayList<>();
    // Every sent action leaves a dead entry in actions_due until vacuum. A plain index scan marks
    // each one dead the first time it meets it and skips it after; a bitmap scan, which the
    // planner prefers while the table's statistics are old, visits the heap for all of them on
    // every poll (300k entries, 140 ms a poll, after a minute of full load on two cores).
    try (Statement st = c.createStatement()) {
      st.execute("SET LOCAL enable_bitmapscan = off");
      // and a plan cached while the outbox was small would outlive its fit: plan for the table as it is
      st.execute("SET LOCAL plan_cache_mode = force_custom_plan");
    }
    try (PreparedStatement ps = c.prepareStatement(claim(filter))) {
      int i = 1;
      ps.setString(i++, now.plus(lease).toString());
      ps.setString(i++, now.toString());
      ps.setString(i++, now.toString());
      if (!filter.admitsAll()) {
        ps.setArray(i++, Jdbc.texts(c, filter.channels()));
      }
      ps.setInt(i, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          claimed.add(OutboxTable.action(rs));
        }
      }
    }
    // RETURNING keeps no order; the ids do (one customer's actions are numbered in decision order).
    claimed.sort(Comparator.comparingLong(OutboxAction::id));
    return claimed;
  }

  static void record(Connection c, List<Delivery> deliveries) throws SQLException {
    int n = deliveries.size();
    Long[] ids = new Long[n];
    String[] status = new String[n];
    Integer[] attempts = new Integer[n];
    String[] next = new String[n];
    String[] errors = new String[n];
    String[] sent = new String[n];
    for (int i = 0; i < n; i++) {
      Delivery d = deliveries.get(i);
      ids[i] = d.actionId();
      status[i] = d.status().column();
      attempts[i] = d.attempts();
      next[i] = (d.nextAttemptAt() == null ? d.at() : d.nextAttemptAt()).toString();
      errors[i] = d.error() == null ? null : Jdbc.truncate(d.error(), 1000);
      sent[i] = d.status() == Delivery.Status.SENT ? d.at().toString() : null;
    }
    try (PreparedStatement ps = c.prepareStatement(RECORD)) {
      ps.setArray(1, c.createArrayOf("int8", ids));
      ps.setArray(2, c.createArrayOf("text", status));
      ps.setArray(3, c.createArrayOf("int4", attempts));
      ps.setArray(4, c.createArrayOf("text", next));
      ps.setArray(5, c.createArrayOf("text", errors));
      ps.setArray(6, c.createArrayOf("text", sent));
      ps.executeUpdate();
    }
  }
}
