package io.rapport.engine.store.jdbc;

import static io.rapport.engine.store.jdbc.Jdbc.instant;
import static io.rapport.engine.store.jdbc.Jdbc.ts;

import io.rapport.engine.store.Decided;
import io.rapport.engine.store.StoredTouchpoint;
import io.rapport.rules.Touchpoint;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** The touchpoints table: every touchpoint decided, once (its id is the key), with what became of it. */
final class TouchpointsTable {
  private static final String COLUMNS = "id, customer_id, type, occurred_at, channel, amount, currency, properties";
  private final Jdbc jdbc;
  private final String insert;

  TouchpointsTable(Jdbc jdbc, String jsonParameter) {
    this.jdbc = jdbc;
    // a plain insert: a stored id fails the batch, and the writer looks its ids up only then
    this.insert = "INSERT INTO touchpoints (id, customer_id, type, channel, occurred_at, amount, currency,"
        + " properties, received_at, outcome, error) VALUES (?, ?, ?, ?, ?, ?, ?, " + jsonParameter + ", ?, ?, ?)";
  }

  /** Which of these ids are stored. */
  Set<String> known(Collection<String> ids) {
    Set<String> known = new HashSet<>();
    if (ids.isEmpty()) {
      return known;
    }
    return jdbc.read("cannot look up touchpoints", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM touchpoints WHERE id = ANY(?)")) {
        ps.setArray(1, Jdbc.texts(c, ids));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            known.add(rs.getString(1));
          }
        }
      }
      return known;
    });
  }

  /** Stores the new touchpoints of a group commit; one decided again is stored already (see {@link #redecided}). */
  void insert(Connection c, List<Decided> decided, OffsetDateTime receivedAt) throws SQLException {
    if (decided.stream().allMatch(Decided::again)) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      for (Decided d : decided) {
        if (d.again()) {
          continue;
        }
        Touchpoint t = d.touchpoint();
        ps.setString(1, t.id());
        ps.setString(2, t.customerId());
        ps.setString(3, t.type());
        ps.setString(4, t.channel());
        ps.setObject(5, ts(t.occurredAt()));
        ps.setBigDecimal(6, t.value());
        ps.setString(7, t.currency());
        ps.setString(8, t.properties().isEmpty() ? null : new JsonObject(t.properties()).encode());
        ps.setObject(9, receivedAt);
        ps.setString(10, d.outcome());
        ps.setString(11, d.error());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /**
   * Records what became of touchpoints decided again: only one still a rule error changes, so a touchpoint decided
   * again twice at once counts once (the caller checks the counts).
   *
   * @return per touchpoint, whether its outcome changed
   */
  boolean[] redecided(Connection c, List<Decided> decided) throws SQLException {
    List<Decided> again = decided.stream().filter(Decided::again).toList();
    boolean[] changed = new boolean[again.size()];
    if (again.isEmpty()) {
      return changed;
    }
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE touchpoints SET outcome = ?, error = ? WHERE id = ? AND outcome = '" + Decided.RULE_ERROR + "'")) {
      for (Decided d : again) {
        ps.setString(1, d.outcome());
        ps.setString(2, d.error());
        ps.setString(3, d.touchpoint().id());
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      for (int i = 0; i < counts.length; i++) {
        changed[i] = counts[i] != 0;
      }
    }
    return changed;
  }

  /** What became of each stored touchpoint among these ids. */
  Map<String, String> outcomes(Collection<String> ids) {
    Map<String, String> found = new java.util.HashMap<>();
    if (ids.isEmpty()) {
      return found;
    }
    return jdbc.read("cannot look up touchpoints", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT id, outcome FROM touchpoints WHERE id = ANY(?)")) {
        ps.setArray(1, Jdbc.texts(c, ids));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            found.put(rs.getString(1), rs.getString(2));
          }
        }
      }
      return found;
    });
  }

  /** The stored touchpoints among these ids. */
  List<StoredTouchpoint> byIds(Collection<String> ids) {
    List<StoredTouchpoint> found = new ArrayList<>();
    if (ids.isEmpty()) {
      return found;
    }
    return jdbc.read("cannot read touchpoints", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + ", outcome, error, received_at"
          + " FROM touchpoints WHERE id = ANY(?)")) {
        ps.setArray(1, Jdbc.texts(c, ids));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            found.add(new StoredTouchpoint(touchpoint(rs), rs.getString(9), rs.getString(10), instant(rs, 11)));
          }
        }
      }
      return found;
    });
  }

  /** A page of the touchpoints with an outcome, by id. */
  List<StoredTouchpoint> withOutcome(String outcome, String afterId, int limit) {
    return jdbc.read("cannot list touchpoints", c -> {
      List<StoredTouchpoint> page = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + ", outcome, error, received_at"
          + " FROM touchpoints WHERE outcome = ? AND id > ? ORDER BY id LIMIT ?")) {
        ps.setString(1, outcome);
        ps.setString(2, afterId == null ? "" : afterId);
        ps.setInt(3, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            page.add(new StoredTouchpoint(touchpoint(rs), rs.getString(9), rs.getString(10), instant(rs, 11)));
          }
        }
      }
      return page;
    });
  }

  private static Touchpoint touchpoint(ResultSet rs) throws SQLException {
    String properties = rs.getString(8);
    return new Touchpoint(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4), rs.getString(5),
        rs.getBigDecimal(6), rs.getString(7), properties == null ? Map.of() : new JsonObject(properties).getMap());
  }

  /** Streams the stored touchpoints but timers with from &lt;= occurredAt &lt;= until, in time, then arrival order. */
  void between(Instant from, Instant until, Consumer<Touchpoint> sink) {
    jdbc.read("cannot read touchpoints", c -> {
      c.setAutoCommit(false); // PostgreSQL streams rows with a fetch size only inside a transaction
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM touchpoints"
          + " WHERE occurred_at >= ? AND occurred_at <= ? AND type <> 'timer' ORDER BY occurred_at, received_at, id")) {
        ps.setFetchSize(5_000);
        ps.setObject(1, ts(from));
        ps.setObject(2, ts(until));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            sink.accept(touchpoint(rs));
          }
        }
      } finally {
        c.rollback();
        c.setAutoCommit(true);
      }
      return null;
    });
  }
}
