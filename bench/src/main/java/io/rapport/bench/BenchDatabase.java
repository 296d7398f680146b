package io.rapport.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/** The run's own PostgreSQL database, created beside the one {@code --db-url} names. */
final class BenchDatabase {
  private final String adminUrl;
  private final String name;
  private final String url;

  private BenchDatabase(String adminUrl, String name, String url) {
    this.adminUrl = adminUrl;
    this.name = name;
    this.url = url;
  }

  /** A fresh database on the server of {@code adminUrl}, reached with the same user and options. */
  static BenchDatabase create(String adminUrl) throws SQLException {
    String name = "rapport_bench_" + System.currentTimeMillis();
    String base = adminUrl.substring(0, adminUrl.indexOf('/', "jdbc:postgresql://".length()) + 1);
    String query = adminUrl.contains("?") ? adminUrl.substring(adminUrl.indexOf('?')) : "";
    try (Connection admin = DriverManager.getConnection(adminUrl); Statement st = admin.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    return new BenchDatabase(adminUrl, name, base + name + query);
  }

  /** A database a run before kept ({@code --keep}), on the server of {@code adminUrl}. */
  static BenchDatabase existing(String adminUrl, String name) {
    String base = adminUrl.substring(0, adminUrl.indexOf('/', "jdbc:postgresql://".length()) + 1);
    String query = adminUrl.contains("?") ? adminUrl.substring(adminUrl.indexOf('?')) : "";
    return new BenchDatabase(adminUrl, name, base + name + query);
  }

  String name() {
    return name;
  }

  /** The JDBC URL of the run's database. */
  String url() {
    return url;
  }

  /** Drops the database, even while a connection is still open on it. */
  void drop() throws SQLException {
    try (Connection admin = DriverManager.getConnection(adminUrl); Statement st = admin.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  /** Waits (two minutes at most) until the server has sent every pending action; returns the seconds it took. */
  double drain() throws Exception {
    long t0 = System.nanoTime();
    long deadline = t0 + TimeUnit.MINUTES.toNanos(2);
    while (pendingActions() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(250);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  long pendingActions() throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM actions WHERE status = 'pending'")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
