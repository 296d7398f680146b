package io.rapport.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where PostgreSQL's write-ahead log has got to, for the whole cluster: over a window, how many
 * bytes of log a touchpoint cost (rows, index entries, and whole pages copied after each checkpoint).
 */
record WalUse(String lsn) {

  static WalUse read(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      return read(st);
    }
  }

  static WalUse read(Statement st) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
      rs.next();
      return new WalUse(rs.getString(1));
    }
  }

  /** Bytes of log written between {@code earlier} and this reading. */
  static long bytesBetween(Statement st, WalUse earlier, WalUse later) throws SQLException {
    try (ResultSet rs = st.executeQuery(
        "SELECT pg_wal_lsn_diff('" + later.lsn + "'::pg_lsn, '" + earlier.lsn + "'::pg_lsn)::bigint")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
