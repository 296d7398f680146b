package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.engine.store.jdbc.Database;
import io.rapport.engine.store.jdbc.JdbcStore;
import io.rapport.rules.Customer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store made by an earlier release opens with its customers as that release showed them. */
class UpgradeIT {
  private TestDatabase database;
  private JdbcStore store;

  @AfterEach
  void close() throws Exception {
    if (store != null) {
      store.close();
    }
    if (database != null) {
      database.close();
    }
  }

  @Test
  void anUpgradedPostgresqlStoreKeepsTheLastActivityItReadFromTouchpoints() throws Exception {
    database = TestDatabase.create();
    upgradeFrom(database.url(), "postgresql", "6");
  }

  @Test
  void anUpgradedEmbeddedStoreKeepsTheLastActivityItReadFromTouchpoints(@TempDir Path dir) throws Exception {
    upgradeFrom(Database.embeddedUrl(dir), "h2", "6");
  }

  /**
   * Until both databases numbered their migrations alike, H2's V4, V5 and V6 were PostgreSQL's V5, V6 and V7 (H2
   * had no V4). An embedded store of that time has its history renumbered once and opens with its data.
   */
  @Test
  void anEmbeddedStoreMadeWhenItsMigrationsWereNumberedApartOpensWithItsData(@TempDir Path dir) throws Exception {
    Path earlier = Files.createDirectory(dir.resolve("earlier-migrations"));
    Map<String, String> renamed = Map.of(
        "V5__customers_keyed_by_id_only.sql", "V4__customers_keyed_by_id_only.sql",
        "V6__timers_postponed_in_place.sql", "V5__timers_postponed_in_place.sql",
        "V7__last_activity_on_the_customer.sql", "V6__last_activity_on_the_customer.sql");
    for (String file : List.of("V1__journey_schema.sql", "V2__rule_versions.sql", "V3__leases_and_room_for_updates.sql",
        "V5__customers_keyed_by_id_only.sql", "V6__timers_postponed_in_place.sql",
        "V7__last_activity_on_the_customer.sql")) {
      try (var in = UpgradeIT.class.getResourceAsStream("/db/migration/h2/" + file)) {
        Files.write(earlier.resolve(renamed.getOrDefault(file, file)), in.readAllBytes());
      }
    }
    String url = Database.embeddedUrl(dir.resolve("data"));
    Flyway.configure().dataSource(url, null, null).locations("filesystem:" + earlier).load().migrate();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      st.executeUpdate("INSERT INTO customers (id, stage, orders, version, created_at, updated_at)"
          + " VALUES ('c-kept', 'REPEAT', 2, 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
    }

    store = Database.open(new Database.Options(url, "", "", 2, TestStores.FLUSH_AFTER_KB), null);
    assertThat(store.customer("c-kept")).hasValueSatisfying(c -> {
      assertThat(c.getStage()).isEqualTo("REPEAT");
      assertThat(c.getVersion()).isEqualTo(3);
    });
    store.close();
    store = Database.open(new Database.Options(url, "", "", 2, TestStores.FLUSH_AFTER_KB), null); // and again
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT \"version\", \"description\", \"success\" FROM \"flyway_schema_history\""
            + " WHERE \"version\" IS NOT NULL ORDER BY CAST(\"version\" AS INT)")) {
      List<String> history = new ArrayList<>();
      while (rs.next()) {
        history.add(rs.getString(1) + " " + rs.getString(2) + (rs.getBoolean(3) ? "" : " FAILED"));
      }
      assertThat(history).containsExactly("1 journey schema", "2 rule versions", "3 leases and room for updates",
          "4 keys in byte order", "5 customers keyed by id only", "6 timers postponed in place",
          "7 last activity on the customer", "8 room for revenue and rule errors", "9 rule errors listed",
          "10 action reasons and transactional marks", "11 discount codes", "20 connector pauses",
          "25 actions keep their event time", "26 discount code redemptions", "27 erasures", "30 kpi windows indexed",
          "31 kpi purchases and refreshes", "35 customers listed by stage",
          "36 marketing sends counted by customer");
    }
  }

  /**
   * Until the schema after {@code lastOldVersion}, a visit left the customer's row alone and the
   * time of last activity was read from the customer's latest touchpoint (timers did not count).
   */
  private void upgradeFrom(String url, String dialect, String lastOldVersion) throws Exception {
    Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration/" + dialect)
        .target(lastOldVersion).load().migrate();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      st.executeUpdate("INSERT INTO customers (id, stage, orders, last_activity_at, version, created_at, updated_at)"
          + " VALUES ('c-visited', 'NEW_CUSTOMER', 1, TIMESTAMP WITH TIME ZONE '2026-11-01 10:00:00+00', 1,"
          + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),"
          + " ('c-bought', 'NEW_CUSTOMER', 1, TIMESTAMP WITH TIME ZONE '2026-11-02 10:00:00+00', 1,"
          + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),"
          + " ('c-quiet', 'PROSPECT', 0, NULL, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
      st.executeUpdate("INSERT INTO touchpoints (id, customer_id, type, occurred_at, received_at, outcome) VALUES"
          + " ('p-1', 'c-visited', 'purchase', TIMESTAMP WITH TIME ZONE '2026-11-01 10:00:00+00', CURRENT_TIMESTAMP, 'decided'),"
          + " ('v-1', 'c-visited', 'web_visit', TIMESTAMP WITH TIME ZONE '2026-11-20 08:30:00+00', CURRENT_TIMESTAMP, 'decided'),"
          + " ('t-1', 'c-visited', 'timer', TIMESTAMP WITH TIME ZONE '2026-11-25 00:00:00+00', CURRENT_TIMESTAMP, 'decided'),"
          + " ('v-0', 'c-bought', 'web_visit', TIMESTAMP WITH TIME ZONE '2026-10-01 00:00:00+00', CURRENT_TIMESTAMP, 'decided'),"
          + " ('p-2', 'c-bought', 'purchase', TIMESTAMP WITH TIME ZONE '2026-11-02 10:00:00+00', CURRENT_TIMESTAMP, 'decided')");
    }

    store = Database.open(new Database.Options(url, "", "", 2, TestStores.FLUSH_AFTER_KB), null);

    var customers = store.customers(List.of("c-visited", "c-bought", "c-quiet"));
    assertThat(customers.get("c-visited").getLastActivityAt()).isEqualTo(Instant.parse("2026-11-20T08:30:00Z"));
    assertThat(customers.get("c-bought").getLastActivityAt()).isEqualTo(Instant.parse("2026-11-02T10:00:00Z"));
    assertThat(customers.get("c-quiet").getLastActivityAt()).isNull();
    assertThat(customers.values()).extracting(Customer::getVersion).containsOnly(1L);
    assertThat(indexes(url)).doesNotContain("touchpoints_by_customer");
  }

  private static List<String> indexes(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(url.startsWith("jdbc:h2:")
            ? "SELECT index_name FROM information_schema.indexes WHERE table_name = 'touchpoints'"
            : "SELECT indexname FROM pg_indexes WHERE tablename = 'touchpoints'")) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString(1).toLowerCase(Locale.ROOT));
      }
      return names;
    }
  }
}
