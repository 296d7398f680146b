package io.rapport.engine;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh PostgreSQL database for one test class, dropped afterwards. When PostgreSQL is not
 * reachable the test is skipped, except under CI=true where that is a failure.
 */
public final class TestDatabase implements AutoCloseable {
  static final String SERVER = System.getProperty("rapport.test.pg", "jdbc:postgresql://127.0.0.1:5432/");
  private static final String ADMIN_DB = "test";
  private final String name;

  private TestDatabase(String name) {
    this.name = name;
  }

  public static TestDatabase create() throws SQLException {
    String name = "rapport_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    return new TestDatabase(name);
  }

  private static Connection admin() throws SQLException {
    try {
      return DriverManager.getConnection(SERVER + ADMIN_DB + "?user=postgres&connectTimeout=5");
    } catch (SQLException e) {
      if ("true".equals(System.getenv("CI"))) {
        throw new SQLException("PostgreSQL is required under CI=true but is not reachable at " + SERVER, e);
      }
      Assumptions.abort("PostgreSQL not reachable at " + SERVER + " (" + e.getMessage() + "): skipping PostgreSQL tests");
      throw e;
    }
  }

  public String url() {
    return SERVER + name + "?user=postgres";
  }

  /** Sessions open on this database now. */
  int connections() throws SQLException {
    try (Connection c = admin(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + name + "'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = admin(); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }
}
