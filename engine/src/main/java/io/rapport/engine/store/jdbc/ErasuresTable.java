package io.rapport.engine.store.jdbc;

import static io.rapport.engine.store.jdbc.Jdbc.ts;

import io.rapport.engine.store.Erasure;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Erasing a customer, and exporting all that is stored of them first. Erasure removes the customer, touchpoints,
 * transitions, timers, code redemptions and every action not sent; actions sent and codes issued stay, under the hash
 * of the id and stripped of their parameters, so that what was sent and redeemed still counts. The hash and the time
 * go to {@code erasures}.
 */
final class ErasuresTable {
  /** The tables holding a customer's rows, with the column naming the customer, in the order an export lists them. */
  private static final Map<String, String> TABLES = tables();
  /** Columns holding JSON text, exported as JSON. */
  private static final java.util.Set<String> JSON = java.util.Set.of("attributes", "properties", "payload");

  private static Map<String, String> tables() {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("customers", "id");
    t.put("touchpoints", "customer_id");
    t.put("stage_transitions", "customer_id");
    t.put("actions", "customer_id");
    t.put("timers", "customer_id");
    t.put("discount_codes", "customer_id");
    t.put("code_redemptions", "customer_id");
    t.put("customer_purchases", "customer_id");
    return t;
  }

  /** Every row of every table that names the customer, by table, each row by column (in lower case). */
  Map<String, List<Map<String, Object>>> export(Connection c, String customerId) throws SQLException {
    Map<String, List<Map<String, Object>>> all = new LinkedHashMap<>();
    for (Map.Entry<String, String> t : TABLES.entrySet()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + t.getKey() + " WHERE " + t.getValue()
          + " = ?")) {
        ps.setString(1, customerId);
        try (ResultSet rs = ps.executeQuery()) {
          ResultSetMetaData meta = rs.getMetaData();
          while (rs.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
              String column = meta.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT);
              row.put(column, plain(column, rs.getObject(i)));
            }
            rows.add(row);
          }
        }
      }
      all.put(t.getKey(), rows);
    }
    return all;
  }

  /** A column's value as JSON carries it: text, a number, true/false, a time as ISO-8601, JSON text as JSON. */
  private static Object plain(String column, Object value) {
    if (value == null || value instanceof Boolean || value instanceof Integer || value instanceof Long
        || value instanceof BigDecimal) {
      return value;
    }
    if (value instanceof OffsetDateTime o) {
      return o.toInstant().toString();
    }
    if (value instanceof java.sql.Timestamp t) {
      return t.toInstant().toString();
    }
    if (value instanceof Number n) {
      return n;
    }
    String text = value.toString();
    if (JSON.contains(column)) {
      return io.vertx.core.json.Json.decodeValue(text);
    }
    return text;
  }

  /** Erases the customer in the transaction open on {@code c}; counts the rows removed or stripped, by table. */
  Erasure erase(Connection c, String customerId, Instant at) throws SQLException {
    String hash = Erasure.hash(customerId);
    Map<String, Integer> removed = new LinkedHashMap<>();
    removed.put("touchpoints", update(c, "DELETE FROM touchpoints WHERE customer_id = ?", customerId));
    removed.put("stage_transitions", update(c, "DELETE FROM stage_transitions WHERE customer_id = ?", customerId));
    removed.put("timers", update(c, "DELETE FROM timers WHERE customer_id = ?", customerId));
    removed.put("code_redemptions", update(c, "DELETE FROM code_redemptions WHERE customer_id = ?", customerId));
    int unsent = update(c, "DELETE FROM actions WHERE customer_id = ? AND status <> 'sent'", customerId);
    // the key and touchpoint of a sent action may hold the customer's id (a timer's does): both go with the rest
    int sent = update(c, "UPDATE actions SET customer_id = ?, payload = '{}', idempotency_key = 'erased:' || CAST(id"
        + " AS varchar(20)), touchpoint_id = ?, last_error = NULL WHERE customer_id = ?", hash, hash, customerId);
    removed.put("actions", unsent + sent);
    removed.put("discount_codes", update(c, "UPDATE discount_codes SET customer_id = ?, status = 'erased',"
        + " redeemed_touchpoint_id = NULL WHERE customer_id = ?", hash, customerId));
    // what they bought stays in the lifetime value under the hash, as their sent actions stay in the send counts; a
    // second life of the same id that was erased before leaves its purchases out rather than merge them
    int purchases = update(c, "DELETE FROM customer_purchases WHERE customer_id = ? AND currency IN (SELECT currency"
        + " FROM customer_purchases WHERE customer_id = ?)", customerId, hash);
    removed.put("customer_purchases", purchases
        + update(c, "UPDATE customer_purchases SET customer_id = ? WHERE customer_id = ?", hash, customerId));
    removed.put("customers", update(c, "DELETE FROM customers WHERE id = ?", customerId));
    Erasure erasure = new Erasure(customerId, at, removed);
    if (erasure.anything()) {
      update(c, "DELETE FROM erasures WHERE customer_hash = ?", hash);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO erasures (customer_hash, erased_at) VALUES (?, ?)")) {
        ps.setString(1, hash);
        ps.setObject(2, ts(at));
        ps.executeUpdate();
      }
    }
    return erasure;
  }

  /** When each of these customers was erased, for those that were. */
  Map<String, Instant> erasedAt(Connection c, Collection<String> customerIds) throws SQLException {
    Map<String, String> byHash = new HashMap<>();
    customerIds.forEach(id -> byHash.put(Erasure.hash(id), id));
    Map<String, Instant> erased = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT customer_hash, erased_at FROM erasures WHERE customer_hash"
        + " = ANY(?)")) {
      ps.setArray(1, Jdbc.texts(c, byHash.keySet()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          erased.put(byHash.get(rs.getString(1)), Jdbc.instant(rs, 2));
        }
      }
    }
    return erased;
  }

  private static int update(Connection c, String sql, String... parameters) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        ps.setString(i + 1, parameters[i]);
      }
      return ps.executeUpdate();
    }
  }
}
