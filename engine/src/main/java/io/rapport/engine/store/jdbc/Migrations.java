package io.rapport.engine.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Brings a store's schema up to date with Flyway. Both databases number their migrations alike: a version means the
 * same change on each. Migrations written since that rule hold are shared, in {@value #COMMON}, with placeholders
 * for the few types that differ; the earlier ones stay per database, as databases made before hold their checksums.
 */
final class Migrations {
  static final String COMMON = "db/migration/common";
  static final Kind POSTGRESQL = new Kind("db/migration/postgresql", Map.of("json", "jsonb", "timestamp", "timestamptz"));
  static final Kind H2 = new Kind("db/migration/h2", Map.of("json", "character varying", "timestamp",
      "timestamp with time zone"));

  /** One database's own migrations and the values of the shared ones' placeholders. */
  record Kind(String location, Map<String, String> placeholders) {}

  /**
   * An embedded store made before the numbers were aligned has H2's V4, V5 and V6 in its history, which are now V5,
   * V6 and V7 (the same files, renamed); the new V4 does nothing on H2 and is applied out of order.
   */
  private static final List<String[]> RENUMBERED_ON_H2 = List.of(
      new String[] {"6", "7", "V7__last_activity_on_the_customer.sql", "last activity on the customer"},
      new String[] {"5", "6", "V6__timers_postponed_in_place.sql", "timers postponed in place"},
      new String[] {"4", "5", "V5__customers_keyed_by_id_only.sql", "customers keyed by id only"});

  private Migrations() {}

  static void migrate(DataSource pool, Kind kind) {
    boolean missingV4 = kind == H2 && renumberEarlyEmbeddedHistory(pool);
    Flyway.configure()
        .dataSource(pool)
        .locations("classpath:" + COMMON, "classpath:" + kind.location())
        .placeholders(kind.placeholders())
        .failOnMissingLocations(false)
        .outOfOrder(missingV4) // once, to apply H2's V4 after V5..V7
        .load()
        .migrate();
  }

  /** Renumbers an early embedded store's history; true when its V4 is still to apply, below versions applied. */
  private static boolean renumberEarlyEmbeddedHistory(DataSource pool) {
    try (Connection c = pool.getConnection()) {
      if (!hasHistory(c)) {
        return false;
      }
      if (!description(c, "4").equals("customers keyed by id only")) {
        return description(c, "4").isEmpty() && !description(c, "5").isEmpty();
      }
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE \"flyway_schema_history\" SET \"version\" = ?, \"script\" = ? WHERE \"version\" = ? AND \"description\" = ?")) {
        for (String[] r : RENUMBERED_ON_H2) { // highest first, so that no two rows share a version meanwhile
          ps.setString(1, r[1]);
          ps.setString(2, r[2]);
          ps.setString(3, r[0]);
          ps.setString(4, r[3]);
          ps.executeUpdate();
        }
        c.commit();
        return true;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new FlywayException("cannot renumber the migration history of the embedded store: " + e.getMessage(), e);
    }
  }

  private static boolean hasHistory(Connection c) throws SQLException {
    try (ResultSet rs = c.getMetaData().getTables(null, null, "flyway_schema_history", null)) {
      return rs.next();
    }
  }

  private static String description(Connection c, String version) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT \"description\" FROM \"flyway_schema_history\" WHERE \"version\" = ?")) {
      ps.setString(1, version);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : "";
      }
    }
  }
}
