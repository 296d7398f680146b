package io.rapport.engine.store.jdbc;

import static io.rapport.engine.store.jdbc.Jdbc.instant;
import static io.rapport.engine.store.jdbc.Jdbc.ts;

import io.rapport.engine.store.Decided;
import io.rapport.rules.Touchpoint;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** The touchpoints table: every touchpoint decided, once (its id is the key), with what became of it. */
final class TouchpointsTable {
  private final Jdbc jdbc;
  private final String insert;

  TouchpointsTable(Jdbc jdbc, String jsonParameter) {
    this.jdbc = jdbc;
    // a plain insert: a stored id fails the batch, and the writer looks its ids up only then
    this.insert = "INSERT INTO touchpoints (id, customer_id, type, channel, occurred_at, amount, currency,"
        + " properties, received_at, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, " + jsonParameter + ", ?, ?)";
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

  void insert(Connection c, List<Decided> decided, OffsetDateTime receivedAt) throws SQLException {
    if (decided.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      for (Decided d : decided) {
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
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Streams the stored touchpoints but timers with from &lt;= occurredAt &lt;= until, in time, then arrival order. */
  void between(Instant from, Instant until, Consumer<Touchpoint> sink) {
    jdbc.read("cannot read touchpoints", c -> {
      c.setAutoCommit(false); // PostgreSQL streams rows with a fetch size only inside a transaction
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT id, customer_id, type, occurred_at, channel, amount, currency, properties FROM touchpoints"
              + " WHERE occurred_at >= ? AND occurred_at <= ? AND type <> 'timer' ORDER BY occurred_at, received_at, id")) {
        ps.setFetchSize(5_000);
        ps.setObject(1, ts(from));
        ps.setObject(2, ts(until));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String properties = rs.getString(8);
            sink.accept(new Touchpoint(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4),
                rs.getString(5), rs.getBigDecimal(6), rs.getString(7),
                properties == null ? Map.of() : new JsonObject(properties).getMap()));
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
