package io.rapport.engine.store.jdbc;

import io.rapport.engine.store.StoreException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import javax.sql.DataSource;

/**
 * What every table of the store shares: connections from the pool, transactions, the mapping of times, and what a
 * failure means (whether retrying can help).
 */
final class Jdbc {
  /** Work on one connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final DataSource pool;

  Jdbc(DataSource pool) {
    this.pool = pool;
  }

  DataSource pool() {
    return pool;
  }

  /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
  <T> T inTransaction(String what, Work<T> work) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** Runs {@code work} on a connection of its own, each statement committed as it runs. */
  <T> T read(String what, Work<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  static OffsetDateTime ts(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  static Array texts(Connection c, Collection<String> values) throws SQLException {
    return c.createArrayOf("varchar", values.toArray(new String[0]));
  }

  static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  /** Connection trouble, conflicts and a misconfigured server are worth retrying; data the store refuses is not. */
  static StoreException failure(String what, SQLException e) {
    boolean retriable = true;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLIntegrityConstraintViolationException) {
        retriable = false;
      }
      if (t instanceof SQLTransientException || t instanceof SQLNonTransientConnectionException) {
        retriable = true;
        break;
      }
      // Data the store refuses (22: a value it cannot hold, 23: a constraint) fails again whatever is tried; a
      // missing table or permission (42) is the server's to fix, and a client's retry will pass once it is.
      String state = t instanceof SQLException s ? s.getSQLState() : null;
      if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
        retriable = false;
      }
    }
    return new StoreException(what + ": " + e.getMessage(), e, retriable);
  }
}
