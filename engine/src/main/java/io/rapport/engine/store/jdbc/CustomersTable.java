package io.rapport.engine.store.jdbc;

import static io.rapport.engine.store.jdbc.Jdbc.instant;
import static io.rapport.engine.store.jdbc.Jdbc.ts;

import io.rapport.engine.store.CustomerFilter;
import io.rapport.engine.store.StoreException;
import io.rapport.rules.Customer;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The customers table: each customer's stage, aggregates, attributes and the version of its stored state. */
final class CustomersTable {
  static final String COLUMNS = "id, stage, stage_since, orders, revenue, last_purchase_at, last_activity_at, last_nps,"
      + " complaints, attributes, version";

  private final Jdbc jdbc;
  private final String insert;
  private final String update;

  CustomersTable(Jdbc jdbc, String jsonParameter) {
    this.jdbc = jdbc;
    this.insert = "INSERT INTO customers (" + COLUMNS + ", created_at, updated_at)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, " + jsonParameter + ", ?, ?, ?)";
    this.update = "UPDATE customers SET stage = ?, stage_since = ?, orders = ?, revenue = ?, last_purchase_at = ?,"
        + " last_activity_at = ?, last_nps = ?, complaints = ?, attributes = " + jsonParameter + ", version = ?,"
        + " updated_at = ? WHERE id = ? AND version = ?";
  }

  /** The stored customers among these ids. */
  Map<String, Customer> byIds(Collection<String> ids) {
    Map<String, Customer> found = new HashMap<>();
    if (ids.isEmpty()) {
      return found;
    }
    return jdbc.read("cannot read customers", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM customers WHERE id = ANY(?)")) {
        ps.setArray(1, Jdbc.texts(c, ids));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Customer customer = read(rs);
            found.put(customer.getId(), customer);
          }
        }
      }
      return found;
    });
  }

  /**
   * A page of customers in id order, read through one range of an index: customers_by_stage (stage, id) for a
   * stage, the primary key otherwise. The id prefix and the cursor are bounds of that range, not filters.
   */
  List<Customer> page(CustomerFilter filter) {
    Optional<String> upper = upperBound(filter.idPrefix());
    String sql = pageQuery(filter.stage() != null, upper.isPresent());
    return jdbc.read("cannot list customers", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        if (filter.stage() != null) {
          ps.setString(i++, filter.stage());
        }
        ps.setString(i++, filter.idPrefix());
        ps.setString(i++, filter.afterId() == null ? "" : filter.afterId());
        if (upper.isPresent()) {
          ps.setString(i++, upper.get());
        }
        ps.setInt(i, filter.limit());
        List<Customer> page = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            page.add(read(rs));
          }
        }
        return page;
      }
    });
  }

  /** The statement of a page: parameters stage (when by stage), prefix, after, upper bound (when any), limit. */
  static String pageQuery(boolean byStage, boolean bounded) {
    return "SELECT " + COLUMNS + " FROM customers WHERE " + (byStage ? "stage = ? AND " : "")
        + "id >= ? AND id > ?" + (bounded ? " AND id < ?" : "")
        // by (stage, id) rather than by id alone: the order of customers_by_stage, so the planner does not walk the
        // primary key filtering by stage, which reads the whole table for a stage of few customers
        + (byStage ? " ORDER BY stage, id" : " ORDER BY id") + " LIMIT ?";
  }

  /**
   * The least string above every string that starts with {@code prefix}, in code point order (the byte order of the
   * ids' UTF-8, which is how the store compares them): the prefix with its last code point raised by one. Empty when
   * there is none (no prefix, or one of only the highest code point).
   */
  static Optional<String> upperBound(String prefix) {
    int[] points = prefix.codePoints().toArray();
    for (int n = points.length; n > 0; n--) {
      int last = points[n - 1];
      if (last < Character.MAX_CODE_POINT) {
        int next = last + 1 == Character.MIN_SURROGATE ? Character.MAX_SURROGATE + 1 : last + 1;
        StringBuilder bound = new StringBuilder();
        for (int i = 0; i < n - 1; i++) {
          bound.appendCodePoint(points[i]);
        }
        return Optional.of(bound.appendCodePoint(next).toString());
      }
    }
    return Optional.empty();
  }

  private static Customer read(ResultSet rs) throws SQLException {
    int lastNps = rs.getInt(8);
    Integer nps = rs.wasNull() ? null : lastNps;
    return new Customer(rs.getString(1), rs.getString(2), instant(rs, 3), rs.getInt(4), amount(rs.getBigDecimal(5)),
        instant(rs, 6), instant(rs, 7), nps, rs.getInt(9), new JsonObject(rs.getString(10)).getMap(), rs.getLong(11));
  }

  /** 30.00 as 30, not as 3E+1: JSON writes a BigDecimal as its toString. */
  private static BigDecimal amount(BigDecimal stored) {
    BigDecimal v = stored.stripTrailingZeros();
    return v.scale() < 0 ? v.setScale(0) : v;
  }

  /**
   * Inserts the customers of version 0 and updates the others if their stored version is still the one they were
   * read at, in batched statements.
   *
   * @throws StoreException when one was changed by someone else meanwhile
   */
  void write(Connection c, List<Customer> customers, OffsetDateTime now) throws SQLException {
    List<Customer> updates = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      boolean any = false;
      for (Customer cu : customers) {
        if (cu.getVersion() != 0) {
          updates.add(cu);
          continue;
        }
        ps.setString(1, cu.getId());
        bindState(ps, 2, cu);
        ps.setLong(11, 1);
        ps.setObject(12, now);
        ps.setObject(13, now);
        ps.addBatch();
        any = true;
      }
      if (any) {
        ps.executeBatch();
      }
    }
    if (updates.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(update)) {
      for (Customer cu : updates) {
        int i = bindState(ps, 1, cu);
        ps.setLong(i, cu.getVersion() + 1);
        ps.setObject(i + 1, now);
        ps.setString(i + 2, cu.getId());
        ps.setLong(i + 3, cu.getVersion());
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] == 0) {
          throw new StoreException("customer " + updates.get(i).getId() + " was changed by someone else", null, true);
        }
      }
    }
  }

  /** Binds stage .. attributes from {@code first}; returns the next parameter index. */
  private static int bindState(PreparedStatement ps, int first, Customer cu) throws SQLException {
    int i = first;
    ps.setString(i++, cu.getStage());
    ps.setObject(i++, ts(cu.getStageSince()));
    ps.setInt(i++, cu.getOrders());
    ps.setBigDecimal(i++, cu.getRevenue());
    ps.setObject(i++, ts(cu.getLastPurchaseAt()));
    ps.setObject(i++, ts(cu.getLastActivityAt()));
    if (cu.getLastNps() == null) {
      ps.setNull(i++, Types.INTEGER);
    } else {
      ps.setInt(i++, cu.getLastNps());
    }
    ps.setInt(i++, cu.getComplaints());
    ps.setString(i++, new JsonObject(cu.getAttributes()).encode());
    return i;
  }
}
