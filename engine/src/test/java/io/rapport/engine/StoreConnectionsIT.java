package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.engine.store.jdbc.JdbcStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How the server's connections to PostgreSQL are set up: plans made once, writes flushed as configured. */
class StoreConnectionsIT {
  @RegisterExtension final TestStores stores = new TestStores();

  @Test
  void connectionsPlanStatementsOnceWithoutFullScansAndLeaveFlushingToPostgresql() throws Exception {
    JdbcStore store = stores.open("postgresql", TestStores.FLUSH_AFTER_KB);
    assertThat(setting(store, "plan_cache_mode")).isEqualTo("force_generic_plan");
    assertThat(setting(store, "enable_seqscan")).isEqualTo("off");
    // reset_val is what the connection had before its own SETs: the server's configuration
    assertThat(setting(store, "backend_flush_after")).isEqualTo(resetValue(store, "backend_flush_after"));
  }

  @Test
  void aFlushAfterOf2048kBHasConnectionsFlushTheirWritesEveryTwoMegabytes() throws Exception {
    JdbcStore store = stores.open("postgresql", 2048);
    assertThat(setting(store, "backend_flush_after")).isEqualTo("256"); // pages of 8 kB: 2 MB
  }

  private static String setting(JdbcStore store, String name) throws Exception {
    return read(store, "SELECT setting FROM pg_settings WHERE name = ?", name);
  }

  private static String resetValue(JdbcStore store, String name) throws Exception {
    return read(store, "SELECT reset_val FROM pg_settings WHERE name = ?", name);
  }

  private static String read(JdbcStore store, String sql, String name) throws Exception {
    try (Connection c = store.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
