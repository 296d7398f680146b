package io.rapport.engine.store.jdbc;

import static io.rapport.engine.store.jdbc.Jdbc.instant;
import static io.rapport.engine.store.jdbc.Jdbc.ts;

import io.rapport.engine.store.RuleVersion;
import io.vertx.core.json.JsonObject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The rule_versions table: every rule base that was ever active, with who activated it, when and why. */
final class RuleVersionsTable {
  private static final String COLUMNS = "version, files, checksum, activated_at, activated_by, note";
  private final Jdbc jdbc;
  private final String jsonParameter;

  RuleVersionsTable(Jdbc jdbc, String jsonParameter) {
    this.jdbc = jdbc;
    this.jsonParameter = jsonParameter;
  }

  List<RuleVersion> all() {
    return read("SELECT " + COLUMNS + " FROM rule_versions ORDER BY version");
  }

  Optional<RuleVersion> latest() {
    return read("SELECT " + COLUMNS + " FROM rule_versions ORDER BY version DESC LIMIT 1").stream().findFirst();
  }

  private List<RuleVersion> read(String sql) {
    return jdbc.read("cannot read rule versions", c -> {
      List<RuleVersion> versions = new ArrayList<>();
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        while (rs.next()) {
          Map<String, String> files = new TreeMap<>();
          new JsonObject(rs.getString(2)).forEach(e -> files.put(e.getKey(), String.valueOf(e.getValue())));
          versions.add(RuleVersion.of(rs.getInt(1), files, rs.getString(3), instant(rs, 4), rs.getString(5),
              rs.getString(6)));
        }
      }
      return versions;
    });
  }

  /** Stores a rule base as the next version. */
  RuleVersion save(Map<String, String> files, String checksum, Instant at, String activatedBy, String note) {
    return jdbc.inTransaction("cannot store the rules", c -> {
      int next;
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) + 1 FROM rule_versions")) {
        rs.next();
        next = rs.getInt(1);
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO rule_versions (" + COLUMNS + ") VALUES (?, "
          + jsonParameter + ", ?, ?, ?, ?)")) {
        ps.setInt(1, next);
        ps.setString(2, new JsonObject(new TreeMap<String, Object>(files)).encode());
        ps.setString(3, checksum);
        ps.setObject(4, ts(at));
        ps.setString(5, activatedBy);
        ps.setString(6, note == null ? null : Jdbc.truncate(note, 500));
        ps.executeUpdate();
      }
      return RuleVersion.of(next, files, checksum, at, activatedBy, note);
    });
  }
}
