package io.rapport.engine.store.jdbc;

import static io.rapport.engine.store.jdbc.Jdbc.instant;
import static io.rapport.engine.store.jdbc.Jdbc.ts;

import io.rapport.engine.store.ChannelFilter;
import io.rapport.engine.store.ConnectorPause;
import io.rapport.engine.store.ListedAction;
import io.rapport.engine.store.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What operators ask of the outbox: actions listed by status (served by the index actions_by_status), a failed one
 * sent again, pending counts per channel, and the paused connectors (table connector_pauses).
 */
final class ActionsQueries {
  private final Jdbc jdbc;

  ActionsQueries(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** The SQL condition on the channel column a claim adds for {@code filter} ("" for all), its array bound after. */
  static String condition(ChannelFilter filter) {
    if (filter.admitsAll()) {
      return "";
    }
    return filter.only() ? " AND channel = ANY(?)" : " AND NOT (channel = ANY(?))";
  }

  List<ListedAction> withStatus(String status, long afterId, int limit) {
    return jdbc.read("cannot list actions", c -> {
      List<ListedAction> found = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, customer_id, type, channel, template, rule, status,"
          + " reason, transactional, attempts, last_error, created_at, sent_at, next_attempt_at FROM actions"
          + " WHERE status = ? AND id > ? ORDER BY id LIMIT ?")) {
        ps.setString(1, status);
        ps.setLong(2, afterId);
        ps.setInt(3, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            found.add(new ListedAction(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getBoolean(9), rs.getInt(10),
                rs.getString(11), instant(rs, 12), instant(rs, 13),
                "pending".equals(rs.getString(7)) ? instant(rs, 14) : null));
          }
        }
      }
      return found;
    });
  }

  Store.Retry retryFailed(long id, Instant now) {
    return jdbc.inTransaction("cannot retry action " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE actions SET status = 'pending', attempts = 0,"
          + " next_attempt_at = ?, claimed_until = NULL WHERE id = ? AND status = 'failed'")) {
        ps.setObject(1, ts(now));
        ps.setLong(2, id);
        if (ps.executeUpdate() == 1) {
          return Store.Retry.RETRIED;
        }
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM actions WHERE id = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Store.Retry.NOT_FAILED : Store.Retry.NOT_FOUND;
        }
      }
    });
  }

  Map<String, Long> pendingByChannel() {
    return jdbc.read("cannot count pending actions", c -> {
      Map<String, Long> counts = new LinkedHashMap<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT channel, count(*) FROM actions WHERE status = 'pending' GROUP BY channel ORDER BY channel");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put(rs.getString(1), rs.getLong(2));
        }
      }
      return counts;
    });
  }

  List<ConnectorPause> paused() {
    return jdbc.read("cannot read paused connectors", c -> {
      List<ConnectorPause> paused = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT connector, paused_at, paused_by FROM connector_pauses ORDER BY connector");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          paused.add(new ConnectorPause(rs.getString(1), instant(rs, 2), rs.getString(3)));
        }
      }
      return paused;
    });
  }

  void pause(String connector, Instant at, String by) {
    jdbc.inTransaction("cannot pause connector " + connector, c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO connector_pauses (connector, paused_at, paused_by)"
          + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
        ps.setString(1, connector);
        ps.setObject(2, ts(at));
        ps.setString(3, by);
        ps.executeUpdate();
      }
      return null;
    });
  }

  void releaseHeld(java.time.Instant now) {
    jdbc.inTransaction("cannot release the held actions", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE actions SET next_attempt_at = ?, reason = NULL"
          + " WHERE status = 'pending' AND reason = '" + io.rapport.engine.store.Store.HELD + "'")) {
        ps.setObject(1, Jdbc.ts(now));
        return ps.executeUpdate();
      }
    });
  }

  boolean resume(String connector) {
    return jdbc.inTransaction("cannot resume connector " + connector, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM connector_pauses WHERE connector = ?")) {
        ps.setString(1, connector);
        return ps.executeUpdate() > 0;
      }
    });
  }
}
