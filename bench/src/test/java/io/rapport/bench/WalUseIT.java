package io.rapport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class WalUseIT {
  private static final String PG = System.getProperty("rapport.test.pg", "jdbc:postgresql://127.0.0.1:5432/") + "test?user=postgres";

  @Test
  void rowsWrittenInAWindowShowAsAtLeastTheirSizeInTheLog() throws Exception {
    try (Connection c = DriverManager.getConnection(PG); Statement st = c.createStatement()) {
      WalUse before = WalUse.read(st);
      // temporary tables are not logged: a logged table of ~1 MB
      st.execute("CREATE TABLE IF NOT EXISTS wal_use_test (v text)");
      try {
        st.execute("INSERT INTO wal_use_test SELECT repeat('x', 1000) FROM generate_series(1, 1000)");
        long bytes = WalUse.read(st).bytesSince(before);

        assertThat(bytes).isGreaterThan(1_000_000L).isLessThan(50_000_000L);
      } finally {
        st.execute("DROP TABLE wal_use_test");
      }
    }
  }
}
