package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.engine.store.Database;
import io.rapport.engine.store.JdbcStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the server's connections to PostgreSQL are set up: plans made once, writes flushed as they go. */
class StoreConnectionsIT {
  private TestDatabase database;
  private JdbcStore store;

  @AfterEach
  void close() throws Exception {
    if (store != null) {
      store.close();
    }
    if (database != null) {
      database.close();
    }
  }

  @Test
  void connectionsPlanStatementsOnceWithoutFullScansAndFlushTheirWritesEveryTwoMegabytes() throws Exception {
    open(2048);
    assertThat(show("plan_cache_mode")).isEqualTo("force_generic_plan");
    assertThat(show("enable_seqscan")).isEqualTo("off");
    assertThat(show("backend_flush_after")).isEqualTo("2MB");
  }

  @Test
  void aFlushAfterOfZeroLeavesPostgresqlsOwnSetting() throws Exception {
    open(0);
    String servers;
    try (Connection c = java.sql.DriverManager.getConnection(database.url()); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW backend_flush_after")) {
      rs.next();
      servers = rs.getString(1);
    }
    assertThat(show("backend_flush_after")).isEqualTo(servers);
  }

  private void open(int flushAfterKb) throws Exception {
    database = TestDatabase.create();
    store = Database.open(database.url(), "", "", 2, flushAfterKb, null);
  }

  private String show(String setting) throws Exception {
    try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
