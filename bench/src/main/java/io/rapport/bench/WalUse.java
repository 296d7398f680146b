package io.rapport.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where PostgreSQL's write-ahead log has got to, in bytes, for the whole cluster: over a window, how
 * many bytes of log a touchpoint cost (rows, index entries, and whole pages copied after each checkpoint).
 */
record WalUse(long position) {

  static WalUse read(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      return read(st);
    }
  }

  static WalUse read(Statement st) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")) {
      rs.next();
      return new WalUse(rs.getLong(1));
    }
  }

  /** Bytes of log written between {@code earlier} and this reading. */
  long bytesSince(WalUse earlier) {
    return position - earlier.position;
  }
}
