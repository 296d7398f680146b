package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import io.rapport.engine.kpi.JourneyEarnings;
import io.rapport.engine.kpi.KpiSnapshot;
import io.rapport.engine.kpi.KpiStore;
import io.rapport.engine.kpi.TrendPoint;
import io.rapport.engine.store.Decided;
import io.rapport.engine.store.WriteBatch;
import io.rapport.engine.store.jdbc.JdbcStore;
import io.rapport.rules.ActionRequest;
import io.rapport.rules.Decision;
import io.rapport.rules.Touchpoint;
import io.rapport.rules.Transition;
import java.math.BigDecimal;
import io.rapport.engine.store.jdbc.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import org.flywaydb.core.Flyway;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every KPI against a small data set computed by hand (docs/managers.md gives the definitions), on H2 and on
 * PostgreSQL: windows that are empty, answers and purchases outside the window, refunds, several currencies, a
 * customer answering twice, transactional and suppressed actions, and last-touch attribution.
 */
class KpiDefinitionsIT {
  private static final Duration WINDOW = Duration.ofDays(30);
  private static final Duration ATTRIBUTION = Duration.ofDays(14);
  /** The refresh's time: the window is [May 31, Jun 30), the one before [May 1, May 31). */
  private static final Instant NOW = day(6, 30);

  @RegisterExtension final TestStores stores = new TestStores();
  private JdbcStore store;
  private final List<Decided> decided = new ArrayList<>();

  private static Instant day(int month, int day) {
    return OffsetDateTime.of(2026, month, day, 12, 0, 0, 0, ZoneOffset.UTC).toInstant();
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void anEmptyStoreHasNoKpiButNoughtCounts(String backend) throws Exception {
    store = stores.open(backend);
    KpiSnapshot s = store.kpis().compute(NOW, WINDOW, ATTRIBUTION);

    assertThat(s.nps()).isNull();
    assertThat(s.npsAnswers()).isZero();
    assertThat(s.retentionRate()).isNull();
    assertThat(s.churnRate()).isNull();
    assertThat(s.repeatPurchaseRate()).isNull();
    assertThat(s.lifetimeValue()).isEmpty();
    assertThat(s.engagement().sent()).isZero();
    assertThat(s.engagement().opensPerMessage()).isNull();
    assertThat(s.journeys()).isEmpty();
    assertThat(s.actionsJson().getJsonObject("byStatus").getMap())
        .containsOnly(entry("pending", 0L), entry("sent", 0L), entry("failed", 0L), entry("suppressed", 0L));
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void theKpisAreTheHandComputedOnes(String backend) throws Exception {
    store = stores.open(backend);
    loadTheDataSet();

    KpiSnapshot s = store.kpis().compute(NOW, WINDOW, ATTRIBUTION);

    // latest answers in the window: alice 5 (her 10 came before), bob 9, carol "8", frank 0; dave's 10 is before
    // the window and erin's answer has no score. 1 promoter, 2 detractors of 4: (1 - 2) / 4 = -25
    assertThat(s.npsAnswers()).isEqualTo(4);
    assertThat(s.nps()).isCloseTo(-25.0, within(1e-9));
    // bought in the window before: alice, bob, dave; again in this one: alice; moved into CHURNED: bob
    assertThat(s.retentionRate()).isCloseTo(1.0 / 3, within(1e-9));
    assertThat(s.churnRate()).isCloseTo(1.0 / 3, within(1e-9));
    // purchases ever: alice 2, bob 1, carol 1, dave 2, erin 1, frank 1
    assertThat(s.repeatPurchaseRate()).isCloseTo(2.0 / 6, within(1e-9));
    // EUR: alice 100 + 50 - 30, bob 200, dave 40 + 60, frank 10 - 10: 420 over 4 buyers; USD: carol 80
    assertThat(s.lifetimeValue()).containsOnlyKeys("EUR", "USD");
    assertThat(s.lifetimeValue().get("EUR")).isEqualByComparingTo("105");
    assertThat(s.lifetimeValue().get("USD")).isEqualByComparingTo("80");
    // marketing sent in the window: welcome, winback, nudge (the receipt is transactional, the old one before it)
    assertThat(s.engagement().sent()).isEqualTo(3);
    assertThat(s.engagement().opens()).isEqualTo(3);
    assertThat(s.engagement().clicks()).isEqualTo(1);
    assertThat(s.engagement().opensPerMessage()).isCloseTo(1.0, within(1e-9));
    assertThat(s.engagement().clicksPerMessage()).isCloseTo(1.0 / 3, within(1e-9));
    assertThat(s.actionsByStatus())
        .containsOnly(entry("sent", 4L), entry("suppressed", 1L), entry("pending", 1L), entry("failed", 1L));
    assertThat(s.suppressedByReason()).containsOnly(entry("frequency", 1L));

    Map<String, JourneyEarnings> journeys = new java.util.TreeMap<>();
    s.journeys().forEach(j -> journeys.put(j.rule() + "/" + j.template(), j));
    assertThat(journeys).containsOnlyKeys("Welcome/welcome", "Win back/winback", "Nudge/nudge", "Receipt/receipt");
    // alice's purchase of Jun 10 goes to the latest action before it (the nudge of Jun 8), not the welcome of Jun 2
    assertThat(journeys.get("Nudge/nudge").attributedRevenue()).containsOnlyKeys("EUR");
    assertThat(journeys.get("Nudge/nudge").attributedRevenue().get("EUR")).isEqualByComparingTo("50");
    assertThat(journeys.get("Welcome/welcome").attributedRevenue()).isEmpty();
    assertThat(journeys.get("Welcome/welcome").sent()).isEqualTo(1);
    assertThat(journeys.get("Welcome/welcome").codesRedeemed()).isEqualTo(1);
    assertThat(journeys.get("Win back/winback").attributedRevenue()).isEmpty();
    assertThat(journeys.get("Receipt/receipt").attributedRevenue()).as("transactional actions earn nothing").isEmpty();
    assertThat(journeys.get("Receipt/receipt").sent()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aWindowWithNothingInItHasNoWindowedKpiWhileHistoricOnesStay(String backend) throws Exception {
    store = stores.open(backend);
    loadTheDataSet();

    KpiSnapshot s = store.kpis().compute(NOW.plus(Duration.ofDays(365)), WINDOW, ATTRIBUTION);

    assertThat(s.nps()).isNull();
    assertThat(s.npsAnswers()).isZero();
    assertThat(s.retentionRate()).isNull();
    assertThat(s.churnRate()).isNull();
    assertThat(s.engagement().opensPerMessage()).isNull();
    assertThat(s.journeys()).isEmpty();
    assertThat(s.repeatPurchaseRate()).isCloseTo(2.0 / 6, within(1e-9));
    assertThat(s.lifetimeValue().get("EUR")).isEqualByComparingTo("105");
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void refreshesAreKeptForTheTrendAndTheOldestGo(String backend) throws Exception {
    store = stores.open(backend);
    loadTheDataSet();
    KpiStore kpis = store.kpis();
    KpiSnapshot first = kpis.compute(NOW.minus(Duration.ofDays(2)), WINDOW, ATTRIBUTION);
    kpis.save(first, Instant.EPOCH);
    KpiSnapshot second = kpis.compute(NOW.minus(Duration.ofDays(1)), WINDOW, ATTRIBUTION);
    kpis.save(second, Instant.EPOCH);
    KpiSnapshot third = kpis.compute(NOW, WINDOW, ATTRIBUTION);
    kpis.save(third, NOW.minus(Duration.ofHours(36))); // the first goes

    assertThat(kpis.trend(Instant.EPOCH, NOW.plusSeconds(1))).extracting(TrendPoint::at)
        .containsExactly(second.at(), third.at());
    TrendPoint last = kpis.trend(NOW, NOW.plusSeconds(1)).get(0);
    assertThat(last.nps()).isCloseTo(-25.0, within(1e-4));
    assertThat(last.retentionRate()).isCloseTo(1.0 / 3, within(1e-5));
    KpiSnapshot latest = kpis.latest().orElseThrow();
    assertThat(latest.toJson()).isEqualTo(third.toJson());
    assertThat(latest.lifetimeValue().get("EUR")).isEqualByComparingTo("105");
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aStoreUpgradedFromBeforeTheKpisCountsThePurchasesItHeld(String backend, @TempDir Path dir) throws Exception {
    String url;
    if (backend.equals("postgresql")) {
      TestDatabase database = TestDatabase.create();
      stores.closeAfter(database);
      url = database.url();
    } else {
      url = Database.embeddedUrl(dir);
    }
    boolean pg = backend.equals("postgresql");
    Flyway.configure().dataSource(url, null, null)
        .locations("classpath:db/migration/common", "classpath:db/migration/" + backend)
        .placeholders(Map.of("json", pg ? "jsonb" : "character varying", "timestamp",
            pg ? "timestamptz" : "timestamp with time zone"))
        .target("11").load().migrate();
    try (Connection c = DriverManager.getConnection(url)) {
      for (String[] t : List.of(new String[] {"u-1", "ann", "purchase", "100", "EUR"},
          new String[] {"u-2", "ann", "purchase", "50", "EUR"}, new String[] {"u-3", "ann", "refund", "30", "EUR"},
          new String[] {"u-4", "ben", "purchase", "10", "USD"}, new String[] {"u-5", "cem", "purchase", null, null},
          new String[] {"u-6", "cem", "web_visit", null, null})) {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO touchpoints (id, customer_id, type, occurred_at,"
            + " amount, currency, received_at, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, 'decided')")) {
          ps.setString(1, t[0]);
          ps.setString(2, t[1]);
          ps.setString(3, t[2]);
          ps.setObject(4, day(5, 1).atOffset(ZoneOffset.UTC));
          ps.setBigDecimal(5, t[3] == null ? null : new BigDecimal(t[3]));
          ps.setString(6, t[4]);
          ps.setObject(7, day(5, 1).atOffset(ZoneOffset.UTC));
          ps.executeUpdate();
        }
      }
    }
    store = Database.open(new Database.Options(url, "", "", 2, TestStores.FLUSH_AFTER_KB), null);
    stores.closeAfter(store);

    KpiSnapshot s = store.kpis().compute(NOW, WINDOW, ATTRIBUTION);
    assertThat(s.lifetimeValue()).containsOnlyKeys("EUR", "USD");
    assertThat(s.lifetimeValue().get("EUR")).isEqualByComparingTo("120");
    assertThat(s.lifetimeValue().get("USD")).isEqualByComparingTo("10");
    assertThat(s.repeatPurchaseRate()).isCloseTo(1.0 / 3, within(1e-9)); // ann of ann, ben and cem
  }

  /** The data set of {@link #theKpisAreTheHandComputedOnes}, written as the engine writes. */
  private void loadTheDataSet() throws SQLException {
    purchase("alice", day(5, 10), "100", "EUR");
    purchase("alice", day(6, 10), "50", "EUR");
    refund("alice", day(6, 12), "30", "EUR");
    purchase("bob", day(5, 20), "200", "EUR");
    purchase("carol", day(6, 5), "80", "USD");
    purchase("dave", day(5, 5), "40", "EUR");
    purchase("dave", day(5, 25), "60", "EUR");
    purchase("erin", day(6, 15), null, null);
    purchase("frank", day(4, 1), "10", "EUR");
    refund("frank", day(6, 1), "10", "EUR");

    nps("alice", day(6, 1), 10);
    nps("alice", day(6, 20), 5);
    nps("bob", day(6, 3), 9);
    nps("carol", day(6, 4), "8");
    nps("dave", day(5, 15), 10);
    touchpoint("erin", "nps_response", day(6, 16), null, null, Map.of("comment", "no score"));
    nps("frank", day(6, 25), 0);

    touchpoint("alice", "email_open", day(5, 20), null, null, Map.of());
    touchpoint("alice", "email_open", day(6, 2), null, null, Map.of());
    touchpoint("bob", "email_open", day(6, 2), null, null, Map.of());
    touchpoint("carol", "email_open", day(6, 6), null, null, Map.of());
    touchpoint("alice", "email_click", day(6, 3), null, null, Map.of());

    Touchpoint churn = touchpoint("bob", "web_visit", day(6, 20), null, null, Map.of());
    transition(churn, "REPEAT", "CHURNED");
    write(day(6, 29));

    action("alice", "Welcome", "welcome", day(6, 2), null);
    action("bob", "Win back", "winback", day(6, 1), null);
    action("carol", "Receipt", "receipt", day(6, 5).minusSeconds(3 * 3600), null);
    action("dave", "Cap", "cap", day(6, 6), "frequency");
    action("erin", "Pending", "pending", day(6, 7), null);
    action("frank", "Failing", "failing", day(6, 8), null);
    action("alice", "Old", "old", day(5, 20), null);
    action("alice", "Nudge", "nudge", day(6, 8), null);
    try (Connection c = store.dataSource().getConnection()) {
      sent(c, "Welcome", false);
      sent(c, "Win back", false);
      sent(c, "Receipt", true);
      sent(c, "Old", false);
      sent(c, "Nudge", false);
      sql(c, "UPDATE actions SET status = 'failed' WHERE rule = 'Failing'");
      code(c, "W-1", "Welcome", "welcome", day(6, 11), "redeemed");
      code(c, "W-2", "Welcome", "welcome", day(5, 1), "redeemed");
      code(c, "W-3", "Welcome", "welcome", null, "issued");
    }
  }

  private void purchase(String customer, Instant at, String amount, String currency) {
    touchpoint(customer, "purchase", at, amount, currency, Map.of());
  }

  private void refund(String customer, Instant at, String amount, String currency) {
    touchpoint(customer, "refund", at, amount, currency, Map.of());
  }

  private void nps(String customer, Instant at, Object score) {
    touchpoint(customer, "nps_response", at, null, null, Map.of("score", score));
  }

  private Touchpoint touchpoint(String customer, String type, Instant at, String amount, String currency,
      Map<String, Object> properties) {
    Touchpoint t = new Touchpoint("t-" + decided.size(), customer, type, at, "web",
        amount == null ? null : new BigDecimal(amount), currency, properties);
    decided.add(new Decided(t, new Decision(List.of(), List.of(), List.of(), List.of(), null)));
    return t;
  }

  private void transition(Touchpoint t, String from, String to) {
    decided.set(decided.size() - 1, new Decided(t, new Decision(
        List.of(new Transition(t.customerId(), from, to, "Churn", "no purchase", t.id(), t.occurredAt())),
        List.of(), List.of(), List.of(), null)));
  }

  private void write(Instant receivedAt) {
    store.write(new WriteBatch(decided, List.of(), receivedAt));
    decided.clear();
  }

  /** An action made at {@code at} (the time its touchpoint is written), suppressed when a reason is given. */
  private void action(String customer, String rule, String template, Instant at, String suppressed) {
    Touchpoint t = new Touchpoint("a-" + rule, customer, "web_visit", at, "web", null, null, Map.of());
    ActionRequest a = new ActionRequest(customer, "email", template, Map.of(), rule, t.id(), 0, suppressed);
    store.write(new WriteBatch(List.of(new Decided(t, new Decision(List.of(), List.of(a), List.of(), List.of(), null))),
        List.of(), at));
  }

  /** Marks the rule's action sent an hour after it was made. */
  private static void sent(Connection c, String rule, boolean transactional) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE actions SET status = 'sent', sent_at = created_at + "
        + "INTERVAL '1' HOUR, transactional = ? WHERE rule = ?")) {
      ps.setBoolean(1, transactional);
      ps.setString(2, rule);
      ps.executeUpdate();
    }
  }

  private static void code(Connection c, String code, String rule, String template, Instant redeemedAt, String status)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO discount_codes (code, customer_id, percent, rule,"
        + " template, issued_at, expires_at, status, redeemed_at) VALUES (?, 'alice', 10, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, code);
      ps.setString(2, rule);
      ps.setString(3, template);
      ps.setObject(4, day(4, 1).atOffset(ZoneOffset.UTC));
      ps.setObject(5, day(12, 1).atOffset(ZoneOffset.UTC));
      ps.setString(6, status);
      ps.setObject(7, redeemedAt == null ? null : redeemedAt.atOffset(ZoneOffset.UTC));
      ps.executeUpdate();
    }
  }

  private static void sql(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.executeUpdate();
    }
  }
}
