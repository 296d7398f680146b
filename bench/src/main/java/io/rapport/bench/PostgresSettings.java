package io.rapport.bench;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PostgreSQL settings that set the store's pace, as a session on the benchmark's URL sees them
 * (so options in the URL count, as they do for the server): a run's figures hold only beside them.
 */
record PostgresSettings(Map<String, String> values) {
  /** Memory for pages, how often checkpoints come (each is followed by whole-page copies), and what a commit waits for. */
  static final List<String> NAMES = List.of("server_version", "shared_buffers", "max_wal_size", "checkpoint_timeout",
      "wal_compression", "synchronous_commit", "fsync", "full_page_writes", "autovacuum");

  static PostgresSettings read(String url) throws SQLException {
    Map<String, String> values = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement ps = c.prepareStatement("SELECT current_setting(?)")) {
      for (String name : NAMES) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          values.put(name, rs.getString(1));
        }
      }
    }
    return new PostgresSettings(values);
  }

  JsonObject toJson() {
    return new JsonObject(new LinkedHashMap<>(values));
  }
}
