package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rapport.engine.config.Settings;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server that cannot start says why and leaves nothing running behind it. */
class FailedStartIT {
  // every Vert.x instance runs one checker of blocked threads until it is closed
  private static final String VERTX_THREAD = "vertx-blocked-thread-checker";

  @Test
  void aStoreThatWillNotOpenFailsTheStartAndLeavesNoVertxRunning(@TempDir Path dataDir) throws Exception {
    long before = vertxThreads();
    Settings settings = Settings.of(Map.of("http.port", "0", "drop.dir", "off",
        "data.dir", dataDir.toString(),
        "db.url", "jdbc:postgresql://127.0.0.1:5432/rapport_no_such_database", "db.user", "postgres"));

    assertThatThrownBy(() -> Server.start(settings)).hasStackTraceContaining("rapport_no_such_database");

    await().atMost(Duration.ofSeconds(10)).until(() -> vertxThreads() <= before);
  }

  @Test
  void aTakenPortFailsTheStartAndLeavesNoDatabaseConnectionOpen(@TempDir Path dataDir) throws Exception {
    try (TestDatabase database = TestDatabase.create(); ServerSocket taken = new ServerSocket(0)) {
      Settings settings = Settings.of(Map.of("http.port", String.valueOf(taken.getLocalPort()), "drop.dir", "off",
          "data.dir", dataDir.toString(), "db.url", database.url()));

      assertThatThrownBy(() -> Server.start(settings)).hasStackTraceContaining("Address already in use");

      // the store opened before the port was tried: its pool must not outlive the failed start
      await().atMost(Duration.ofSeconds(10)).until(() -> database.connections() == 0);
    }
  }

  private static long vertxThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(VERTX_THREAD)).count();
  }
}
