package io.rapport.engine.store.jdbc;

import io.rapport.engine.store.Census;
import io.rapport.engine.store.CensusSlice;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The census behind the gauges: customers per stage and timers pending, counted a slice of a table at a time. */
final class CensusQueries {
  private final Jdbc jdbc;

  CensusQueries(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Cuts each table into slices of {@code pages} heap pages as it stands, when {@code byPages} (a slice is then read
   * by a TID range scan of its pages alone); otherwise each table is one slice.
   */
  List<CensusSlice> slices(Connection c, int pages, boolean byPages) throws SQLException {
    if (pages < 1) {
      throw new IllegalArgumentException("a census slice holds at least one page, not " + pages);
    }
    List<CensusSlice> slices = new ArrayList<>();
    for (CensusSlice.Table table : CensusSlice.Table.values()) {
      long size = byPages ? pagesOf(c, table) : 0;
      long from = 0;
      for (; from + pages < size; from += pages) {
        slices.add(new CensusSlice(table, from, from + pages));
      }
      slices.add(new CensusSlice(table, from, CensusSlice.END));
    }
    return slices;
  }

  /** The table's heap pages on PostgreSQL, as it stands. */
  private static long pagesOf(Connection c, CensusSlice.Table table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT pg_relation_size(?::regclass) / current_setting('block_size')::bigint")) {
      ps.setString(1, table.sqlName());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  Census count(CensusSlice slice) {
    boolean stages = slice.table() == CensusSlice.Table.CUSTOMERS;
    String where = slice.isWhole() ? "" : " WHERE ctid >= ?::tid" + (slice.runsToEnd() ? "" : " AND ctid < ?::tid");
    String sql = stages
        ? "SELECT stage, count(*) FROM customers" + where + " GROUP BY stage"
        : "SELECT count(*) FROM timers" + where;
    return jdbc.read("cannot count " + slice.table().sqlName(), c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        if (!slice.isWhole()) {
          ps.setString(1, "(" + slice.fromPage() + ",0)");
          if (!slice.runsToEnd()) {
            ps.setString(2, "(" + slice.untilPage() + ",0)");
          }
        }
        try (ResultSet rs = ps.executeQuery()) {
          if (!stages) {
            rs.next();
            return Census.ofTimers(rs.getLong(1));
          }
          Map<String, Long> counts = new TreeMap<>();
          while (rs.next()) {
            counts.put(rs.getString(1), rs.getLong(2));
          }
          return Census.ofStages(counts);
        }
      }
    });
  }
}
