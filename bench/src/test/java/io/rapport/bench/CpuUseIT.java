package io.rapport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class CpuUseIT {
  private static final String PG = System.getProperty("rapport.test.pg", "jdbc:postgresql://127.0.0.1:5432/") + "test?user=postgres";

  @Test
  void workDoneInAWindowIsChargedToWhoeverDidIt() throws Exception {
    long self = ProcessHandle.current().pid();
    CpuUse before = CpuUse.read(self);
    long sum = 0;
    for (long i = 0; i < 300_000_000L; i++) {
      sum += i ^ (sum >>> 3);
    }
    CpuUse used;
    // read while connected: a backend's time leaves the count when it exits
    try (Connection c = DriverManager.getConnection(PG); Statement st = c.createStatement()) {
      st.execute("SELECT count(*) FROM generate_series(1, 5000000)"); // about half a second of a backend
      used = CpuUse.read(self).since(before);
    }

    assertThat(sum).isNotZero();
    // read as the server's pid too, this JVM's loop shows on both sides
    assertThat(used.loadNanos()).isGreaterThan(50_000_000L);
    assertThat(used.serverNanos()).isGreaterThan(50_000_000L);
    assertThat(used.postgresNanos()).isGreaterThan(50_000_000L);
  }

  @Test
  void aServerThatHasGoneCountsNothing() {
    CpuUse gone = CpuUse.read(Long.MAX_VALUE);

    assertThat(gone.serverNanos()).isZero();
    assertThat(gone.loadNanos()).isPositive();
  }
}
