package io.rapport.engine;

import io.rapport.engine.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A server on the embedded store for the managers' view (customer lists, OpenAPI, console), with known keys: admin,
 * read and ingest. Closing it stops the server and deletes its data directory.
 */
final class ManagersServer implements AutoCloseable {
  static final String ADMIN_KEY = "managers-admin-key-for-tests";
  static final String READ_KEY = "managers-read-key-for-tests";
  static final String INGEST_KEY = "managers-ingest-key-for-tests";
  final Server server;
  final Path dataDir;
  /** Without a key. */
  final Api anonymous;
  final Touchpoints tp = new Touchpoints(Clock.systemUTC());

  private ManagersServer(Server server, Path dataDir) {
    this.server = server;
    this.dataDir = dataDir;
    this.anonymous = new Api(server.port());
  }

  static ManagersServer start() throws Exception {
    Path dir = Files.createTempDirectory("rapport-managers");
    Map<String, String> values = new HashMap<>();
    values.put("http.port", "0");
    values.put("guard.quiet.enabled", "false"); // actions go out whatever the hour the test runs at
    values.put("guard.frequency.max", "0");
    values.put("data.dir", dir.toString());
    values.put("admin.key", ADMIN_KEY);
    values.put("read.key", READ_KEY);
    values.put("ingest.key", INGEST_KEY);
    values.put("metrics.refresh", "PT0.5S");
    values.put("metrics.count-spacing", "1");
    // on a loaded machine the first decisions (cold JIT) can pass the default 200 ms budget and be stored as rule
    // errors; these tests are about what managers see, not about the budget
    values.put("rules.decision-timeout", "PT10S");
    return new ManagersServer(Server.start(Settings.of(values)), dir);
  }

  Api as(String key) {
    return anonymous.as(key);
  }

  String url() {
    return "http://127.0.0.1:" + server.port();
  }

  /** Sends these touchpoints (a JSON array) with the ingest key; fails unless all are accepted. */
  void ingest(String jsonArray) throws Exception {
    Api.Response r = anonymous.ingest(jsonArray, INGEST_KEY);
    if (r.status() != 202) {
      throw new IllegalStateException("touchpoints refused: " + r.status() + " " + r.body());
    }
  }

  @Override
  public void close() throws Exception {
    server.close();
    try (Stream<Path> paths = Files.walk(dataDir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
