package io.rapport.engine.store.jdbc;

import static io.rapport.engine.store.jdbc.Jdbc.instant;
import static io.rapport.engine.store.jdbc.Jdbc.ts;

import io.rapport.engine.store.Decided;
import io.rapport.rules.Transition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** The stage_transitions table: every stage change, with the rule and touchpoint that made it. */
final class TransitionsTable {
  void insert(Connection c, List<Decided> decided, OffsetDateTime recordedAt) throws SQLException {
    boolean any = false;
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO stage_transitions (customer_id, from_stage, to_stage,"
        + " rule, reason, touchpoint_id, at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Decided d : decided) {
        for (Transition t : d.decision().transitions()) {
          ps.setString(1, t.customerId());
          ps.setString(2, t.from());
          ps.setString(3, t.to());
          ps.setString(4, t.rule());
          ps.setString(5, t.reason());
          ps.setString(6, t.touchpointId());
          ps.setObject(7, ts(t.at()));
          ps.setObject(8, recordedAt);
          ps.addBatch();
          any = true;
        }
      }
      if (any) {
        ps.executeBatch();
      }
    }
  }

  /** A customer's transitions, in the order they were made. */
  List<Transition> ofCustomer(Connection c, String customerId) throws SQLException {
    List<Transition> transitions = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT from_stage, to_stage, rule, reason, touchpoint_id, at"
        + " FROM stage_transitions WHERE customer_id = ? ORDER BY id")) {
      ps.setString(1, customerId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          transitions.add(new Transition(customerId, rs.getString(1), rs.getString(2), rs.getString(3),
              rs.getString(4), rs.getString(5), instant(rs, 6)));
        }
      }
    }
    return transitions;
  }
}
