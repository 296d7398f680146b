package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rapport.engine.config.Settings;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A server that cannot start says why and leaves nothing running behind it. */
class FailedStartIT {
  // every Vert.x instance runs one checker of blocked threads until it is closed
  private static final String VERTX_THREAD = "vertx-blocked-thread-checker";

  @Test
  void aStoreThatWillNotOpenFailsTheStartAndLeavesNoVertxRunning() throws Exception {
    long before = vertxThreads();
    Settings settings = Settings.of(Map.of("http.port", "0", "drop.dir", "off",
        "data.dir", Files.createTempDirectory("rapport-failed-start").toString(),
        "db.url", "jdbc:postgresql://127.0.0.1:5432/rapport_no_such_database", "db.user", "postgres"));

    assertThatThrownBy(() -> Server.start(settings)).hasStackTraceContaining("rapport_no_such_database");

    await().atMost(Duration.ofSeconds(10)).until(() -> vertxThreads() <= before);
  }

  private static long vertxThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(VERTX_THREAD)).count();
  }
}
