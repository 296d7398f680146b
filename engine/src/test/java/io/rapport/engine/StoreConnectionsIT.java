package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the server's connections to PostgreSQL are set up: plans made once, writes flushed as they go. */
class StoreConnectionsIT {
  private TestStore opened;

  @AfterEach
  void close() throws Exception {
    if (opened != null) {
      opened.close();
    }
  }

  @Test
  void connectionsPlanStatementsOnceWithoutFullScansAndFlushTheirWritesEveryTwoMegabytes() throws Exception {
    open(TestStore.FLUSH_AFTER_KB);
    assertThat(show("plan_cache_mode")).isEqualTo("force_generic_plan");
    assertThat(show("enable_seqscan")).isEqualTo("off");
    assertThat(show("backend_flush_after")).isEqualTo("2MB");
  }

  @Test
  void aFlushAfterOfZeroLeavesPostgresqlsOwnSetting() throws Exception {
    open(0);
    String servers;
    try (Connection c = java.sql.DriverManager.getConnection(opened.url()); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW backend_flush_after")) {
      rs.next();
      servers = rs.getString(1);
    }
    assertThat(show("backend_flush_after")).isEqualTo(servers);
  }

  private void open(int flushAfterKb) throws Exception {
    opened = TestStore.open("postgresql", flushAfterKb);
  }

  private String show(String setting) throws Exception {
    try (Connection c = opened.store().dataSource().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
