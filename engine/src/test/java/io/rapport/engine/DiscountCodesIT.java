package io.rapport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Discount codes as a shop sees them, on PostgreSQL and on the embedded store: the default journey's loyalty reward
 * carries a random code stored with its rule, template, action and expiry; a purchase carrying it redeems it once,
 * and every other use is recorded as refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiscountCodesIT {
  private WebhookServers servers;
  private Instant start;

  @BeforeAll
  void start() throws Exception {
    servers = new WebhookServers();
    start = Instant.now().minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  }

  @AfterAll
  void stop() throws Exception {
    servers.close();
  }

  @Test
  void onPostgres() throws Exception {
    aCodeIsRedeemedOnceAndEveryOtherUseIsRecordedAsRefused(servers.start(servers.postgresUrl()));
  }

  @Test
  void onTheEmbeddedStore() throws Exception {
    aCodeIsRedeemedOnceAndEveryOtherUseIsRecordedAsRefused(servers.start(""));
  }

  private void aCodeIsRedeemedOnceAndEveryOtherUseIsRecordedAsRefused(Server server) throws Exception {
    Api api = new Api(server.port()).as(ServerContract.ADMIN_KEY);
    String customer = "c-loyal-" + server.port();
    for (int i = 1; i <= 5; i++) {
      purchase(api, customer + "-p" + i, customer, start.plusSeconds(i), null);
    }
    JsonObject reward = await().atMost(Duration.ofSeconds(15)).until(() -> api.journey(customer).json()
        .getJsonArray("actions").stream().map(o -> (JsonObject) o)
        .filter(a -> "loyalty-reward".equals(a.getString("template")) && "sent".equals(a.getString("status")))
        .findFirst().orElse(null), a -> a != null);
    String code = reward.getJsonObject("params").getString("discountCode");
    assertThat(code).matches("R10-[A-HJ-NP-Z2-9]{10}");
    assertThat(servers.webhook().to(customer)).anySatisfy(d -> assertThat(d.body().encode()).contains(code));

    Map<String, Object> issued = row(server, "SELECT customer_id, percent, rule, template, action_id, issued_at,"
        + " expires_at, status FROM discount_codes WHERE code = ?", code);
    assertThat(issued.get("customer_id")).isEqualTo(customer);
    assertThat(((Number) issued.get("percent")).intValue()).isEqualTo(10);
    assertThat(issued.get("rule")).isEqualTo("Five orders or 500 in revenue make a loyal customer");
    assertThat(issued.get("template")).isEqualTo("loyalty-reward");
    assertThat(((Number) issued.get("action_id")).longValue()).isEqualTo(reward.getLong("id"));
    assertThat(issued.get("status")).isEqualTo("issued");
    Instant issuedAt = instant(issued.get("issued_at"));
    assertThat(instant(issued.get("expires_at"))).isEqualTo(issuedAt.plus(Duration.ofDays(30)));

    purchase(api, customer + "-use1", customer, start.plusSeconds(60), code.toLowerCase());
    purchase(api, customer + "-use2", customer, start.plusSeconds(120), code);
    purchase(api, "other-" + customer + "-use", "other-" + customer, start.plusSeconds(130), code);
    purchase(api, customer + "-guess", customer, start.plusSeconds(140), "R10-AAAAAAAAAA");

    Map<String, Object> redeemed = row(server, "SELECT status, redeemed_touchpoint_id, redeemed_amount,"
        + " redeemed_currency FROM discount_codes WHERE code = ?", code);
    assertThat(redeemed.get("status")).isEqualTo("redeemed");
    assertThat(redeemed.get("redeemed_touchpoint_id")).isEqualTo(customer + "-use1");
    assertThat(((Number) redeemed.get("redeemed_amount")).doubleValue()).isEqualTo(20.0);
    assertThat(outcomes(server, customer)).containsExactly(
        Map.entry(customer + "-use1", "redeemed"), Map.entry(customer + "-use2", "already-redeemed"),
        Map.entry(customer + "-guess", "unknown"));
    assertThat(outcomes(server, "other-" + customer)).containsExactly(
        Map.entry("other-" + customer + "-use", "other-customer"));

    // a second customer's code, used after its 30 days
    String late = "c-late-" + server.port();
    for (int i = 1; i <= 5; i++) {
      purchase(api, late + "-p" + i, late, start.plusSeconds(i), null);
    }
    String lateCode = await().atMost(Duration.ofSeconds(15)).until(() -> (String) row(server,
        "SELECT code FROM discount_codes WHERE customer_id = ?", late).get("code"), c -> c != null);
    purchase(api, late + "-use", late, start.plus(Duration.ofDays(31)), lateCode);
    assertThat(outcomes(server, late)).containsExactly(Map.entry(late + "-use", "expired"));
    assertThat(row(server, "SELECT status FROM discount_codes WHERE code = ?", lateCode).get("status"))
        .isEqualTo("expired");
  }

  private static void purchase(Api api, String id, String customer, Instant at, String code) throws Exception {
    JsonObject t = new JsonObject(Api.touchpoint(id, customer, "purchase", at.toString(), 20.0)).put("currency", "EUR");
    if (code != null) {
      t.put("properties", new JsonObject().put("discountCode", code));
    }
    assertThat(api.postJson(t.encode()).status()).isEqualTo(202);
  }

  private static Map<String, Object> row(Server server, String sql, String parameter) throws Exception {
    try (Connection c = server.store().dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, parameter);
      try (ResultSet rs = ps.executeQuery()) {
        Map<String, Object> row = new HashMap<>();
        if (rs.next()) {
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(), rs.getObject(i));
          }
        }
        return row;
      }
    }
  }

  private static Map<String, String> outcomes(Server server, String customer) throws Exception {
    try (Connection c = server.store().dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT touchpoint_id, outcome FROM code_redemptions WHERE customer_id = ? ORDER BY at")) {
      ps.setString(1, customer);
      try (ResultSet rs = ps.executeQuery()) {
        Map<String, String> out = new LinkedHashMap<>();
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
        return out;
      }
    }
  }

  private static Instant instant(Object timestamp) {
    if (timestamp instanceof java.time.OffsetDateTime o) {
      return o.toInstant();
    }
    if (timestamp instanceof java.sql.Timestamp t) {
      return t.toInstant();
    }
    return Instant.parse(timestamp.toString());
  }
}
